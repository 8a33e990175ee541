// Snippets of the repository's README.md (regions quoted verbatim; see map.cpp). The quick-start
// regions repeat their #include lines so that the README shows whole programs; here those lines
// are no-ops, the headers having been included above.
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>

namespace snippets::readme_lambda {
// snippet-begin: lambda
#include <numaflow/numaflow.hpp>

// A map UDF that forwards every datum, as a lambda run on a pool of threads.
int main() {
  auto cat = [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{cat}.serve();
}
// snippet-end
}  // namespace snippets::readme_lambda

namespace snippets::readme_class {
// snippet-begin: class
#include <numaflow/numaflow.hpp>

// A class derived from the tag's base class: routes integers by parity with keys and tags.
struct EvenOdd : numaflow::Mapper {
  numaflow::Messages handle(numaflow::Datum const& d) override {
    if (d.value.empty()) return {numaflow::Message::to_drop()};
    bool const even = (d.value.back() - '0') % 2 == 0;
    return {numaflow::Message{d}.with_keys({even ? "even" : "odd"}).with_tags({even ? "even-tag" : "odd-tag"})};
  }
};

int main() {
  numaflow::ServerOptions options;
  options.workers = 8;  // handler threads
  return numaflow::Server<numaflow::Map, numaflow::Sync>{EvenOdd{}, options}.serve();
}
// snippet-end
}  // namespace snippets::readme_class

namespace snippets::readme_async {
// snippet-begin: async
#include <numaflow/numaflow.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

// A coroutine (numaflow::Task = boost::asio::awaitable): while it awaits a timer, a socket or an
// HTTP call, its thread serves other requests.
int main() {
  auto delayed = [](numaflow::Datum const& d) -> numaflow::Task<numaflow::Messages> {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, std::chrono::milliseconds{50}};
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return numaflow::Messages{numaflow::Message{d}};
  };
  return numaflow::Server<numaflow::Map, numaflow::Async>{delayed}.serve();
}
// snippet-end
}  // namespace snippets::readme_async

namespace snippets::readme_fn {
// snippet-begin: fn
// A free function, called directly (no function pointer) through numaflow::fn.
numaflow::Messages upper(numaflow::Datum const& d);

int main() { return numaflow::Server<numaflow::Map, numaflow::Sync>{numaflow::fn<&upper>}.serve(); }
// snippet-end
numaflow::Messages upper(numaflow::Datum const& d) { return {numaflow::Message{d}}; }
}  // namespace snippets::readme_fn

namespace snippets::readme_options {
int main() {
  auto cat = [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; };
  // snippet-begin: options
  numaflow::ServerOptions options;
  options.socket_path = "/tmp/map.sock";       // default: the functionality's platform socket
  options.server_info_path = "/tmp/map-info";  // default: the platform's server-info file
  options.workers = 8;                         // Sync threads / Async threads / MultiProc processes
  options.shutdown_grace = std::chrono::seconds{20};
  numaflow::Server<numaflow::Map, numaflow::Sync> server{cat, options};
  // snippet-end
  return server.serve();
}
}  // namespace snippets::readme_options

namespace snippets::readme_testing {
struct EvenOdd : numaflow::Mapper {
  numaflow::Messages handle(numaflow::Datum const& d) override { return {numaflow::Message{d}}; }
};

bool test() {
  numaflow::Datum datum1, datum2;
  // snippet-begin: testing
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions options;
  options.socket_path = dir / "map.sock";
  options.server_info_path = dir / "info";
  numaflow::Server<numaflow::Map, numaflow::Sync> server{EvenOdd{}, options};
  server.start();
  {
    numaflow::testing::MapClient client{options.socket_path};
    auto results = client.map({datum1, datum2});  // id -> Messages
  }
  server.stop();
  // snippet-end
  return server.wait() == 0;
}
}  // namespace snippets::readme_testing
