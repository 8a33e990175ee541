// The same UDF through the map tag's own header instead of the umbrella.
#include <numaflow/functions/map.hpp>
#include <numaflow/server.hpp>

int main() {
  return numaflow::Server<numaflow::Map, numaflow::Sync>{
      [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; }}
      .serve();
}
