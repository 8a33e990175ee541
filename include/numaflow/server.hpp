#pragma once

#include <cstdio>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/registry.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/runtime/serve.hpp"
#include "numaflow/options.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"

namespace numaflow {

// The one server class template. `Tag` picks the functionality (Map, Sink, …), `Policy` how the
// handler runs (Sync, Async, MultiProc). The handler — a lambda, a function (or numaflow::fn<&f>),
// or an object of a class derived from the tag's base class — is stored by value with its exact
// type, so every call to it is direct.
//
//   int main() {
//     return numaflow::Server<numaflow::Map, numaflow::Sync>{
//         [](numaflow::Datum const& d) { return numaflow::Messages{numaflow::Message{d}}; }}.serve();
//   }
template <class Tag, class Policy>
class Server {
  static_assert(detail::registered<Tag>,
                "numaflow::Server<Tag, Policy>: Tag must be one of numaflow::Map, BatchMap, MapStream, "
                "SourceTransform, Sink, Source, SideInput, ServingStore, Reduce, ReduceStream, SessionReduce, "
                "Accumulator");
  static_assert(!detail::registered<Tag> || detail::is_policy<Policy>,
                "numaflow::Server<Tag, Policy>: Policy must be numaflow::Sync, Async or MultiProc");
  static_assert(!detail::registered<Tag> || !detail::is_policy<Policy> || detail::offers<Tag, Policy>,
                "numaflow::Server<Tag, Policy>: this functionality does not offer this policy. Map and "
                "SourceTransform offer Sync, Async and MultiProc; SessionReduce and Accumulator offer Sync; every "
                "other functionality offers Sync and Async");
  static constexpr bool declared = requires { sizeof(detail::Functionality<Tag>); };
  static_assert(!detail::offers<Tag, Policy> || declared,
                "numaflow::Server<Tag, Policy>: include the functionality's header, <numaflow/numaflow.hpp> or "
                "<numaflow/functions/<tag>.hpp>");
  static constexpr bool servable = detail::offers<Tag, Policy> && declared;

 public:
  template <class Handler>
    requires(!std::is_same_v<std::remove_cvref_t<Handler>, Server>)
  explicit Server(Handler&& handler, ServerOptions options = {})
      : runtime_(std::make_unique<detail::Runtime>(std::move(options))) {
    using H = detail::stored_t<Handler>;
    if constexpr (servable) {
      using contract = detail::HandlerContract<Tag, Policy>;
      contract::template check<H>();
      static_assert(!contract::template accepts<H> || std::is_constructible_v<H, Handler&&>,
                    "numaflow::Server: the handler is stored by value, so it must be movable (or copyable) from what "
                    "is passed; keep members that cannot move (std::mutex, std::atomic, ...) behind a "
                    "std::unique_ptr");
      if constexpr (contract::template accepts<H> && std::is_constructible_v<H, Handler&&>) {
        service_ = std::make_unique<typename detail::Functionality<Tag>::template service<Policy, H>>(
            std::forward<Handler>(handler), *runtime_);
      }
    }
  }

  Server(Server const&) = delete;
  Server& operator=(Server const&) = delete;

  // Starts serving and returns once the socket listens and the server-info file is written.
  // Throws std::runtime_error (naming the path) when the socket or server-info path is unusable.
  void start() {
    if constexpr (servable) {
      serving_ = std::make_unique<detail::Serving>(
          *service_, *runtime_, detail::Functionality<Tag>::endpoint(),
          detail::polling_threads(runtime_->options(), !std::is_same_v<Policy, MultiProc>));
      serving_->start();
    }
  }

  // Blocks until SIGTERM/SIGINT, stop() or a handler error, drains in-flight work within the grace
  // period and returns the exit code for main: 0 after a clean stop, 1 after a handler error.
  int wait() { return serving_ ? serving_->wait() : 0; }

  // start() + wait(); a start-up failure is printed and returns 2. Meant as `return server.serve();`.
  int serve() {
    try {
      start();
    } catch (std::exception const& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 2;
    }
    return wait();
  }

  // Asks a running server to drain and stop, as SIGTERM does. Safe from any thread.
  void stop() { runtime_->request_shutdown(false); }

  ServerOptions const& options() const { return runtime_->options(); }

 private:
  std::unique_ptr<detail::Runtime> runtime_;
  std::unique_ptr<detail::ServiceBase> service_;
  std::unique_ptr<detail::Serving> serving_;
};

}  // namespace numaflow
