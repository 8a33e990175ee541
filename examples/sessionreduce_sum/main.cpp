// sessionreduce_sum: sums the values (decimal integers) of each session (keys + session window).
// When the session closes it emits one message with the session's keys and the sum in decimal.
// Sessions the platform merges hand their sums over: accumulator() is the sum as decimal text and
// merge_accumulator() adds another session's to this one. A value that is not an integer is a UDF
// error (numaflow-go's example panics); an accumulator that is not one is logged and ignored.
//
// Handler: SessionSum, a class derived from numaflow::SessionReducer (policy sync, the only one
// session reduce offers; one copy per session).

#include <cstdint>
#include <stdexcept>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_number.hpp"

namespace {

class SessionSum final : public numaflow::SessionReducer {
 public:
  void on_datum(numaflow::Keys const&, numaflow::Datum const& d, numaflow::MessageEmitter&) override {
    auto const n = example::parse_int(d.value);
    if (!n) throw std::invalid_argument("unable to convert the value to int: \"" + example::escaped(d.value) + "\"");
    sum_ += *n;
  }
  void on_close(numaflow::Keys const& keys, numaflow::MessageEmitter& out) override {
    out.emit(numaflow::Message{std::to_string(sum_), keys});
  }
  std::string accumulator() override { return std::to_string(sum_); }
  void merge_accumulator(std::string const& accumulator) override {
    if (auto const other = example::parse_int(accumulator))
      sum_ += *other;
    else
      example::print_line("unable to convert the accumulator value to int: \"" + example::escaped(accumulator) + "\"");
  }

 private:
  std::int64_t sum_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sessionreduce_sum", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::SessionReduce, numaflow::Sync>{SessionSum{}, args.options}.serve();
}
