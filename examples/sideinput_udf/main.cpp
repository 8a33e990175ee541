// sideinput_udf: a map UDF that consumes a side input. A numaflow::SideInputWatcher follows the
// side input (default "myticker" in /var/numaflow/side-inputs) and logs every new value; each datum
// is forwarded unchanged (value, keys, user metadata) with the latest side-input value added as
// user metadata: group "side_input", key <side-input name>. Before the first value arrives the
// datum is forwarded without it.
//
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <string>
#include <utility>

#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_side_input.hpp"

namespace {

class AttachSideInput final : public numaflow::Mapper {
 public:
  explicit AttachSideInput(numaflow::SideInputWatcher const& watcher) : watcher_(&watcher) {}

  numaflow::Messages handle(numaflow::Datum const& datum) override {
    numaflow::Message message{datum};
    if (auto value = watcher_->latest()) message.user_metadata.add("side_input", watcher_->name(), std::move(*value));
    return {std::move(message)};
  }

 private:
  numaflow::SideInputWatcher const* watcher_;
};

}  // namespace

int main(int argc, char** argv) {
  example::Spec const spec{.program = "sideinput_udf", .policies = {example::Policy::sync}};
  auto const side_input = example::take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);

  auto const watcher = example::watch_side_input(side_input);
  return numaflow::Server<numaflow::Map, numaflow::Sync>{AttachSideInput{watcher}, args.options}.serve();
}
