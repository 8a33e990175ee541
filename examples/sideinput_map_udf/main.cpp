// sideinput_map_udf: a map UDF steered by a side input (sideinput_map generates it). A
// numaflow::SideInputWatcher follows the side input (default "myticker" in
// /var/numaflow/side-inputs) and logs every new value. While its value is "even" every datum
// becomes "<value>-even-data", while it is "odd" "<value>-odd-data" (no keys); before the first
// value, or with any other value, datums are dropped.
//
// Handler: a lambda reading the watcher's latest value, policy sync.
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <string>

#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_side_input.hpp"

int main(int argc, char** argv) {
  example::Spec const spec{.program = "sideinput_map_udf", .policies = {example::Policy::sync}};
  auto const side_input = example::take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);

  auto const watcher = example::watch_side_input(side_input);
  auto tag_with_side_input = [&watcher](numaflow::Datum const& d) {
    auto const parity = watcher.latest();
    if (parity == "even" || parity == "odd")
      return numaflow::Messages{numaflow::Message{d.value + "-" + *parity + "-data"}};
    return numaflow::Messages{numaflow::Message::to_drop()};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{tag_with_side_input, args.options}.serve();
}
