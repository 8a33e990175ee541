// SideInput has no MultiProc policy.
#include <numaflow/functions/sideinput.hpp>
#include <numaflow/server.hpp>

int main() {
  numaflow::Server<numaflow::SideInput, numaflow::MultiProc> server{
      [] { return numaflow::SideInputResponse::no_broadcast(); }};
  return server.serve();
}
