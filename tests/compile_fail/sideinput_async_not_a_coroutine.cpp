// Under Async the retriever must be a coroutine returning Task<SideInputResponse>.
#include <numaflow/functions/sideinput.hpp>
#include <numaflow/server.hpp>

int main() {
  numaflow::Server<numaflow::SideInput, numaflow::Async> server{
      [] { return numaflow::SideInputResponse::no_broadcast(); }};
  return server.serve();
}
