// accumulator_sorter: reorders each keys' stream by event time. Every datum is buffered; once the
// watermark (the highest seen so far for these keys) has reached a buffered datum's event time,
// that datum is emitted, and the buffer is released in event-time order (datums with equal event
// times keep their arrival order). Each datum goes out unchanged, built with
// numaflow::Message::from_datum: same value, keys, event time, id, watermark and headers. When the
// platform closes the keys (or the stream ends), on_close emits what is still buffered, in order.
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
  void on_datum(numaflow::Datum const& datum, numaflow::MessageEmitter& out) override {
    if (!watermark_ || *watermark_ < datum.watermark) watermark_ = datum.watermark;
    buffer_.emplace(datum.event_time, datum);  // after any equal event time: arrival order is kept
    while (!buffer_.empty() && buffer_.begin()->first <= *watermark_) release_first(out);
  }

  void on_close(numaflow::MessageEmitter& out) override {
    while (!buffer_.empty()) release_first(out);
  }

 private:
  void release_first(numaflow::MessageEmitter& out) {
    out.emit(numaflow::Message::from_datum(buffer_.begin()->second));
    buffer_.erase(buffer_.begin());
  }

  std::multimap<numaflow::Timestamp, numaflow::Datum> buffer_;
  std::optional<numaflow::Timestamp> watermark_;
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "accumulator_sorter", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::Accumulator, numaflow::Sync>{StreamSorter{}, args.options}.serve();
}
