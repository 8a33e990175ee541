// sessionreduce_counter: counts the datums of each session (keys + session window). When the
// session closes it emits one message with the session's keys and the count in decimal ("5").
// Sessions the platform merges hand their counts over: the merged-away session's accumulator() is
// its count as decimal text, and merge_accumulator() adds it to the surviving session's count, so
// the merged session reports the sum.
//
// Handler: SessionCounter, a class derived from numaflow::SessionReducer (policy sync, the only
// one session reduce offers; one copy per session).

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

class SessionCounter final : public numaflow::SessionReducer {
 public:
  void on_datum(numaflow::Keys const&, numaflow::Datum const&, numaflow::MessageEmitter&) override { ++count_; }

  void on_close(numaflow::Keys const& keys, numaflow::MessageEmitter& out) override {
    out.emit(numaflow::Message{std::to_string(count_), keys});
  }

  std::string accumulator() override { return std::to_string(count_); }

  void merge_accumulator(std::string const& accumulator) override {
    std::uint64_t other = 0;
    auto const* end = accumulator.data() + accumulator.size();
    auto [ptr, ec] = std::from_chars(accumulator.data(), end, other);
    if (accumulator.empty() || ec != std::errc{} || ptr != end)
      throw std::invalid_argument("sessionreduce_counter: not a count: \"" + accumulator + "\"");
    count_ += other;
  }

 private:
  std::uint64_t count_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  auto const args =
      example::parse(argc, argv, {.program = "sessionreduce_counter", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::SessionReduce, numaflow::Sync>{SessionCounter{}, args.options}.serve();
}
