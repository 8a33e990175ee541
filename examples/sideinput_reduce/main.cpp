// sideinput_reduce: the side-input generator of the reduce side-input pipeline
// (sideinput_reduce_udf reads it). Every retrieval broadcasts the number of retrievals so far, in
// decimal: "1", "2", "3", …
//
// Handler: a lambda over an atomic call counter (the platform may call concurrently), policy sync.

#include <atomic>
#include <cstdint>
#include <string>

#include <numaflow/functions/sideinput.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sideinput_reduce", .policies = {example::Policy::sync}});

  std::atomic<std::uint64_t> calls{0};
  auto retrieve = [&calls] { return numaflow::SideInputResponse::broadcast(std::to_string(++calls)); };
  return numaflow::Server<numaflow::SideInput, numaflow::Sync>{retrieve, args.options}.serve();
}
