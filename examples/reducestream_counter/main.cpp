// reducestream_counter: a running count per keys and fixed window that reports early. Each datum
// increments the count; when it exceeds 10 the handler emits "counter:<count>" (with the input
// keys) at once and resets the count to 0. When the window closes it emits "counter:<count>" with
// whatever is left, so 12 datums give "counter:11" then, at the close, "counter:1" (and 11 datums
// give "counter:11" then "counter:0").
//
// Handlers: CounterStream, a class derived from numaflow::ReduceStreamer (policy sync: one copy
// per keys and window, on_datum for each datum and on_close at the end), and count_stream, a
// coroutine passed with numaflow::fn<&f> (policy async: reads the datums as they arrive).

#include <cstdint>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

constexpr std::uint64_t report_above = 10;

numaflow::Message counter_message(numaflow::Keys const& keys, std::uint64_t count) {
  return numaflow::Message{"counter:" + std::to_string(count), keys};
}

class CounterStream final : public numaflow::ReduceStreamer {
 public:
  void on_datum(numaflow::Keys const& keys, numaflow::Datum const&, numaflow::IntervalWindow const&,
                numaflow::MessageEmitter& out) override {
    if (++count_ > report_above) {
      out.emit(counter_message(keys, count_));
      count_ = 0;
    }
  }

  void on_close(numaflow::Keys const& keys, numaflow::IntervalWindow const&, numaflow::MessageEmitter& out) override {
    out.emit(counter_message(keys, count_));
  }

 private:
  std::uint64_t count_ = 0;
};

numaflow::Task<void> count_stream(numaflow::Keys const& keys, numaflow::DatumStream& datums,
                                  numaflow::IntervalWindow const&, numaflow::MessageEmitter& out) {
  std::uint64_t count = 0;
  while (co_await datums.next()) {
    if (++count > report_above) {
      out.emit(counter_message(keys, count));
      count = 0;
    }
  }
  out.emit(counter_message(keys, count));
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args =
      example::parse(argc, argv, {.program = "reducestream_counter", .policies = {Policy::sync, Policy::async}});

  switch (args.policy) {
    case Policy::sync:
      return numaflow::Server<numaflow::ReduceStream, numaflow::Sync>{CounterStream{}, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::ReduceStream, numaflow::Async>{numaflow::fn<&count_stream>, args.options}
          .serve();
    case Policy::multiproc: break;  // not offered: reduce stream serves with Sync or Async only
  }
  return 2;
}
