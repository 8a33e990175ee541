// Snippets of docs/sideinput.md (regions quoted verbatim; see map.cpp).
#include <numaflow/numaflow.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace snippets::sideinput_generator {
// snippet-begin: generator
// A side-input generator: the platform calls it on the pipeline's schedule. It broadcasts the
// current time on even minutes and keeps the value the vertices have on odd ones. retrieve() may
// run concurrently with itself: this one keeps no state.
int main() {
  auto clock = [] {
    auto const now = numaflow::Timestamp::now();
    if (now.seconds / 60 % 2 == 1) return numaflow::SideInputResponse::no_broadcast();
    return numaflow::SideInputResponse::broadcast(numaflow::to_rfc3339(now));
  };
  return numaflow::Server<numaflow::SideInput, numaflow::Sync>{clock}.serve();
}
// snippet-end
}  // namespace snippets::sideinput_generator

namespace snippets::sideinput_async {
// snippet-begin: async
class Config final : public numaflow::AsyncSideInputRetriever {
 public:
  numaflow::Task<numaflow::SideInputResponse> retrieve() override {
    // co_await an HTTP call to a configuration service here.
    co_return numaflow::SideInputResponse::broadcast(R"({"threshold": 10})");
  }
};

int main() { return numaflow::Server<numaflow::SideInput, numaflow::Async>{Config{}}.serve(); }
// snippet-end
}  // namespace snippets::sideinput_async

namespace snippets::sideinput_watcher {
// snippet-begin: watcher
// A map UDF that reads the side input "clock": the watcher follows the file the platform keeps
// at /var/numaflow/side-inputs/clock and remembers the latest value.
int main() {
  numaflow::SideInputWatcher clock{
      "clock", [](std::string const& value) { std::fprintf(stderr, "side input clock is now %s\n", value.c_str()); }};
  auto stamp = [&clock](numaflow::Datum const& d) {
    std::string const now = clock.latest().value_or("unknown");  // latest() is thread-safe
    return numaflow::Messages{numaflow::Message{now + " " + d.value, d.keys}};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{stamp}.serve();
}
// snippet-end
}  // namespace snippets::sideinput_watcher
