// Snippets of docs/sourcetransform.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <optional>
#include <string>

namespace snippets::sourcetransform_lambda {
// snippet-begin: lambda
// Drops what happened before 2022 and stamps the rest with the time it was read.
int main() {
  constexpr auto cutoff = numaflow::Timestamp::from_unix_millis(1'640'995'200'000);  // 2022-01-01
  auto filter = [cutoff](numaflow::Datum const& d) {
    if (d.event_time < cutoff) return numaflow::Messages{numaflow::Message::to_drop(d.event_time)};
    return numaflow::Messages{numaflow::Message{d}.with_event_time(numaflow::Timestamp::now())};
  };
  return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{filter}.serve();
}
// snippet-end
}  // namespace snippets::sourcetransform_lambda

namespace snippets::sourcetransform_class {
// snippet-begin: class
// Routes by the "type" header; a message without with_event_time keeps the input's event time.
// MultiProc runs it in worker processes, one call at a time in each.
class ByType final : public numaflow::SourceTransformer {
 public:
  numaflow::Messages handle(numaflow::Datum const& d) override {
    auto const type = d.headers.find("type");
    if (type == d.headers.end()) return {numaflow::Message::to_drop(d.event_time)};
    return {numaflow::Message{d}.with_keys({type->second}).with_tags({type->second})};
  }
};

int main() {
  numaflow::ServerOptions options;
  options.workers = 2;
  return numaflow::Server<numaflow::SourceTransform, numaflow::MultiProc>{ByType{}, options}.serve();
}
// snippet-end
}  // namespace snippets::sourcetransform_class

namespace snippets::sourcetransform_fail {
// snippet-begin: fail
// Stamps each datum with the time of the order it names, looked up in a database. While the
// database is unreachable: a FAIL, and the platform re-sends the same datum. Every transformer
// result needs an event time, so the FAIL carries the input's.
std::optional<numaflow::Timestamp> order_time(std::string const& order_id);  // nothing while unreachable

numaflow::Messages stamp(numaflow::Datum const& d) {
  auto const t = order_time(d.value);
  if (!t) return {numaflow::Message::to_fail(d.event_time)};
  return {numaflow::Message{d}.with_event_time(*t)};
}

int main() { return numaflow::Server<numaflow::SourceTransform, numaflow::Sync>{numaflow::fn<&stamp>}.serve(); }
// snippet-end
std::optional<numaflow::Timestamp> order_time(std::string const&) { return numaflow::Timestamp::now(); }
}  // namespace snippets::sourcetransform_fail
