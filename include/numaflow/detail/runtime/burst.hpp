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

// The burst the calling thread is in, if any: a completion-queue thread is in one while it runs the
// completions already waiting (CqEngine).
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
  friend class CqEngine;

  static void run(std::vector<BurstEndAction*>& actions) {
    std::vector<BurstEndAction*> due;
    due.swap(actions);
    for (auto* action : due) action->at_burst_end();
  }

  static inline thread_local std::vector<BurstEndAction*>* actions_ = nullptr;
};

}  // namespace numaflow::detail
