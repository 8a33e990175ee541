// sideinput_function: the side-input generator numaflow's end-to-end tests use. Retrievals
// alternate between broadcasting "e2e-odd" (the first, third, … call) and "e2e-even".
//
// Handler: a lambda over an atomic call counter (the platform may call concurrently), policy sync.

#include <atomic>
#include <cstdint>

#include <numaflow/functions/sideinput.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sideinput_function", .policies = {example::Policy::sync}});

  std::atomic<std::uint64_t> calls{0};
  auto retrieve = [&calls] {
    return numaflow::SideInputResponse::broadcast(++calls % 2 == 0 ? "e2e-even" : "e2e-odd");
  };
  return numaflow::Server<numaflow::SideInput, numaflow::Sync>{retrieve, args.options}.serve();
}
