#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "numaflow/detail/runtime/runtime.hpp"

namespace numaflow::detail {

// The thread pool a runner owns: created by start(), after the server blocked the shutdown signals
// (so the threads inherit the mask), joined by stop().
class OwnedThreadPool {
 public:
  explicit OwnedThreadPool(std::size_t threads) : threads_(threads) {}
  ~OwnedThreadPool() { stop(); }

  void start() {
    if (!pool_) pool_.emplace(threads_);
  }

  void stop() {
    if (pool_) {
      pool_->join();
      pool_.reset();
    }
  }

  boost::asio::thread_pool::executor_type executor() { return pool_->get_executor(); }
  std::size_t threads() const { return threads_; }

 private:
  std::size_t threads_;
  std::optional<boost::asio::thread_pool> pool_;
};

// What a runner of `Process` on a pool of threads owns (Sync, Async): the process and the pool,
// of options().workers threads, or `default_threads` when that is 0.
template <class Process>
class PooledRunner {
 public:
  using process_type = Process;

  void start() { pool_.start(); }
  void stop() { pool_.stop(); }

  Process& process() { return process_; }
  boost::asio::thread_pool::executor_type executor() { return pool_.executor(); }

 protected:
  PooledRunner(Process process, Runtime& runtime, std::size_t default_threads)
      : process_(std::move(process)), pool_(runtime.options().workers ? runtime.options().workers : default_threads) {}

  Process process_;
  OwnedThreadPool pool_;
};

// Decides whether a Sync handler call may run on the gRPC thread that read its request.
//
// Handing a request to a pool thread costs a thread wake-up and a context switch, ~10 µs on a
// loaded core: far more than a fast handler. So calls run inline while the handler's recent
// average run time is below the threshold, and on the pool otherwise. The first calls always go
// to the pool (a handler that blocks is then never tried inline), and at most one call runs
// inline at a time, so a handler that turns slow can hold up at most one gRPC thread, once.
class InlineGate {
 public:
  explicit InlineGate(std::chrono::microseconds threshold)
      : threshold_ns_(static_cast<std::uint64_t>(std::max<std::int64_t>(0, threshold.count())) * 1000) {}

  // True: the caller must run the call inline and then call leave().
  bool try_enter() {
    if (threshold_ns_ == 0 || samples_.load(std::memory_order_relaxed) < kWarmupSamples ||
        average_ns_.load(std::memory_order_relaxed) >= threshold_ns_)
      return false;
    bool expected = false;
    return inline_busy_.compare_exchange_strong(expected, true, std::memory_order_acquire);
  }
  void leave() { inline_busy_.store(false, std::memory_order_release); }

  bool measuring() const { return threshold_ns_ != 0; }

  // Inline calls are timed one in kInlineSampleEvery: reading the clock can cost as much as a
  // fast handler (it is not always the vDSO's TSC read), and a handler that turns slow is still
  // caught within a few calls. Only the inline thread (one at a time) counts.
  bool sample_inline_call() { return (++inline_calls_ % kInlineSampleEvery) == 0; }

  // An exponentially weighted average (1/8 per sample); concurrent updates may lose a sample,
  // which only makes the average a little less smooth.
  void record(std::chrono::steady_clock::duration took) {
    auto const ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
    auto const average = average_ns_.load(std::memory_order_relaxed);
    average_ns_.store(average - average / 8 + ns / 8, std::memory_order_relaxed);
    if (samples_.load(std::memory_order_relaxed) < kWarmupSamples) samples_.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  static constexpr std::uint32_t kWarmupSamples = 16;
  static constexpr std::uint32_t kInlineSampleEvery = 4;
  std::uint32_t inline_calls_ = 0;  // guarded by inline_busy_
  std::uint64_t const threshold_ns_;
  std::atomic<std::uint64_t> average_ns_{0};
  std::atomic<std::uint32_t> samples_{0};
  std::atomic<bool> inline_busy_{false};
};

// Runs `Process` (In& → Out) on a pool of threads; `done(error, out)` is called on that thread.
template <class Process>
class SyncRunner : public PooledRunner<Process> {
 public:
  SyncRunner(Process process, Runtime& runtime)
      : PooledRunner<Process>(std::move(process), runtime, std::max<std::size_t>(4, hardware_threads())),
        gate_(runtime.options().inline_handler_threshold) {}

  template <class In, class Done>
  void submit(In&& in, Done&& done) {
    post(std::forward<In>(in), std::forward<Done>(done), /*measure=*/false);
  }

  // For per-request work (one request in, one response out, a handler that only computes): runs
  // the call right here when the InlineGate allows it, on the pool otherwise. Pool calls are all
  // timed and inline calls sampled: that is what teaches the gate.
  template <class In, class Done>
  void submit_per_request(In&& in, Done&& done) {
    if (gate_.try_enter()) {
      run(in, done, gate_.sample_inline_call());
      gate_.leave();
      return;
    }
    post(std::forward<In>(in), std::forward<Done>(done), gate_.measuring());
  }

 private:
  template <class In, class Done>
  void post(In&& in, Done&& done, bool measure) {
    boost::asio::post(this->pool_.executor(), [this, in = std::forward<In>(in), done = std::forward<Done>(done),
                                               measure]() mutable { run(in, done, measure); });
  }

  template <class In, class Done>
  void run(In& in, Done& done, bool measure) {
    using Out = std::decay_t<decltype(this->process_(in))>;
    Out out{};
    std::exception_ptr error;
    auto const started = measure ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    try {
      out = this->process_(in);
    } catch (...) {
      error = std::current_exception();
    }
    if (measure) gate_.record(std::chrono::steady_clock::now() - started);
    done(error, std::move(out));
  }

  InlineGate gate_;
};

}  // namespace numaflow::detail
