// sourcetransform_event_time_extractor: takes each datum's event time from its JSON payload, the
// field "time" of the second element of the array "item" (JSON pointer /item/1/time), e.g.
//   {"item":[{"time":"2022-01-01T00:00:00Z"},{"time":"2023-06-01T12:30:00.5+02:00"}]}
// The value and keys are kept. The time is read by example::parse_time (common/example_time.hpp:
// RFC 3339 and its common variants, UTC when the zone is missing). A payload that is not a JSON
// object, lacks the field, or holds no readable time there is a UDF error.
//
// numaflow-go's extractor evaluates the expression
//   json(payload).item[1].time
// and parses the result with the dateparse package.
//
// Handler: a lambda, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_json.hpp"
#include "example_time.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(
      argc, argv, {.program = "sourcetransform_event_time_extractor", .policies = {example::Policy::sync}});

  auto extract = [](numaflow::Datum const& d) {
    auto const event_time = example::parse_time(example::json_text_at(d.value, "/item/1/time"));
    return numaflow::Messages{numaflow::Message{d.value, d.keys}.with_event_time(event_time)};
  };
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{extract, args.options}.serve();
}
