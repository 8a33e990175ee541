// Sink has no MultiProc policy.
#include <numaflow/numaflow.hpp>

int main() {
  numaflow::Server<numaflow::Sink, numaflow::MultiProc> server{
      [](numaflow::Datums const&) { return numaflow::SinkResponses{}; }};
  return server.serve();
}
