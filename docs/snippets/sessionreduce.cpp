// Snippets of docs/sessionreduce.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <set>
#include <string>

namespace snippets::sessionreduce_class {
// snippet-begin: class
// The distinct values seen in each session, emitted as one comma-separated message at its close.
// When the platform merges sessions, the merged-away one hands its set over as a string.
class Distinct final : public numaflow::SessionReducer {
 public:
  void on_datum(numaflow::Keys const&, numaflow::Datum const& d, numaflow::MessageEmitter&) override {
    values_.insert(d.value);
  }

  void on_close(numaflow::Keys const& keys, numaflow::MessageEmitter& out) override {
    out.emit(numaflow::Message{accumulator(), keys});
  }

  std::string accumulator() override {
    std::string joined;
    for (auto const& v : values_) joined += (joined.empty() ? "" : ",") + v;
    return joined;
  }

  void merge_accumulator(std::string const& other) override {
    std::string::size_type start = 0;
    while (start < other.size()) {
      auto end = other.find(',', start);
      if (end == std::string::npos) end = other.size();
      values_.insert(other.substr(start, end - start));
      start = end + 1;
    }
  }

 private:
  std::set<std::string> values_;  // (values containing ',' would need a real encoding)
};

int main() { return numaflow::Server<numaflow::SessionReduce, numaflow::Sync>{Distinct{}}.serve(); }
// snippet-end
}  // namespace snippets::sessionreduce_class
