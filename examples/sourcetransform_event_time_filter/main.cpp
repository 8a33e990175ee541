// sourcetransform_event_time_filter: a source transformer that filters and re-times by event time.
//   - before 2022-01-01T00:00:00Z: dropped (the drop keeps the datum's event time);
//   - during 2022: value kept (no keys, as in pynumaflow), tags ["within_year_2022"], event time
//     2022-01-01T00:00:00Z;
//   - from 2023-01-01T00:00:00Z on: value kept (no keys), tags ["after_year_2022"], event time
//     2023-01-01T00:00:00Z.
//
// Handlers written as free functions (sync and multiproc) and a coroutine lambda (async).

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

constexpr numaflow::Timestamp january_first_2022{1'640'995'200, 0};
constexpr numaflow::Timestamp january_first_2023{1'672'531'200, 0};

numaflow::Messages filter(numaflow::Datum const& d) {
  if (d.event_time < january_first_2022) return {numaflow::Message::to_drop(d.event_time)};
  if (d.event_time < january_first_2023)
    return {numaflow::Message{d.value}.with_tags({"within_year_2022"}).with_event_time(january_first_2022)};
  return {numaflow::Message{d.value}.with_tags({"after_year_2022"}).with_event_time(january_first_2023)};
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args = example::parse(
      argc, argv,
      {.program = "sourcetransform_event_time_filter", .policies = {Policy::sync, Policy::async, Policy::multiproc}});

  using numaflow::SourceTransform;
  switch (args.policy) {
    case Policy::sync:
      return numaflow::Server<SourceTransform, numaflow::Sync>{numaflow::fn<&filter>, args.options}.serve();
    case Policy::async:
      return numaflow::Server<SourceTransform, numaflow::Async>{
          [](numaflow::Datum const& d) -> numaflow::Task<numaflow::Messages> { co_return filter(d); }, args.options}
          .serve();
    case Policy::multiproc:
      return numaflow::Server<SourceTransform, numaflow::MultiProc>{numaflow::fn<&filter>, args.options}.serve();
  }
  return 2;
}
