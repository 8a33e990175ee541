// One generated compile-fail case: Server<TAG, POLICY> given a handler no functionality accepts.
#include <numaflow/numaflow.hpp>

int main() {
  numaflow::Server<numaflow::NUMAFLOW_CASE_TAG, numaflow::NUMAFLOW_CASE_POLICY> server{[](int) {}};
  return server.serve();
}
