// sourcetransform_assign_event_time: gives every datum the current time as its event time,
// keeping its value and keys, and logs it ("AssignEventTime: Assigning event time <time> to
// message <value>").
//
// Handler: a lambda, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

int main(int argc, char** argv) {
  auto const args =
      example::parse(argc, argv, {.program = "sourcetransform_assign_event_time", .policies = {example::Policy::sync}});

  auto assign_now = [](numaflow::Datum const& d) {
    auto const now = numaflow::Timestamp::now();
    example::print_line("AssignEventTime: Assigning event time " + numaflow::to_rfc3339(now) + " to message " +
                        example::escaped(d.value));
    return numaflow::Messages{numaflow::Message{d.value, d.keys}.with_event_time(now)};
  };
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{assign_now, args.options}.serve();
}
