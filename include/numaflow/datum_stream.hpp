#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// The datums of one keyed window, as they arrive, for coroutine handlers:
//   while (auto datum = co_await input.next()) { … }
// next() returns std::nullopt once the window is closed and every datum was consumed. All of it
// runs on the task's strand, so a handler needs no locking of its own.
class DatumStream {
 public:
  using Executor = boost::asio::strand<boost::asio::thread_pool::executor_type>;

  DatumStream(Executor executor, std::function<void()> on_consumed)
      : executor_(std::move(executor)), signal_(executor_), on_consumed_(std::move(on_consumed)) {
    signal_.expires_at(boost::asio::steady_timer::time_point::max());
  }

  DatumStream(DatumStream const&) = delete;
  DatumStream& operator=(DatumStream const&) = delete;

  Task<std::optional<Datum>> next() {
    while (queue_.empty() && !closed_) {
      boost::system::error_code ignored;
      co_await signal_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    if (queue_.empty()) co_return std::nullopt;
    Datum d = std::move(queue_.front());
    queue_.pop_front();
    if (on_consumed_) on_consumed_();
    co_return d;
  }

  // Safe from any thread.
  void push(Datum d) {
    boost::asio::post(executor_, [this, d = std::move(d)]() mutable {
      queue_.push_back(std::move(d));
      signal_.cancel();
    });
  }

  void close() {
    boost::asio::post(executor_, [this] {
      closed_ = true;
      signal_.cancel();
    });
  }

 private:
  Executor executor_;
  boost::asio::steady_timer signal_;
  std::deque<Datum> queue_;
  bool closed_ = false;
  std::function<void()> on_consumed_;
};

}  // namespace numaflow
