// map_multiproc_prime: a CPU-bound map. For every datum it counts the primes below --bound by
// trial division (about 3 ms for the default 50000 on one core), then forwards the datum's value
// and keys unchanged. It serves with --policy multiproc by default: the handler runs in --workers
// forked processes behind one gRPC endpoint, so CPU-bound work uses every core.
//
// Handlers written as classes carrying their configuration: numaflow::Mapper for multiproc and
// sync, numaflow::AsyncMapper for async.

#include <atomic>
#include <cstdint>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

std::uint64_t count_primes_below(std::uint64_t bound) {
  std::uint64_t count = 0;
  for (std::uint64_t n = 2; n < bound; ++n) {
    bool prime = true;
    for (std::uint64_t d = 2; d * d <= n; ++d) {
      if (n % d == 0) {
        prime = false;
        break;
      }
    }
    count += prime ? 1 : 0;
  }
  return count;
}

// Keeps the compiler from discarding a count that nothing else reads.
std::atomic<std::uint64_t> last_count{0};

class PrimeMapper final : public numaflow::Mapper {
 public:
  explicit PrimeMapper(std::uint64_t bound) : bound_(bound) {}
  numaflow::Messages handle(numaflow::Datum const& d) override {
    last_count.store(count_primes_below(bound_), std::memory_order_relaxed);
    return {numaflow::Message{d.value, d.keys}};
  }

 private:
  std::uint64_t bound_;
};

// The coroutine runs the same work on one of the --workers threads of the async policy.
class AsyncPrimeMapper final : public numaflow::AsyncMapper {
 public:
  explicit AsyncPrimeMapper(std::uint64_t bound) : bound_(bound) {}
  numaflow::Task<numaflow::Messages> handle(numaflow::Datum const& d) override {
    last_count.store(count_primes_below(bound_), std::memory_order_relaxed);
    co_return numaflow::Messages{numaflow::Message{d.value, d.keys}};
  }

 private:
  std::uint64_t bound_;
};

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  std::uint64_t bound = 50'000;
  auto const args = example::parse(argc, argv,
                                   {.program = "map_multiproc_prime",
                                    .policies = {Policy::sync, Policy::async, Policy::multiproc},
                                    .default_policy = Policy::multiproc,
                                    .extra = {{"--bound", &bound, "count the primes below N for every datum"}}});

  switch (args.policy) {
    case Policy::multiproc:
      return numaflow::Server<numaflow::Map, numaflow::MultiProc>{PrimeMapper{bound}, args.options}.serve();
    case Policy::sync: return numaflow::Server<numaflow::Map, numaflow::Sync>{PrimeMapper{bound}, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::Map, numaflow::Async>{AsyncPrimeMapper{bound}, args.options}.serve();
  }
  return 2;
}
