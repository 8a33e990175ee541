// reduce_sum: sums the values (decimal integers) of each keys in each window. When the window
// closes it emits one message per keys, with the input keys and the sum in decimal ("15"). A value
// that is not an integer is logged and skipped.
//
// Handler: a free function passed with numaflow::fn<&f>, policy sync (it sees every datum of the
// keys and window at once).

#include <cstdint>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_number.hpp"

namespace {

numaflow::Messages sum(numaflow::Keys const& keys, numaflow::Datums const& datums, numaflow::IntervalWindow const&) {
  std::int64_t total = 0;
  for (auto const& d : datums) total += example::int_value_or_log(d.value).value_or(0);
  return {numaflow::Message{std::to_string(total), keys}};
}

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "reduce_sum", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::Reduce, numaflow::Sync>{numaflow::fn<&sum>, args.options}.serve();
}
