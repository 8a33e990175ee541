// map_retry: imitates a step that fails twice before it succeeds. It counts how often it has seen
// each distinct value (logging "count for "<value>"=<n>"); the first two times it asks for the datum
// again, the third time it forwards the value without tags, and its count is forgotten. The counts
// live in memory: run one replica.
//
// How it asks again, by RETRY_WITH: `fail` (the default) answers Message::to_fail(), and the
// platform itself sends the same datum again after the vertex's retry backoff; `tag` forwards the
// value with the tag "retry", as numaflow-go's example does, for a pipeline whose conditional edge
// routes that tag back to this vertex.
//
// Handler: a class derived from numaflow::Mapper, policy sync (handlers run on several threads,
// so the counts are behind a mutex).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
  explicit Retry(bool with_tag) : with_tag_(with_tag) {}

  numaflow::Messages handle(numaflow::Datum const& d) override {
    std::uint64_t const seen = count(d.value);
    std::printf("count for \"%s\"=%llu\n", example::escaped(d.value).c_str(), static_cast<unsigned long long>(seen));
    std::fflush(stdout);
    if (seen >= succeed_at) return {numaflow::Message{d.value}};
    if (with_tag_) return {numaflow::Message{d.value}.with_tags({"retry"})};
    return {numaflow::Message::to_fail()};
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
  bool with_tag_;
  std::unique_ptr<Counts> counts_ = std::make_unique<Counts>();  // the server moves the handler in
};

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "map_retry", .policies = {example::Policy::sync}});
  char const* retry_with = std::getenv("RETRY_WITH");
  std::string const mode = retry_with ? retry_with : "fail";
  if (mode != "fail" && mode != "tag") {
    std::fprintf(stderr, "map_retry: RETRY_WITH must be \"fail\" or \"tag\", not \"%s\"\n", mode.c_str());
    return 2;
  }
  return numaflow::Server<numaflow::Map, numaflow::Sync>{Retry{mode == "tag"}, args.options}.serve();
}
