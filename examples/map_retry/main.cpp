// map_retry: imitates a step that fails twice before it succeeds. It counts how often it has seen
// each distinct value (logging "count for "<value>"=<n>"); the first two times a value is forwarded
// with the tag "retry" (the pipeline routes that tag back to this vertex), the third time without
// tags, and its count is forgotten. The counts live in memory: run one replica.
//
// Handler: a class derived from numaflow::Mapper, policy sync (handlers run on several threads,
// so the counts are behind a mutex).

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

namespace {

constexpr std::uint64_t succeed_at = 3;

class Retry final : public numaflow::Mapper {
 public:
  numaflow::Messages handle(numaflow::Datum const& d) override {
    std::uint64_t const seen = count(d.value);
    std::printf("count for \"%s\"=%llu\n", example::escaped(d.value).c_str(), static_cast<unsigned long long>(seen));
    std::fflush(stdout);
    if (seen >= succeed_at) return {numaflow::Message{d.value}};
    return {numaflow::Message{d.value}.with_tags({"retry"})};
  }

 private:
  std::uint64_t count(std::string const& value) {
    std::lock_guard lock(counts_->mu);
    std::uint64_t const seen = ++counts_->by_value[value];
    if (seen >= succeed_at) counts_->by_value.erase(value);
    return seen;
  }

  struct Counts {
    std::mutex mu;
    std::map<std::string, std::uint64_t> by_value;
  };
  std::unique_ptr<Counts> counts_ = std::make_unique<Counts>();  // the server moves the handler in
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "map_retry", .policies = {example::Policy::sync}});
  return numaflow::Server<numaflow::Map, numaflow::Sync>{Retry{}, args.options}.serve();
}
