// map_filter: keeps the datums whose JSON payload has an integer "id" below 100, a "msg" equal to
// "hello" and a "desc" containing "good"; drops the others. A kept datum's value is forwarded
// without keys. A payload that is not a JSON object, or lacks an integer "id", is a UDF error.
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
  auto const args = example::parse(argc, argv, {.program = "map_filter", .policies = {example::Policy::sync}});

  using Compare = example::JsonCondition::Compare;
  auto filter = [](numaflow::Datum const& d) {
    bool const keep = example::holds_all(
        {{"/id", Compare::less_than, "100"}, {"/msg", Compare::equals, "hello"}, {"/desc", Compare::contains, "good"}},
        d.value);
    return numaflow::Messages{keep ? numaflow::Message{d.value} : numaflow::Message::to_drop()};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{filter, args.options}.serve();
}
