// The five-line map UDF whose compile time benchmarks/compile_time measures.
#include <numaflow/numaflow.hpp>

int main() {
  return numaflow::Server<numaflow::Map, numaflow::Sync>{
      [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; }}
      .serve();
}
