// A class handler must derive from the tag's base class (or be callable).
#include <numaflow/numaflow.hpp>

struct NotAMapper {
  numaflow::Messages handle(numaflow::Datum const& d) { return {numaflow::Message{d}}; }
};

int main() {
  numaflow::Server<numaflow::Map, numaflow::Sync> server{NotAMapper{}};
  return server.serve();
}
