// sink_fallback: a primary sink "under maintenance": every datum is logged
// ("Primary sink under maintenance, writing to fallback sink - <value>") and answered fallback,
// so the platform writes it to the vertex's fallback sink.
//
// Handler: a lambda over the batch, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_sink.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sink_fallback", .policies = {example::Policy::sync}});

  auto to_fallback = [](numaflow::Datums const& batch) {
    return example::respond_each(batch, [](numaflow::Datum const& d) {
      example::print_line("Primary sink under maintenance, writing to fallback sink - " + example::escaped(d.value));
      return numaflow::SinkResponse::fallback(d.id);
    });
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{to_fallback, args.options}.serve();
}
