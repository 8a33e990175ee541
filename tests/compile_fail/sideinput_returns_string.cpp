// A side-input retriever must return numaflow::SideInputResponse, not the bare value.
#include <numaflow/functions/sideinput.hpp>
#include <numaflow/server.hpp>

#include <string>

int main() {
  numaflow::Server<numaflow::SideInput, numaflow::Sync> server{[] { return std::string{"value"}; }};
  return server.serve();
}
