// ServingStore has no MultiProc policy.
#include <numaflow/functions/servingstore.hpp>
#include <numaflow/server.hpp>

#include <string>
#include <vector>

struct Store : numaflow::ServingStorer {
  void put(std::string const&, std::vector<numaflow::ServingPayload> const&) override {}
  std::vector<numaflow::ServingPayload> get(std::string const&) override { return {}; }
};

int main() {
  numaflow::Server<numaflow::ServingStore, numaflow::MultiProc> server{Store{}};
  return server.serve();
}
