#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <exception>
#include <optional>
#include <utility>

#include "numaflow/detail/run_sync.hpp"
#include "numaflow/detail/runtime.hpp"

namespace numaflow::detail {

// Runs `Process` (In → awaitable<Out>) as coroutines on a small pool; while a handler awaits
// (a timer, a socket) its thread serves other requests.
template <class Process>
class AsyncRunner {
 public:
  using process_type = Process;
  AsyncRunner(Process process, Runtime& runtime)
      : process_(std::move(process)), threads_(runtime.options().workers ? runtime.options().workers : hardware_threads()) {}

  ~AsyncRunner() { stop(); }

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
    boost::asio::co_spawn(pool_->get_executor(), process_(std::forward<In>(in)),
                          [done = std::forward<Done>(done)](std::exception_ptr error, auto out) mutable {
                            done(error, std::move(out));
                          });
  }

  boost::asio::thread_pool::executor_type executor() { return pool_->get_executor(); }
  Process& process() { return process_; }

 private:
  Process process_;
  std::size_t threads_;
  std::optional<boost::asio::thread_pool> pool_;
};

}  // namespace numaflow::detail
