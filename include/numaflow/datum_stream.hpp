#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

namespace detail {
template <class H>
class AsyncWindowedExecution;
}

// The datums of one keyed window, as they arrive, for coroutine handlers:
//   while (auto datum = co_await input.next()) { … }
// next() returns std::nullopt once the window is closed and every datum was consumed. All of it
// runs on the task's strand, so a handler needs no locking of its own.
class DatumStream {
 public:
  using Executor = boost::asio::strand<boost::asio::thread_pool::executor_type>;

  DatumStream(Executor executor, std::function<void()> on_consumed)
      : executor_(std::move(executor)), state_(std::make_shared<State>(executor_, std::move(on_consumed))) {}

  DatumStream(DatumStream const&) = delete;
  DatumStream& operator=(DatumStream const&) = delete;

  Task<std::optional<Datum>> next() {
    auto& state = *state_;
    while (state.queue.empty() && !state.closed) {
      boost::system::error_code ignored;
      co_await state.signal.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    if (state.queue.empty()) co_return std::nullopt;
    Datum d = std::move(state.queue.front());
    state.queue.pop_front();
    state.consumed();
    co_return d;
  }

  // Safe from any thread, and after the stream is gone: a handler that threw ends its task, which
  // destroys the stream while a push or close may still be queued on the strand, so the queued
  // work holds the state it touches.
  void push(Datum d) {
    boost::asio::post(executor_, [state = state_, d = std::move(d)]() mutable {
      if (state->abandoned) return state->consumed();
      state->queue.push_back(std::move(d));
      state->signal.cancel();
    });
  }

  void close() {
    boost::asio::post(executor_, [state = state_] {
      state->closed = true;
      state->signal.cancel();
    });
  }

 private:
  template <class H>
  friend class detail::AsyncWindowedExecution;

  // The handler has returned (or thrown) and will read no more: every datum it left, or that is
  // still on its way, counts as consumed, since the server counts each one as work in flight
  // until it is (a stream with work in flight is never finished nor freed).
  void abandon() {
    boost::asio::post(executor_, [state = state_] {
      state->abandoned = true;
      for (; !state->queue.empty(); state->queue.pop_front()) state->consumed();
    });
  }

  struct State {
    State(Executor const& executor, std::function<void()> on_consumed)
        : signal(executor), on_consumed(std::move(on_consumed)) {
      signal.expires_at(boost::asio::steady_timer::time_point::max());
    }
    void consumed() const {
      if (on_consumed) on_consumed();
    }
    boost::asio::steady_timer signal;
    std::function<void()> on_consumed;
    std::deque<Datum> queue;
    bool closed = false;
    bool abandoned = false;
  };

  Executor executor_;
  std::shared_ptr<State> state_;
};

}  // namespace numaflow
