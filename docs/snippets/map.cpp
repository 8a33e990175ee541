// Snippets of docs/map.md. Each region between "snippet-begin: NAME" and "snippet-end" is quoted
// verbatim in the page (checked by the docs.snippets_match test); each lives in its own namespace
// so that all snippets can be compiled together.
#include <numaflow/numaflow.hpp>
#include <range/v3/range/conversion.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/split.hpp>
#include <range/v3/view/transform.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>

namespace snippets::map_lambda {
// snippet-begin: lambda
int main() {
  // Upper-cases every value; the keys travel on unchanged.
  auto upper = [](numaflow::Datum const& d) {
    std::string value = d.value;
    for (auto& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return numaflow::Messages{numaflow::Message{value, d.keys}};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{upper}.serve();
}
// snippet-end
}  // namespace snippets::map_lambda

namespace snippets::map_keys {
// snippet-begin: keys
// A free function that takes the keys first, passed as a function pointer. (numaflow::fn<&f>, as
// in the MultiProc example below, makes such a call direct.)
numaflow::Messages route(numaflow::Keys const& keys, numaflow::Datum const& d) {
  if (d.value.empty()) return {numaflow::Message::to_drop()};
  std::string const tag = keys.empty() ? "unkeyed" : keys.front();
  return {numaflow::Message{d}.with_tags({tag})};
}

int main() { return numaflow::Server<numaflow::Map, numaflow::Sync>{route}.serve(); }
// snippet-end
}  // namespace snippets::map_keys

namespace snippets::map_range {
// snippet-begin: range
// A flatmap as a range-v3 pipeline: one message per non-empty comma-separated word. The handler
// returns the lazy view itself; the server reads it while the datum is alive, with no vector built.
int main() {
  auto words = [](numaflow::Datum const& d) {
    return d.value | ranges::views::split(',') | ranges::views::filter([](auto&& w) { return !ranges::empty(w); }) |
           ranges::views::transform([&d](auto&& w) {
             return numaflow::Message{ranges::to<std::string>(w), d.keys};
           });
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{words}.serve();
}
// snippet-end
}  // namespace snippets::map_range

namespace snippets::map_class {
// snippet-begin: class
// A class derived from numaflow::Mapper. The server keeps the object by value with its exact
// type, so handle() is called directly. Sync runs it on several threads at once: keep it
// thread-safe (here it only reads its members).
class Prefixer final : public numaflow::Mapper {
 public:
  explicit Prefixer(std::string prefix) : prefix_(std::move(prefix)) {}

  numaflow::Messages handle(numaflow::Datum const& d) override {
    numaflow::Metadata metadata = d.user_metadata;
    metadata.add("prefixer", "prefix", prefix_);
    return {numaflow::Message{prefix_ + d.value}.with_keys(d.keys).with_user_metadata(std::move(metadata))};
  }

 private:
  std::string prefix_;
};

int main() {
  numaflow::ServerOptions options;
  options.workers = 8;  // handler threads
  return numaflow::Server<numaflow::Map, numaflow::Sync>{Prefixer{"seen: "}, options}.serve();
}
// snippet-end
}  // namespace snippets::map_class

namespace snippets::map_async {
// snippet-begin: async
// A coroutine: while it awaits (a timer here; a socket or an HTTP call in real code), its thread
// serves other requests.
numaflow::Task<numaflow::Messages> slow_echo(numaflow::Datum const& d) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, std::chrono::milliseconds{20}};
  co_await timer.async_wait(boost::asio::use_awaitable);
  co_return numaflow::Messages{numaflow::Message{d}};
}

// The same as a class.
class SlowEcho final : public numaflow::AsyncMapper {
 public:
  numaflow::Task<numaflow::Messages> handle(numaflow::Datum const& d) override { return slow_echo(d); }
};

int main() { return numaflow::Server<numaflow::Map, numaflow::Async>{SlowEcho{}}.serve(); }
// snippet-end
}  // namespace snippets::map_async

namespace snippets::map_multiproc {
// snippet-begin: multiproc
// CPU-bound work in 4 worker processes behind one gRPC endpoint. The handler is written exactly as
// for Sync; the workers are forked before gRPC starts, so each has its own copy of it.
numaflow::Messages collatz_steps(numaflow::Datum const& d) {
  std::uint64_t n = d.value.size() + 27;
  int steps = 0;
  while (n != 1) {
    n = n % 2 == 0 ? n / 2 : 3 * n + 1;
    ++steps;
  }
  return {numaflow::Message{std::to_string(steps), d.keys}};
}

int main() {
  numaflow::ServerOptions options;
  options.workers = 4;  // processes
  return numaflow::Server<numaflow::Map, numaflow::MultiProc>{numaflow::fn<&collatz_steps>, options}.serve();
}
// snippet-end
}  // namespace snippets::map_multiproc

namespace snippets::map_fail {
// snippet-begin: fail
// Enriches each datum from a lookup service. While the service is down, the handler returns a FAIL:
// the platform sends the same datum again, after the vertex's retry backoff. (Throwing instead would
// restart the container; returning nothing would drop the datum.)
std::optional<std::string> lookup(std::string const& key);  // e.g. an HTTP call; nothing while it is down

numaflow::Messages enrich(numaflow::Datum const& d) {
  auto const extra = lookup(d.keys.empty() ? d.value : d.keys.front());
  if (!extra) return {numaflow::Message::to_fail()};
  return {numaflow::Message{d.value + "," + *extra, d.keys}};
}

int main() { return numaflow::Server<numaflow::Map, numaflow::Sync>{numaflow::fn<&enrich>}.serve(); }
// snippet-end
std::optional<std::string> lookup(std::string const& key) { return key; }
}  // namespace snippets::map_fail

namespace snippets::map_trace {
// snippet-begin: trace
// The platform's span for this call is the parent of the handler's own. With a tracer, hand
// tc->traceparent() and tc->tracestate to its W3C trace-context propagator as the parent. Without
// one, this builds the child's traceparent by hand: same trace id and flags, a new span id.
numaflow::Messages traced(numaflow::Datum const& d) {
  if (auto const tc = d.trace_context()) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    char span_id[17];
    std::snprintf(span_id, sizeof span_id, "%016llx", static_cast<unsigned long long>(random() | 1U));
    std::string const child = "00-" + tc->trace_id + "-" + span_id + (tc->sampled() ? "-01" : "-00");
    std::fprintf(stderr, "datum %s: parent %s, own span %s\n", d.id.c_str(), tc->traceparent().c_str(), child.c_str());
  }
  return {numaflow::Message{d}};
}

int main() { return numaflow::Server<numaflow::Map, numaflow::Sync>{numaflow::fn<&traced>}.serve(); }
// snippet-end
}  // namespace snippets::map_trace
