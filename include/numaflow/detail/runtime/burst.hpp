#pragma once

#include <vector>

namespace numaflow::detail {

// Something better done once the current thread has handled everything it has ready: a write.
// gRPC sends a response written without a buffer hint at once, one `sendmsg` per message; held back
// to the end of the thread's burst, the responses of the burst queue up behind it and go out
// together, with buffer hints.
class BurstEndAction {
 public:
  virtual void at_burst_end() = 0;

 protected:
  ~BurstEndAction() = default;
};

// The burst the calling thread is in, if any. A completion-queue thread is in one while it runs the
// completions already waiting (CqEngine); any other thread while it holds a BurstScope.
class Burst {
 public:
  // Runs `action` at the end of the calling thread's burst; false when the thread is in none (the
  // action is then the caller's to do now).
  static bool defer(BurstEndAction& action) {
    if (actions_ == nullptr) return false;
    actions_->push_back(&action);
    return true;
  }

 private:
  friend class BurstScope;
  friend class CqEngine;

  static void run(std::vector<BurstEndAction*>& actions) {
    std::vector<BurstEndAction*> due;
    due.swap(actions);
    for (auto* action : due) action->at_burst_end();
  }

  static inline thread_local std::vector<BurstEndAction*>* actions_ = nullptr;
};

// A burst on a thread that is not a completion-queue thread, for as long as the scope lives: MultiProc's
// reader answers every request of one read in one. Inside another burst it adds nothing.
class BurstScope {
 public:
  BurstScope() : opened_(Burst::actions_ == nullptr) {
    if (opened_) Burst::actions_ = &actions_;
  }
  BurstScope(BurstScope const&) = delete;
  BurstScope& operator=(BurstScope const&) = delete;
  ~BurstScope() {
    if (!opened_) return;
    Burst::actions_ = nullptr;  // what the actions plan starts at once
    Burst::run(actions_);
  }

 private:
  bool const opened_;
  std::vector<BurstEndAction*> actions_;
};

}  // namespace numaflow::detail
