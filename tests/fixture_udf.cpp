// A configurable UDF server for the tests that need a real process: signals, exit codes, MultiProc.
//   numaflow_test_udf --tag map|transform|sink --policy sync|async|multiproc
//                     --behaviour cat|slow|throw|crash|pid --socket P --server-info P --error-dir D
//                     [--grace-ms N] [--workers N] [--delay-ms N]
#include <signal.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <numaflow/numaflow.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>

namespace {

struct Config {
  std::map<std::string, std::string> flags;
  std::string get(std::string const& name, std::string const& fallback = {}) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

Config config;

std::chrono::milliseconds delay() { return std::chrono::milliseconds{std::stol(config.get("delay-ms", "5"))}; }

// The behaviour on one datum, shared by every tag and policy.
std::string act(numaflow::Datum const& d) {
  auto const behaviour = config.get("behaviour", "cat");
  if (behaviour == "throw") throw std::runtime_error("fixture failure for " + d.value);
  if (behaviour == "crash") ::raise(SIGKILL);
  if (behaviour == "slow") std::this_thread::sleep_for(delay());
  if (behaviour == "pid") return std::to_string(::getpid());
  return d.value;
}

numaflow::Messages map_one(numaflow::Datum const& d) { return {numaflow::Message{act(d)}.with_keys(d.keys)}; }

numaflow::Task<numaflow::Messages> map_one_async(numaflow::Datum const& d) {
  if (config.get("behaviour") == "slow") {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, delay()};
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return numaflow::Messages{numaflow::Message{d}};
  }
  co_return map_one(d);
}

numaflow::SinkResponses sink_batch(numaflow::Datums const& batch) {
  numaflow::SinkResponses out;
  for (auto const& d : batch) {
    act(d);
    out.push_back(numaflow::SinkResponse::success(d.id));
  }
  return out;
}

numaflow::Task<numaflow::SinkResponses> sink_batch_async(numaflow::Datums const& batch) { co_return sink_batch(batch); }

template <class Tag, class Policy, class Handler>
int run(Handler handler, numaflow::ServerOptions const& options) {
  return numaflow::Server<Tag, Policy>{handler, options}.serve();
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strncmp(argv[i], "--", 2) != 0) return 2;
    config.flags[argv[i] + 2] = argv[i + 1];
  }
  numaflow::ServerOptions options;
  options.socket_path = config.get("socket");
  options.server_info_path = config.get("server-info");
  options.error_dir = config.get("error-dir");
  options.shutdown_grace = std::chrono::milliseconds{std::stol(config.get("grace-ms", "10000"))};
  options.workers = std::stoul(config.get("workers", "0"));
  auto const tag = config.get("tag", "map");
  auto const policy = config.get("policy", "sync");
  using namespace numaflow;
  if (tag == "map" && policy == "sync") return run<Map, Sync>(fn<&map_one>, options);
  if (tag == "map" && policy == "async") return run<Map, Async>(fn<&map_one_async>, options);
  if (tag == "map" && policy == "multiproc") return run<Map, MultiProc>(fn<&map_one>, options);
  if (tag == "transform" && policy == "sync") return run<SourceTransform, Sync>(fn<&map_one>, options);
  if (tag == "transform" && policy == "async") return run<SourceTransform, Async>(fn<&map_one_async>, options);
  if (tag == "transform" && policy == "multiproc") return run<SourceTransform, MultiProc>(fn<&map_one>, options);
  if (tag == "sink" && policy == "sync") return run<Sink, Sync>(fn<&sink_batch>, options);
  if (tag == "sink" && policy == "async") return run<Sink, Async>(fn<&sink_batch_async>, options);
  std::fprintf(stderr, "numaflow_test_udf: unknown --tag/--policy %s/%s\n", tag.c_str(), policy.c_str());
  return 2;
}
