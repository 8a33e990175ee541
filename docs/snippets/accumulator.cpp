// Snippets of docs/accumulator.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <set>
#include <string>

namespace snippets::accumulator_class {
// snippet-begin: class
// Drops repeated values per keys: a value goes out the first time it is seen. Outputs are built
// with Message::from_datum, so they keep the input's id, event time, watermark and headers.
class Dedupe final : public numaflow::AccumulatorHandler {
 public:
  void on_datum(numaflow::Datum const& d, numaflow::MessageEmitter& out) override {
    if (seen_.insert(d.value).second) out.emit(numaflow::Message::from_datum(d));
  }

  void on_close(numaflow::MessageEmitter&) override { seen_.clear(); }  // nothing is buffered

 private:
  std::set<std::string> seen_;
};

int main() { return numaflow::Server<numaflow::Accumulator, numaflow::Sync>{Dedupe{}}.serve(); }
// snippet-end
}  // namespace snippets::accumulator_class
