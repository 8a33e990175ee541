// A transformer handler takes a Datum, not a string.
#include <numaflow/numaflow.hpp>

#include <string>

int main() {
  numaflow::Server<numaflow::SourceTransform, numaflow::Sync> server{
      [](std::string const& value) { return numaflow::Messages{numaflow::Message{value}}; }};
  return server.serve();
}
