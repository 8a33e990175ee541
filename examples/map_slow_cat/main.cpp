// map_slow_cat: map_cat with a pause: every datum is forwarded (value and keys) after sleeping
// SLEEP_SECONDS seconds (environment variable, default 10; a value that is not an integer is
// logged and the default used; zero or negative: no pause). Useful to watch back-pressure.
//
// Handler: a lambda, policy sync.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_number.hpp"

namespace {

constexpr std::int64_t default_sleep_seconds = 10;

std::int64_t sleep_seconds() {
  char const* text = std::getenv("SLEEP_SECONDS");
  if (!text || !*text) {
    std::fprintf(stderr, "SLEEP_SECONDS environment variable not set, using default %lld seconds\n",
                 static_cast<long long>(default_sleep_seconds));
    return default_sleep_seconds;
  }
  auto const seconds = example::parse_int(text);
  if (!seconds) {
    std::fprintf(stderr, "SLEEP_SECONDS environment variable \"%s\" not an int, using default %lld seconds\n", text,
                 static_cast<long long>(default_sleep_seconds));
    return default_sleep_seconds;
  }
  std::fprintf(stderr, "Using SLEEP_SECONDS value %lld\n", static_cast<long long>(*seconds));
  return *seconds;
}

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "map_slow_cat", .policies = {example::Policy::sync}});

  auto const pause = std::chrono::seconds{sleep_seconds()};
  auto slow_cat = [pause](numaflow::Datum const& d) {
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    return numaflow::Messages{numaflow::Message{d.value, d.keys}};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{slow_cat, args.options}.serve();
}
