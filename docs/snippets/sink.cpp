// Snippets of docs/sink.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <cstdio>
#include <string>

namespace snippets::sink_lambda {
// snippet-begin: lambda
// Prints every datum and reports each one written.
int main() {
  auto log = [](numaflow::Datums const& batch) {
    numaflow::SinkResponses out;
    out.reserve(batch.size());
    for (auto const& d : batch) {
      std::printf("%s: %s\n", numaflow::to_rfc3339(d.event_time).c_str(), d.value.c_str());
      out.push_back(numaflow::SinkResponse::success(d.id));
    }
    std::fflush(stdout);
    return out;
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{log}.serve();
}
// snippet-end
}  // namespace snippets::sink_lambda

namespace snippets::sink_class {
// snippet-begin: class
// Every outcome a sink can report, chosen here by the datum's value.
class Triage final : public numaflow::Sinker {
 public:
  numaflow::SinkResponses handle(numaflow::Datums const& batch) override {
    numaflow::SinkResponses out;
    for (auto const& d : batch) {
      if (d.value == "bad")
        out.push_back(numaflow::SinkResponse::failure(d.id, "cannot store \"bad\""));  // retried
      else if (d.value == "later")
        out.push_back(numaflow::SinkResponse::fallback(d.id));  // to the fallback sink
      else if (d.value == "retry")
        out.push_back(numaflow::SinkResponse::nack(d.id, numaflow::NackOptions{.delay_ms = 5000}));
      else if (d.value == "serve")
        out.push_back(numaflow::SinkResponse::serve(d.id, "stored as " + d.id));  // to a serving pipeline
      else
        out.push_back(numaflow::SinkResponse::on_success(  // to the on-success sink, replaced
            d.id, numaflow::OnSuccessMessage{.value = "stored: " + d.value, .keys = d.keys}));
    }
    return out;
  }
};

int main() { return numaflow::Server<numaflow::Sink, numaflow::Sync>{Triage{}}.serve(); }
// snippet-end
}  // namespace snippets::sink_class

namespace snippets::sink_async {
// snippet-begin: async
// Async: a coroutine per batch (co_await a database client's asio operations here).
int main() {
  auto store = [](numaflow::Datums const& batch) -> numaflow::Task<numaflow::SinkResponses> {
    numaflow::SinkResponses out;
    for (auto const& d : batch) out.push_back(numaflow::SinkResponse::success(d.id));
    co_return out;
  };
  return numaflow::Server<numaflow::Sink, numaflow::Async>{store}.serve();
}
// snippet-end
}  // namespace snippets::sink_async
