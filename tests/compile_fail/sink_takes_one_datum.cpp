// A sink handler gets the whole batch.
#include <numaflow/numaflow.hpp>

int main() {
  numaflow::Server<numaflow::Sink, numaflow::Sync> server{
      [](numaflow::Datum const& d) { return numaflow::SinkResponses{numaflow::SinkResponse::success(d.id)}; }};
  return server.serve();
}
