// Snippets of docs/accumulator.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace snippets::accumulator_class {
// snippet-begin: class
// Drops repeated values per keys: a value goes out the first time it is seen. An output is made
// from its datum, AccumulatorOutput{d}, so it keeps the datum's id, event time, watermark and headers.
class Dedupe final : public numaflow::AccumulatorHandler {
 public:
  void on_datum(numaflow::Datum const& d, numaflow::AccumulatorEmitter& out) override {
    if (seen_.insert(d.value).second) out.emit(numaflow::AccumulatorOutput{d});
  }

  void on_close(numaflow::AccumulatorEmitter&) override { seen_.clear(); }  // nothing is buffered

 private:
  std::set<std::string> seen_;
};

int main() { return numaflow::Server<numaflow::Accumulator, numaflow::Sync>{Dedupe{}}.serve(); }
// snippet-end
}  // namespace snippets::accumulator_class

namespace snippets::accumulator_hold {
// snippet-begin: hold
// Holds each keys' datums back until the platform closes the keys, then emits them numbered.
// If the stream ends first, they are dropped: none was emitted, so the platform replays them from
// its WAL after the restart, and emitting them here would deliver them twice.
class HoldUntilClose final : public numaflow::AccumulatorHandler {
 public:
  void on_datum(numaflow::Datum const& d, numaflow::AccumulatorEmitter&) override { held_.push_back(d); }

  void on_close(numaflow::AccumulatorEmitter& out) override {
    for (std::size_t i = 0; i < held_.size(); ++i) {
      std::string value = std::to_string(i + 1) + ": " + held_[i].value;
      out.emit(numaflow::AccumulatorOutput{std::move(held_[i])}.with_value(std::move(value)));  // one per datum
    }
    held_.clear();
  }

  void on_stream_end() override { held_.clear(); }

 private:
  std::vector<numaflow::Datum> held_;
};

int main() { return numaflow::Server<numaflow::Accumulator, numaflow::Sync>{HoldUntilClose{}}.serve(); }
// snippet-end
}  // namespace snippets::accumulator_hold
