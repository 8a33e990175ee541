// A configurable UDF server for the tests that need a real process: signals, exit codes, MultiProc.
//   numaflow_test_udf --tag <tag> --policy <policy>
//                     --behaviour cat|slow|throw|crash|pid --socket P --server-info P --error-dir D
//                     [--grace-ms N] [--workers N] [--delay-ms N]
// It serves every tag and policy pair of numaflow::detail::registry: <tag> and <policy> are the
// names of the tag and policy (Tag::name, Policy::name) in any case; "transform" also names
// SourceTransform.
#include <signal.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/second.hpp>
#include <numaflow/numaflow.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace {

namespace hana = boost::hana;
using namespace numaflow;

struct Config {
  std::map<std::string, std::string> flags;
  std::string get(std::string const& name, std::string const& fallback = {}) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

Config config;

std::chrono::milliseconds delay() { return std::chrono::milliseconds{std::stol(config.get("delay-ms", "5"))}; }

bool behaves(char const* behaviour) { return config.get("behaviour", "cat") == behaviour; }

// The behaviour on one datum, shared by every tag and policy.
std::string act(Datum const& d) {
  if (behaves("throw")) throw std::runtime_error("fixture failure for " + d.value);
  if (behaves("crash")) ::raise(SIGKILL);
  if (behaves("slow")) std::this_thread::sleep_for(delay());
  if (behaves("pid")) return std::to_string(::getpid());
  return d.value;
}

// act() for coroutine handlers: "slow" waits on a timer so that it does not block the thread
// other handlers run on.
Task<std::string> act_async(Datum const& d) {
  if (behaves("slow")) {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, delay()};
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return d.value;
  }
  co_return act(d);
}

// The tags without datums act on one made up for the call: a source read, a side-input
// retrieval.
Datum datum_named(std::string value) {
  Datum d;
  d.value = std::move(value);
  return d;
}

Message answer(Datum const& d, std::string value) { return Message{std::move(value)}.with_keys(d.keys); }

// One fixture per tag: handler<Policy>() is the handler the server of that pair runs.
template <class Tag>
struct Fixture;

// Map and SourceTransform share the per-datum handler.
struct PerDatumFixture {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return [](Datum const& d) -> Task<Messages> { co_return Messages{answer(d, co_await act_async(d))}; };
    else
      return [](Datum const& d) { return Messages{answer(d, act(d))}; };
  }
};

template <>
struct Fixture<Map> : PerDatumFixture {};
template <>
struct Fixture<SourceTransform> : PerDatumFixture {};

template <>
struct Fixture<BatchMap> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return [](Datums const& batch) -> Task<BatchResponses> {
        BatchResponses out;
        for (auto const& d : batch) out.emplace_back(d.id, Messages{answer(d, co_await act_async(d))});
        co_return out;
      };
    else
      return [](Datums const& batch) {
        BatchResponses out;
        for (auto const& d : batch) out.emplace_back(d.id, Messages{answer(d, act(d))});
        return out;
      };
  }
};

template <>
struct Fixture<MapStream> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return [](Datum const& d, MessageEmitter& out) -> Task<void> { out.emit(answer(d, co_await act_async(d))); };
    else
      return [](Datum const& d, MessageEmitter& out) { out.emit(answer(d, act(d))); };
  }
};

template <>
struct Fixture<Sink> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return [](Datums const& batch) -> Task<SinkResponses> {
        SinkResponses out;
        for (auto const& d : batch) {
          co_await act_async(d);
          out.push_back(SinkResponse::success(d.id));
        }
        co_return out;
      };
    else
      return [](Datums const& batch) {
        SinkResponses out;
        for (auto const& d : batch) {
          act(d);
          out.push_back(SinkResponse::success(d.id));
        }
        return out;
      };
  }
};

// Emits as many records as asked for, numbered across reads; acks, nacks and pending do nothing
// the tests look at.
struct RecordCounter {
  std::uint64_t next = 0;
  SourceMessage record(std::string value) {
    SourceMessage m;
    m.offset = Offset{std::to_string(next++)};
    m.value = std::move(value);
    return m;
  }
};

struct SyncSource : Sourcer, RecordCounter {
  void read(ReadRequest const& request, SourceEmitter& out) override {
    for (std::uint64_t i = 0; i < request.count; ++i)
      out.emit(record(act(datum_named("read " + std::to_string(next)))));
  }
  void ack(std::vector<Offset> const&) override {}
  void nack(std::vector<NackedOffset> const&) override {}
  std::int64_t pending() override { return 0; }
};

struct AsyncSource : AsyncSourcer, RecordCounter {
  Task<void> read(ReadRequest const& request, SourceEmitter& out) override {
    for (std::uint64_t i = 0; i < request.count; ++i)
      out.emit(record(co_await act_async(datum_named("read " + std::to_string(next)))));
  }
  Task<void> ack(std::vector<Offset> const&) override { co_return; }
  Task<void> nack(std::vector<NackedOffset> const&) override { co_return; }
  Task<std::int64_t> pending() override { co_return 0; }
};

template <>
struct Fixture<Source> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return AsyncSource{};
    else
      return SyncSource{};
  }
};

template <>
struct Fixture<SideInput> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return []() -> Task<SideInputResponse> {
        co_return SideInputResponse::broadcast(co_await act_async(datum_named("side input")));
      };
    else
      return [] { return SideInputResponse::broadcast(act(datum_named("side input"))); };
  }
};

// put() acts on every payload before storing it, get() returns what was stored.
struct Payloads {
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::map<std::string, ServingPayloads>> by_id =
      std::make_shared<std::map<std::string, ServingPayloads>>();
  void store(std::string const& id, ServingPayload payload) {
    std::lock_guard lock(*mu);
    (*by_id)[id].push_back(std::move(payload));
  }
  ServingPayloads stored(std::string const& id) const {
    std::lock_guard lock(*mu);
    auto it = by_id->find(id);
    return it == by_id->end() ? ServingPayloads{} : it->second;
  }
};

struct SyncStore : ServingStorer, Payloads {
  void put(std::string const& id, std::vector<ServingPayload> const& payloads) override {
    for (auto const& p : payloads) store(id, {p.origin, act(datum_named(p.value))});
  }
  std::vector<ServingPayload> get(std::string const& id) override { return stored(id); }
};

struct AsyncStore : AsyncServingStorer, Payloads {
  Task<void> put(std::string const& id, std::vector<ServingPayload> const& payloads) override {
    for (auto const& p : payloads) store(id, {p.origin, co_await act_async(datum_named(p.value))});
  }
  Task<std::vector<ServingPayload>> get(std::string const& id) override { co_return stored(id); }
};

template <>
struct Fixture<ServingStore> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return AsyncStore{};
    else
      return SyncStore{};
  }
};

template <>
struct Fixture<Reduce> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return [](Keys const&, DatumStream& datums, IntervalWindow const&) -> Task<Messages> {
        Messages out;
        while (auto d = co_await datums.next()) out.push_back(answer(*d, co_await act_async(*d)));
        co_return out;
      };
    else
      return [](Keys const&, Datums const& datums, IntervalWindow const&) {
        Messages out;
        for (auto const& d : datums) out.push_back(answer(d, act(d)));
        return out;
      };
  }
};

struct SyncReduceStreamer : ReduceStreamer {
  void on_datum(Keys const&, Datum const& d, IntervalWindow const&, MessageEmitter& out) override {
    out.emit(answer(d, act(d)));
  }
  void on_close(Keys const&, IntervalWindow const&, MessageEmitter&) override {}
};

template <>
struct Fixture<ReduceStream> {
  template <class Policy>
  static auto handler() {
    if constexpr (std::is_same_v<Policy, Async>)
      return [](Keys const&, DatumStream& datums, IntervalWindow const&, MessageEmitter& out) -> Task<void> {
        while (auto d = co_await datums.next()) out.emit(answer(*d, co_await act_async(*d)));
      };
    else
      return SyncReduceStreamer{};
  }
};

struct SessionEcho : SessionReducer {
  void on_datum(Keys const&, Datum const& d, MessageEmitter& out) override { out.emit(answer(d, act(d))); }
  void on_close(Keys const&, MessageEmitter&) override {}
  std::string accumulator() override { return {}; }
  void merge_accumulator(std::string const&) override {}
};

template <>
struct Fixture<SessionReduce> {
  template <class Policy>
  static auto handler() {
    return SessionEcho{};
  }
};

struct AccumulatorEcho : AccumulatorHandler {
  void on_datum(Datum const& d, AccumulatorEmitter& out) override { out.emit(AccumulatorOutput{d}.with_value(act(d))); }
  void on_close(AccumulatorEmitter&) override {}
};

template <>
struct Fixture<Accumulator> {
  template <class Policy>
  static auto handler() {
    return AccumulatorEcho{};
  }
};

std::string lowercase(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The command line's spelling of a tag or policy to the lowercase of its name; the spellings of
// the first version of this fixture keep working.
std::string canonical(std::string const& spelling) {
  auto const name = lowercase(spelling);
  return name == "transform" ? "sourcetransform" : name;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strncmp(argv[i], "--", 2) != 0) return 2;
    config.flags[argv[i] + 2] = argv[i + 1];
  }
  ServerOptions options;
  options.socket_path = config.get("socket");
  options.server_info_path = config.get("server-info");
  options.error_dir = config.get("error-dir");
  options.shutdown_grace = std::chrono::milliseconds{std::stol(config.get("grace-ms", "10000"))};
  options.workers = std::stoul(config.get("workers", "0"));
  auto const tag = canonical(config.get("tag", "map"));
  auto const policy = canonical(config.get("policy", "sync"));
  int exit_code = 2;
  bool served = false;
  hana::for_each(detail::registry, [&](auto entry) {
    using Tag = typename decltype(+hana::first(entry))::type;
    hana::for_each(hana::second(entry), [&](auto offered) {
      using Policy = typename decltype(offered)::type;
      if (served || tag != lowercase(Tag::name) || policy != lowercase(Policy::name)) return;
      served = true;
      exit_code = Server<Tag, Policy>{Fixture<Tag>::template handler<Policy>(), options}.serve();
    });
  });
  if (!served)
    std::fprintf(stderr, "numaflow_test_udf: unknown --tag/--policy %s/%s\n", config.get("tag").c_str(),
                 config.get("policy").c_str());
  return exit_code;
}
