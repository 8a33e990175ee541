// sink_failure: a sink that never writes: every datum is answered failure with the error
// "test retry strategy for id: <id>", so the platform's retry strategy for the vertex
// (retryStrategy: backoff, onFailure) can be watched.
//
// Handler: a lambda over the batch, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_sink.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sink_failure", .policies = {example::Policy::sync}});

  auto fail_all = [](numaflow::Datums const& batch) {
    return example::respond_each(batch, [](numaflow::Datum const& d) {
      return numaflow::SinkResponse::failure(d.id, "test retry strategy for id: " + d.id);
    });
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{fail_all, args.options}.serve();
}
