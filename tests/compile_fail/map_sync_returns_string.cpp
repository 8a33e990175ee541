// A map handler must return Messages.
#include <numaflow/numaflow.hpp>

int main() {
  numaflow::Server<numaflow::Map, numaflow::Sync> server{[](numaflow::Datum const& d) { return d.value; }};
  return server.serve();
}
