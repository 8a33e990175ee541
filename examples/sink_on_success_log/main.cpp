// sink_on_success_log: a primary sink whose every write "succeeds": each datum is logged
// ("Primary sink write succeeded, writing to onSuccess sink - <value>") and answered on_success
// with the replacement message "on-success-message", which the platform writes to the vertex's
// on-success sink.
//
// Handler: a lambda over the batch, policy sync.

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_sink.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sink_on_success_log", .policies = {example::Policy::sync}});

  auto to_on_success = [](numaflow::Datums const& batch) {
    return example::respond_each(batch, [](numaflow::Datum const& d) {
      example::print_line("Primary sink write succeeded, writing to onSuccess sink - " + example::escaped(d.value));
      return numaflow::SinkResponse::on_success(d.id, numaflow::OnSuccessMessage{.value = "on-success-message"});
    });
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{to_on_success, args.options}.serve();
}
