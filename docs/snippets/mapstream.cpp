// Snippets of docs/mapstream.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>

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
