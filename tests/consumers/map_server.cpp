// The program every consumer project builds: a map server with a cat handler on a temp socket,
// checked from this same process (IsReady, then one datum through MapFn), stopped, exit code 0.
#include <numaflow/numaflow.hpp>
#if __has_include(<numaflow/testing.hpp>)
#include <numaflow/testing.hpp>
#else
#include <numaflow/numaflow_testing.hpp>  // the single-header edition's test kit
#endif

#include <chrono>
#include <cstdio>

int main() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions options;
  options.socket_path = dir / "map.sock";
  options.server_info_path = dir / "server-info";
  options.error_dir = dir / "errors";
  options.shutdown_grace = std::chrono::seconds{5};

  auto cat = [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d.value, d.keys}}; };
  numaflow::Server<numaflow::Map, numaflow::Sync> server{cat, options};
  server.start();

  int failures = 0;
  if (!numaflow::testing::wait_until_ready<::map::v1::Map>(options.socket_path, std::chrono::seconds{20})) {
    std::fprintf(stderr, "consumer: the map server never answered IsReady\n");
    ++failures;
  } else {
    numaflow::testing::MapClient client{options.socket_path};
    numaflow::Datum datum;
    datum.keys = {"k"};
    datum.value = "hello";
    auto results = client.map({datum});
    if (results.size() != 1 || results.begin()->second.size() != 1 ||
        results.begin()->second.front().value != "hello") {
      std::fprintf(stderr, "consumer: the cat map did not echo its datum\n");
      ++failures;
    }
  }
  server.stop();
  int const code = server.wait();
  if (code != 0) std::fprintf(stderr, "consumer: server.wait() returned %d\n", code);
  std::puts(failures == 0 && code == 0 ? "consumer: map server answered IsReady and MapFn" : "consumer: FAILED");
  return failures == 0 && code == 0 ? 0 : 1;
}
