// Snippets of docs/runtime.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace snippets::runtime_options {
// snippet-begin: options
// Every field has the platform's value as default; override only what you need, in declaration
// order (designated initialisers).
int main() {
  auto cat = [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; };
  numaflow::ServerOptions const options{
      .socket_path = "/tmp/map.sock",
      .server_info_path = "/tmp/mapper-server-info",
      .workers = 16,
      .shutdown_grace = std::chrono::seconds{20},
      .error_dir = "/tmp/application-errors",
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{cat, options}.serve();
}
// snippet-end
}  // namespace snippets::runtime_options

namespace snippets::runtime_lifecycle {
// snippet-begin: lifecycle
// serve() is start() + wait(). Split, they let a program run the server next to other work and
// stop it itself: here after an hour at most. stop() is safe from any thread and drains like SIGTERM.
int main() {
  auto cat = [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; };
  numaflow::Server<numaflow::Map, numaflow::Sync> server{cat};
  try {
    server.start();                    // returns once the socket listens and the server-info file is written
  } catch (std::exception const& e) {  // e.g. "numaflow: socket directory does not exist: …"
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  std::jthread deadline{[&server](std::stop_token stop) {
    std::mutex mu;
    std::unique_lock lock(mu);
    std::condition_variable_any{}.wait_for(lock, stop, std::chrono::hours{1}, [] { return false; });
    server.stop();
  }};
  return server.wait();  // 0 after a clean stop (SIGTERM, stop()), 1 after a handler error
}
// snippet-end
}  // namespace snippets::runtime_lifecycle

namespace snippets::runtime_critical {
// snippet-begin: critical
// An error found outside any handler (here: bad configuration at start-up) can be reported to the
// platform the same way handler errors are, before exiting.
int main() {
  char const* prefix = std::getenv("PREFIX");
  if (prefix == nullptr) {
    numaflow::persist_critical_error("ConfigError", "PREFIX is not set", "set PREFIX in the container's env");
    return 1;
  }
  auto add_prefix = [p = std::string{prefix}](numaflow::Datum const& d) {
    return numaflow::Messages{numaflow::Message{p + d.value, d.keys}};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{add_prefix}.serve();
}
// snippet-end
}  // namespace snippets::runtime_critical
