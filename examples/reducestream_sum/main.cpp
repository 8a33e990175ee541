// reducestream_sum: a running sum of the values (decimal integers) of each keys in each window
// that reports early: once the sum reaches 100 it is emitted at once (with the input keys) and
// starts again from 0. When the window closes whatever is left is emitted, so 30, 40, 50, 5 give
// "120" early, then "5" at the close. A value that is not an integer is logged and skipped.
//
// Handler: SumStream, a class derived from numaflow::ReduceStreamer (policy sync: one copy per
// keys and window).

#include <cstdint>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_number.hpp"

namespace {

constexpr std::int64_t report_at = 100;

class SumStream final : public numaflow::ReduceStreamer {
 public:
  void on_datum(numaflow::Keys const& keys, numaflow::Datum const& d, numaflow::IntervalWindow const&,
                numaflow::MessageEmitter& out) override {
    auto const n = example::int_value_or_log(d.value);
    if (!n) return;
    sum_ += *n;
    if (sum_ >= report_at) {
      out.emit(numaflow::Message{std::to_string(sum_), keys});
      sum_ = 0;
    }
  }
  void on_close(numaflow::Keys const& keys, numaflow::IntervalWindow const&, numaflow::MessageEmitter& out) override {
    out.emit(numaflow::Message{std::to_string(sum_), keys});
  }

 private:
  std::int64_t sum_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "reducestream_sum", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::ReduceStream, numaflow::Sync>{SumStream{}, args.options}.serve();
}
