// reduce_counter: counts the datums of each keys in each fixed window. When the window closes it
// emits one message per keys, with the input keys and the value
//
//   counter:<n> interval_window_start:<start> interval_window_end:<end>
//
// where <start> and <end> are the window bounds printed as pynumaflow's reduce counter example
// prints them: str() of a UTC datetime built from the bound's milliseconds, e.g.
// "2022-01-01 00:00:00+00:00", or "2022-01-01 00:00:00.250000+00:00" with a fraction.
//
// Handlers written as free functions, passed as compile-time constants with numaflow::fn<&f>:
// `count` (policy sync) sees every datum of the window at once; `count_async` (policy async) is a
// coroutine reading the datums as they arrive.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

// What Python prints for datetime.fromtimestamp(ms / 1e3, timezone.utc), ms being the bound in
// whole milliseconds (protobuf's ToMilliseconds): "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00".
std::string python_utc_datetime(numaflow::Timestamp t) {
  std::int64_t const millis = t.nanos / 1'000'000;
  std::string out = numaflow::to_rfc3339({t.seconds, 0});  // "YYYY-MM-DDTHH:MM:SSZ"
  out.pop_back();                                          // the "Z"
  out[out.find('T')] = ' ';
  if (millis != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%06lld", static_cast<long long>(millis) * 1000);
    out += fraction;
  }
  return out + "+00:00";
}

std::string counter_value(std::size_t count, numaflow::IntervalWindow const& window) {
  return "counter:" + std::to_string(count) + " interval_window_start:" + python_utc_datetime(window.start) +
         " interval_window_end:" + python_utc_datetime(window.end);
}

numaflow::Messages count(numaflow::Keys const& keys, numaflow::Datums const& datums,
                         numaflow::IntervalWindow const& window) {
  return {numaflow::Message{counter_value(datums.size(), window), keys}};
}

numaflow::Task<numaflow::Messages> count_async(numaflow::Keys const& keys, numaflow::DatumStream& datums,
                                               numaflow::IntervalWindow const& window) {
  std::size_t n = 0;
  while (co_await datums.next()) ++n;
  co_return numaflow::Messages{numaflow::Message{counter_value(n, window), keys}};
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args =
      example::parse(argc, argv, {.program = "reduce_counter", .policies = {Policy::sync, Policy::async}});

  switch (args.policy) {
    case Policy::sync:
      return numaflow::Server<numaflow::Reduce, numaflow::Sync>{numaflow::fn<&count>, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::Reduce, numaflow::Async>{numaflow::fn<&count_async>, args.options}.serve();
    case Policy::multiproc: break;  // not offered: reduce serves with Sync or Async only
  }
  return 2;
}
