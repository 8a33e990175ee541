// Async wants a coroutine returning Task<Messages>, not a blocking handler.
#include <numaflow/numaflow.hpp>

int main() {
  numaflow::Server<numaflow::Map, numaflow::Async> server{
      [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; }};
  return server.serve();
}
