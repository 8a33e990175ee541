#pragma once

#include <pthread.h>
#include <signal.h>

#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace numaflow::detail {

// Turns SIGTERM/SIGINT into callbacks. The signals are blocked in the serving thread before gRPC
// creates its threads (they inherit the mask) and taken by one sigwait thread, so no gRPC thread
// is ever interrupted by a handler.
class SignalWatcher {
 public:
  static SignalWatcher& instance() {
    static SignalWatcher watcher;
    return watcher;
  }

  static sigset_t shutdown_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
  }

  // Blocks the shutdown signals in the calling thread (and so in threads it creates later). Returns
  // the previous mask. A signal that arrives before start_waiting stays pending until then.
  static sigset_t block_in_this_thread() {
    sigset_t set = shutdown_signals();
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &set, &old);
    return old;
  }

  // Makes sure the waiting thread runs. The server calls it after forking its MultiProc workers: a
  // child forked while another thread is inside the allocator inherits the allocator's lock held,
  // and AddressSanitizer's allocator (GCC 12) takes no lock around fork. Started before the fork,
  // this thread's start-up could deadlock a worker at its first large free.
  void start_waiting() {
    std::call_once(started_, [this] { std::thread([this] { run(); }).detach(); });
  }

  int subscribe(std::function<void(int)> callback) {
    std::lock_guard lock(mu_);
    int const id = next_id_++;
    subscribers_.emplace(id, std::move(callback));
    return id;
  }

  void unsubscribe(int id) {
    std::lock_guard lock(mu_);
    subscribers_.erase(id);
  }

 private:
  SignalWatcher() = default;

  [[noreturn]] void run() {
    sigset_t set = shutdown_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      std::lock_guard lock(mu_);
      for (auto& [id, callback] : subscribers_) callback(sig);
    }
  }

  std::once_flag started_;
  std::mutex mu_;
  std::map<int, std::function<void(int)>> subscribers_;
  int next_id_ = 0;
};

}  // namespace numaflow::detail
