// sideinput_reduce_udf: a reduce UDF gated by a side input (sideinput_reduce generates it). A
// numaflow::SideInputWatcher follows the side input (default "myticker" in
// /var/numaflow/side-inputs) and logs every new value. For each keys and window the values
// (decimal integers; others are logged and skipped) are summed; if the sum is positive and the side
// input has a non-empty value, one message "reduce_sideinput" (no keys) is emitted, otherwise a drop.
//
// Handler: SideInputGatedSum, a class derived from numaflow::Reducer (policy sync; copyable, it
// only points at the watcher).
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <cstdint>
#include <string>

#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_number.hpp"
#include "example_side_input.hpp"

namespace {

class SideInputGatedSum final : public numaflow::Reducer {
 public:
  explicit SideInputGatedSum(numaflow::SideInputWatcher const& watcher) : watcher_(&watcher) {}

  numaflow::Messages handle(numaflow::Keys const&, numaflow::Datums const& datums,
                            numaflow::IntervalWindow const&) override {
    auto const side_input = watcher_->latest();
    std::int64_t sum = 0;
    for (auto const& d : datums) sum += example::int_value_or_log(d.value).value_or(0);
    if (sum > 0 && side_input && !side_input->empty()) return {numaflow::Message{"reduce_sideinput"}};
    return {numaflow::Message::to_drop()};
  }

 private:
  numaflow::SideInputWatcher const* watcher_;
};

}  // namespace

int main(int argc, char** argv) {
  example::Spec const spec{.program = "sideinput_reduce_udf", .policies = {example::Policy::sync}};
  auto const side_input = example::take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);

  auto const watcher = example::watch_side_input(side_input);
  return numaflow::Server<numaflow::Reduce, numaflow::Sync>{SideInputGatedSum{watcher}, args.options}.serve();
}
