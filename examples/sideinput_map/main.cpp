// sideinput_map: the side-input generator of the map side-input pipeline (sideinput_map_udf reads
// it). Retrievals alternate between broadcasting "odd" (the first, third, … call) and "even".
//
// Handler: a lambda over an atomic call counter (the platform may call concurrently), policy sync.

#include <atomic>
#include <cstdint>

#include <numaflow/functions/sideinput.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sideinput_map", .policies = {example::Policy::sync}});

  std::atomic<std::uint64_t> calls{0};
  auto retrieve = [&calls] { return numaflow::SideInputResponse::broadcast(++calls % 2 == 0 ? "even" : "odd"); };
  return numaflow::Server<numaflow::SideInput, numaflow::Sync>{retrieve, args.options}.serve();
}
