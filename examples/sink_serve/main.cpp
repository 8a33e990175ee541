// sink_serve: the sink of a serving pipeline: every datum is answered serve with its value as the
// payload, which the platform stores as the result of the request the datum belongs to.
//
// Handler: a lambda over the batch, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_sink.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sink_serve", .policies = {example::Policy::sync}});

  auto serve_all = [](numaflow::Datums const& batch) {
    return example::respond_each(batch,
                                 [](numaflow::Datum const& d) { return numaflow::SinkResponse::serve(d.id, d.value); });
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{serve_all, args.options}.serve();
}
