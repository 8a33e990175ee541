// sourcetransform_time_extraction_filter: a filter and an event-time extractor in one step. A
// datum whose JSON payload has an integer "id" below 100 is kept, with its event time taken from
// the payload's "time" field (read by example::parse_time: RFC 3339 and its common variants, UTC
// when the zone is missing); value and keys are kept. Any other datum is dropped (the drop keeps
// its event time). A payload that is not a JSON object, lacks an integer "id", or, when kept, holds
// no readable "time" is a UDF error.
//
// numaflow-go's example evaluates the expressions
//   int(json(payload).id) < 100
//   json(payload).time
// this one the same, written with common/example_json.hpp.
//
// Handler: a lambda, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_json.hpp"
#include "example_time.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(
      argc, argv, {.program = "sourcetransform_time_extraction_filter", .policies = {example::Policy::sync}});

  using Compare = example::JsonCondition::Compare;
  auto filter_and_extract = [](numaflow::Datum const& d) {
    if (!example::holds_all({{"/id", Compare::less_than, "100"}}, d.value))
      return numaflow::Messages{numaflow::Message::to_drop(d.event_time)};
    auto const event_time = example::parse_time(example::json_text_at(d.value, "/time"));
    return numaflow::Messages{numaflow::Message{d.value, d.keys}.with_event_time(event_time)};
  };
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{filter_and_extract, args.options}.serve();
}
