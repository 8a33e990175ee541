// Snippets of docs/mapstream.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snippets::mapstream_lambda {
// snippet-begin: lambda
// Emits one message per comma-separated piece; each goes to the platform as soon as it is emitted.
int main() {
  auto split = [](numaflow::Datum const& d, numaflow::MessageEmitter& out) {
    std::string_view rest = d.value;
    for (auto comma = rest.find(','); comma != std::string_view::npos; comma = rest.find(',')) {
      out.emit(numaflow::Message{std::string{rest.substr(0, comma)}, d.keys});
      rest.remove_prefix(comma + 1);
    }
    out(numaflow::Message{std::string{rest}, d.keys});  // operator() is emit() too
  };
  return numaflow::Server<numaflow::MapStream, numaflow::Sync>{split}.serve();
}
// snippet-end
}  // namespace snippets::mapstream_lambda

namespace snippets::mapstream_async {
// snippet-begin: async
// A class for Async: emits a tick every 10 ms, as many as the value has bytes.
class Ticker final : public numaflow::AsyncMapStreamer {
 public:
  numaflow::Task<void> handle(numaflow::Datum const& d, numaflow::MessageEmitter& out) override {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
    for (std::size_t i = 0; i < d.value.size(); ++i) {
      timer.expires_after(std::chrono::milliseconds{10});
      co_await timer.async_wait(boost::asio::use_awaitable);
      out.emit(numaflow::Message{"tick " + std::to_string(i), d.keys});
    }
  }
};

int main() { return numaflow::Server<numaflow::MapStream, numaflow::Async>{Ticker{}}.serve(); }
// snippet-end
}  // namespace snippets::mapstream_async

namespace snippets::mapstream_fail {
// snippet-begin: fail
// Emits the rows a query returns. When the query fails, the FAIL is the attempt's first and only
// output, so the retry (the same datum, re-sent by the platform) duplicates nothing downstream.
// Return right after emitting a FAIL: the platform reads no further in this attempt.
std::optional<std::vector<std::string>> query(std::string const& text);  // nothing when it fails

int main() {
  auto rows = [](numaflow::Datum const& d, numaflow::MessageEmitter& out) {
    auto const result = query(d.value);
    if (!result) {
      out.emit(numaflow::Message::to_fail());
      return;
    }
    for (auto const& row : *result) out.emit(numaflow::Message{row, d.keys});
  };
  return numaflow::Server<numaflow::MapStream, numaflow::Sync>{rows}.serve();
}
// snippet-end
std::optional<std::vector<std::string>> query(std::string const& text) { return std::vector<std::string>{text}; }
}  // namespace snippets::mapstream_fail
