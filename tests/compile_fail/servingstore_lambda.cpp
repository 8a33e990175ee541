// A serving store is a class derived from numaflow::ServingStorer, not a callable.
#include <numaflow/functions/servingstore.hpp>
#include <numaflow/server.hpp>

#include <string>
#include <vector>

int main() {
  numaflow::Server<numaflow::ServingStore, numaflow::Sync> server{
      [](std::string const&) { return std::vector<numaflow::ServingPayload>{}; }};
  return server.serve();
}
