#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <type_traits>
#include <utility>

#include "numaflow/detail/policies/sync.hpp"
#include "numaflow/detail/runtime/runtime.hpp"

namespace numaflow::detail {

// While AsyncRunner::submit starts a coroutine on the calling (gRPC) thread, the coroutine runs
// right there until it first suspends; a handler that finishes without suspending then costs no
// thread hand-off at all. co_spawn always begins with a post (Boost 1.74), so the executor the
// coroutine is spawned on lets exactly that first post, and the dispatch of the result, run
// inline during the start; anything else the coroutine posts, and every resumption after it
// suspended, goes to the pool as usual.
struct InlineStart {
  static inline thread_local bool active = false;
  static inline thread_local bool first_post_pending = false;
};

template <class Inner>
class InlineStartExecutor {
 public:
  explicit InlineStartExecutor(Inner inner) noexcept : inner_(std::move(inner)) {}

  template <class F>
  void execute(F&& f) const {
    if (InlineStart::active) {
      bool const is_post =
          boost::asio::query(inner_, boost::asio::execution::blocking) == boost::asio::execution::blocking.never;
      if (!is_post || std::exchange(InlineStart::first_post_pending, false)) {
        std::forward<F>(f)();
        return;
      }
    }
    boost::asio::execution::execute(inner_, std::forward<F>(f));
  }

  template <class Property>
    requires(boost::asio::can_require<Inner const&, Property const&>::value)
  auto require(Property const& p) const {
    return InlineStartExecutor<std::decay_t<decltype(boost::asio::require(inner_, p))>>(
        boost::asio::require(inner_, p));
  }

  template <class Property>
    requires(boost::asio::can_prefer<Inner const&, Property const&>::value)
  auto prefer(Property const& p) const {
    return InlineStartExecutor<std::decay_t<decltype(boost::asio::prefer(inner_, p))>>(boost::asio::prefer(inner_, p));
  }

  template <class Property>
    requires(boost::asio::can_query<Inner const&, Property const&>::value)
  decltype(auto) query(Property const& p) const { return boost::asio::query(inner_, p); }

  friend bool operator==(InlineStartExecutor const& a, InlineStartExecutor const& b) noexcept {
    return a.inner_ == b.inner_;
  }
  friend bool operator!=(InlineStartExecutor const& a, InlineStartExecutor const& b) noexcept { return !(a == b); }

 private:
  Inner inner_;
};

// Runs `Process` (In → awaitable<Out>) as coroutines on a small pool; while a handler awaits
// (a timer, a socket) its thread serves other requests.
template <class Process>
class AsyncRunner : public PooledRunner<Process> {
 public:
  AsyncRunner(Process process, Runtime& runtime)
      : PooledRunner<Process>(std::move(process), runtime, hardware_threads()) {}

  template <class In, class Done>
  void submit(In&& in, Done&& done) {
    struct Scope {  // restores the outer state: a handler running inline may itself start work here
      bool const active = std::exchange(InlineStart::active, true);
      bool const first_post_pending = std::exchange(InlineStart::first_post_pending, true);
      ~Scope() {
        InlineStart::active = active;
        InlineStart::first_post_pending = first_post_pending;
      }
    } const scope;
    boost::asio::co_spawn(
        InlineStartExecutor{this->pool_.executor()}, this->process_(std::forward<In>(in)),
        [done = std::forward<Done>(done)](std::exception_ptr error, auto out) mutable { done(error, std::move(out)); });
  }
};

}  // namespace numaflow::detail
