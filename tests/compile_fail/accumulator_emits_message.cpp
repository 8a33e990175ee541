// An accumulator output keeps its datum's id and watermark: a plain Message cannot be emitted.
#include <numaflow/numaflow.hpp>

struct Forward : numaflow::AccumulatorHandler {
  void on_datum(numaflow::Datum const& d, numaflow::AccumulatorEmitter& out) override {
    out.emit(numaflow::Message{d.value});
  }
  void on_close(numaflow::AccumulatorEmitter&) override {}
};

int main() { return numaflow::Server<numaflow::Accumulator, numaflow::Sync>{Forward{}}.serve(); }
