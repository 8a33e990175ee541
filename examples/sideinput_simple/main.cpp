// sideinput_simple: a side-input generator. Retrievals alternate: the first broadcasts
// "an example: <time>" (the current UTC time in RFC 3339), the second skips the round (no
// broadcast: the vertices keep their current value), the third broadcasts again, and so on.
//
// Handlers written as lambdas sharing one atomic call counter (the platform may call concurrently):
// a plain one for --policy sync, a coroutine for async.

#include <atomic>
#include <cstdint>
#include <string>

#include <numaflow/functions/sideinput.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

numaflow::SideInputResponse next_value(std::atomic<std::uint64_t>& calls) {
  if (calls.fetch_add(1) % 2 == 0)
    return numaflow::SideInputResponse::broadcast("an example: " + numaflow::to_rfc3339(numaflow::Timestamp::now()));
  return numaflow::SideInputResponse::no_broadcast();
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args =
      example::parse(argc, argv, {.program = "sideinput_simple", .policies = {Policy::sync, Policy::async}});

  std::atomic<std::uint64_t> calls{0};
  auto retrieve = [&calls] { return next_value(calls); };
  auto retrieve_async = [&calls]() -> numaflow::Task<numaflow::SideInputResponse> { co_return next_value(calls); };

  switch (args.policy) {
    case Policy::sync: return numaflow::Server<numaflow::SideInput, numaflow::Sync>{retrieve, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::SideInput, numaflow::Async>{retrieve_async, args.options}.serve();
    case Policy::multiproc: break;  // not offered: a side-input generator serves with Sync or Async only
  }
  return 2;
}
