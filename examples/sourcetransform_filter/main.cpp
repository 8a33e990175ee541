// sourcetransform_filter: map_filter as a source transformer. Keeps the datums whose JSON payload
// has an integer "id" below 100, a "msg" equal to "hello" and a "desc" containing "good" (value,
// keys and event time unchanged); drops the others (the drop keeps the event time, so the
// watermark still advances). A payload that is not a JSON object, or lacks an integer "id", is a
// UDF error.
//
// numaflow-go's filter evaluates the expression
//   int(json(payload).id) < 100 && json(payload).msg == 'hello' && sprig.contains('good', string(json(payload).desc))
// this one the same test written as example::JsonCondition values (common/example_json.hpp).
//
// Handler: a lambda, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_json.hpp"

int main(int argc, char** argv) {
  auto const args =
      example::parse(argc, argv, {.program = "sourcetransform_filter", .policies = {example::Policy::sync}});

  using Compare = example::JsonCondition::Compare;
  auto filter = [](numaflow::Datum const& d) {
    bool const keep = example::holds_all(
        {{"/id", Compare::less_than, "100"}, {"/msg", Compare::equals, "hello"}, {"/desc", Compare::contains, "good"}},
        d.value);
    if (!keep) return numaflow::Messages{numaflow::Message::to_drop(d.event_time)};
    return numaflow::Messages{numaflow::Message{d.value, d.keys}.with_event_time(d.event_time)};
  };
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{filter, args.options}.serve();
}
