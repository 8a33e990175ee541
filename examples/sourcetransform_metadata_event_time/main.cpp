// sourcetransform_metadata_event_time: gives every datum the current time as its event time and
// records it in the user metadata: group "event-time-group", key "event-time", value the time in
// RFC 3339 UTC to the second. Value, keys and the datum's other user metadata are kept.
//
// Handler: a lambda, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(
      argc, argv, {.program = "sourcetransform_metadata_event_time", .policies = {example::Policy::sync}});

  auto stamp = [](numaflow::Datum const& d) {
    auto const now = numaflow::Timestamp::now();
    numaflow::Message message{d};
    message.user_metadata.add("event-time-group", "event-time", numaflow::to_rfc3339({now.seconds, 0}));
    return numaflow::Messages{std::move(message).with_event_time(now)};
  };
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{stamp, args.options}.serve();
}
