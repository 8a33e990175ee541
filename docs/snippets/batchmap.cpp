// Snippets of docs/batchmap.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <string>
#include <string_view>

namespace snippets::batchmap_lambda {
// snippet-begin: lambda
// Splits every value on commas. One BatchResponse per datum id, each id exactly once.
numaflow::BatchResponses split(numaflow::Datums const& batch) {
  numaflow::BatchResponses out;
  out.reserve(batch.size());
  for (auto const& d : batch) {
    numaflow::BatchResponse& response = out.emplace_back(d.id);
    std::string_view rest = d.value;
    for (auto comma = rest.find(','); comma != std::string_view::npos; comma = rest.find(',')) {
      response.append(numaflow::Message{std::string{rest.substr(0, comma)}, d.keys});
      rest.remove_prefix(comma + 1);
    }
    response.append(numaflow::Message{std::string{rest}, d.keys});
  }
  return out;
}

int main() { return numaflow::Server<numaflow::BatchMap, numaflow::Sync>{numaflow::fn<&split>}.serve(); }
// snippet-end
}  // namespace snippets::batchmap_lambda

namespace snippets::batchmap_async {
// snippet-begin: async
// A class for Async: one coroutine per batch, e.g. to send the whole batch to a remote service
// in one call. A datum may be answered with no messages: an empty BatchResponse{id}.
class KeepNonEmpty final : public numaflow::AsyncBatchMapper {
 public:
  numaflow::Task<numaflow::BatchResponses> handle(numaflow::Datums const& batch) override {
    numaflow::BatchResponses out;
    for (auto const& d : batch) {
      if (d.value.empty())
        out.emplace_back(d.id);
      else
        out.emplace_back(d.id, numaflow::Messages{numaflow::Message{d}});
    }
    co_return out;
  }
};

int main() { return numaflow::Server<numaflow::BatchMap, numaflow::Async>{KeepNonEmpty{}}.serve(); }
// snippet-end
}  // namespace snippets::batchmap_async

namespace snippets::batchmap_fail {
// snippet-begin: fail
// Writes each datum to a store that may turn some away for now. Those are answered with a FAIL:
// the platform keeps the other datums' results and re-sends the failed ones as a new batch, after
// the vertex's retry backoff.
bool store(numaflow::Datum const& d);  // false: not accepted right now

numaflow::BatchResponses write(numaflow::Datums const& batch) {
  numaflow::BatchResponses out;
  for (auto const& d : batch)
    out.emplace_back(d.id, numaflow::Messages{store(d) ? numaflow::Message{d} : numaflow::Message::to_fail()});
  return out;
}

int main() { return numaflow::Server<numaflow::BatchMap, numaflow::Sync>{numaflow::fn<&write>}.serve(); }
// snippet-end
bool store(numaflow::Datum const& d) { return !d.value.empty(); }
}  // namespace snippets::batchmap_fail
