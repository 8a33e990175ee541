// map_cat: forwards every datum unchanged, as one message with the datum's value and keys.
//
// Handlers written as lambdas: a plain one for --policy sync and multiproc, a coroutine for async.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

int main(int argc, char** argv) {
  using example::Policy;
  auto const args =
      example::parse(argc, argv, {.program = "map_cat", .policies = {Policy::sync, Policy::async, Policy::multiproc}});

  // Value and keys only, like pynumaflow's forward_message (numaflow::Message{datum} would also
  // forward the datum's user metadata).
  auto cat = [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d.value, d.keys}}; };
  auto cat_async = [](numaflow::Datum const& d) -> numaflow::Task<numaflow::Messages> {
    co_return numaflow::Messages{numaflow::Message{d.value, d.keys}};
  };

  switch (args.policy) {
    case Policy::sync: return numaflow::Server<numaflow::Map, numaflow::Sync>{cat, args.options}.serve();
    case Policy::async: return numaflow::Server<numaflow::Map, numaflow::Async>{cat_async, args.options}.serve();
    case Policy::multiproc: return numaflow::Server<numaflow::Map, numaflow::MultiProc>{cat, args.options}.serve();
  }
  return 2;
}
