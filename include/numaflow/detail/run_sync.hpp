#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "numaflow/detail/runtime.hpp"

namespace numaflow::detail {

inline std::size_t hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// Runs `Process` (In& → Out) on a pool of threads; `done(error, out)` is called on that thread.
template <class Process>
class SyncRunner {
 public:
  using process_type = Process;
  SyncRunner(Process process, Runtime& runtime)
      : process_(std::move(process)),
        threads_(runtime.options().workers ? runtime.options().workers : std::max<std::size_t>(4, hardware_threads())) {}

  ~SyncRunner() { stop(); }

  // Threads are created here, after the server blocked the shutdown signals, so they inherit the mask.
  void start() {
    if (!pool_) pool_.emplace(threads_);
  }

  void stop() {
    if (pool_) {
      pool_->join();
      pool_.reset();
    }
  }

  template <class In, class Done>
  void submit(In&& in, Done&& done) {
    boost::asio::post(*pool_, [this, in = std::forward<In>(in), done = std::forward<Done>(done)]() mutable {
      using Out = std::decay_t<decltype(process_(in))>;
      Out out{};
      std::exception_ptr error;
      try {
        out = process_(in);
      } catch (...) {
        error = std::current_exception();
      }
      done(error, std::move(out));
    });
  }

  Process& process() { return process_; }
  boost::asio::thread_pool::executor_type executor() { return pool_->get_executor(); }

 private:
  Process process_;
  std::size_t threads_;
  std::optional<boost::asio::thread_pool> pool_;
};

}  // namespace numaflow::detail
