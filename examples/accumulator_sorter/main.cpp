// accumulator_sorter: reorders each keys' stream by event time. Every datum is buffered; once the
// watermark (the highest seen so far for these keys) has reached a buffered datum's event time,
// that datum is emitted, and the buffer is released in event-time order (datums with equal event
// times keep their arrival order). Each datum goes out unchanged as numaflow::AccumulatorOutput{datum}:
// same value, keys, event time, id, watermark and headers. When the platform closes the keys
// (CLOSE), on_close emits what is still buffered, in order. When the stream ends without a CLOSE
// (the platform shuts down), the buffer is dropped: nothing buffered was emitted, so the platform
// replays it from its WAL after the restart, and flushing it here would emit it twice.
//
// Handler: StreamSorter, a class derived from numaflow::AccumulatorHandler (policy sync, the only
// one the accumulator offers; one copy per keys).

#include <map>
#include <optional>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

class StreamSorter final : public numaflow::AccumulatorHandler {
 public:
  void on_datum(numaflow::Datum const& datum, numaflow::AccumulatorEmitter& out) override {
    if (!watermark_ || *watermark_ < datum.watermark) watermark_ = datum.watermark;
    buffer_.emplace(datum.event_time, datum);  // after any equal event time: arrival order is kept
    while (!buffer_.empty() && buffer_.begin()->first <= *watermark_) release_first(out);
  }

  void on_close(numaflow::AccumulatorEmitter& out) override {
    while (!buffer_.empty()) release_first(out);
  }

  void on_stream_end() override { buffer_.clear(); }  // replayed by the platform after its restart

 private:
  void release_first(numaflow::AccumulatorEmitter& out) {
    auto first = buffer_.extract(buffer_.begin());
    out.emit(numaflow::AccumulatorOutput{std::move(first.mapped())});
  }

  std::multimap<numaflow::Timestamp, numaflow::Datum> buffer_;
  std::optional<numaflow::Timestamp> watermark_;
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "accumulator_sorter", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::Accumulator, numaflow::Sync>{StreamSorter{}, args.options}.serve();
}
