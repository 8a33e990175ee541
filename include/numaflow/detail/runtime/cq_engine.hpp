#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits of the protobuf messages
#include <grpcpp/support/async_stream.h>

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "numaflow/detail/runtime/grpc_handoff.hpp"

namespace numaflow::detail {

class CqEngine;

// The streaming RPCs run on gRPC's completion-queue API, polled by threads we own: the callback
// API costs about 1.3x the server CPU per message for the same work (benchmarks/raw_map_server,
// --api callback against its default). Unary RPCs stay on the callback API.

// What a completion-queue tag points to: the operation that completed. One virtual call per
// completion, no allocation.
class CqCompletion {
 public:
  virtual void complete(bool ok) = 0;

 protected:
  ~CqCompletion() = default;
};

// An operation of `Owner` whose completion calls `Owner::*on_complete(ok)`.
template <class Owner, void (Owner::*on_complete)(bool)>
class CqOp final : public CqCompletion {
 public:
  explicit CqOp(Owner& owner) : owner_(owner) {}
  void complete(bool ok) override { (owner_.*on_complete)(ok); }

 private:
  Owner& owner_;
};

// A bidirectional call on the completion-queue API, as the acceptor that waits for it sees it: the
// server context and stream that gRPC fills when a call arrives, and what to do then. gRPC's part
// (`io`) may be released before the object itself, which work begun for the call may still hold.
template <class Request, class Response>
class BidiCall {
 public:
  struct Io {
    grpc::ServerContext context;
    grpc::ServerAsyncReaderWriter<Response, Request> stream{&context};
  };

  virtual ~BidiCall() = default;

  Io& io() { return *io_; }

  // A call arrived (on its queue's thread); from here the object owns itself. It holds one of the
  // engine's counts (CqEngine::hold), released once gRPC is done with the call: every operation
  // completed and `io` released.
  virtual void accepted(CqEngine& engine) = 0;

 protected:
  // Releases gRPC's objects of the call; no operation may be outstanding or started afterwards.
  void release_io() { io_.reset(); }

 private:
  std::optional<Io> io_{std::in_place};
};

// The generated `RequestXFn` of an async streaming method `Owner` (a `WithAsyncMethod_XFn` layer).
template <class Owner, class Request, class Response>
using RequestBidi = void (Owner::*)(grpc::ServerContext*, grpc::ServerAsyncReaderWriter<Response, Request>*,
                                    grpc::CompletionQueue*, grpc::ServerCompletionQueue*, void*);

// Something a completion started that is better done once the queue's thread has run every
// completion already waiting: a write. gRPC sends a response written without a buffer hint at once,
// one `sendmsg` per message; held back to the end of the burst of completions, the responses of the
// burst queue up behind it and go out together, with buffer hints.
class BurstEndAction {
 public:
  virtual void at_burst_end() = 0;

 protected:
  ~BurstEndAction() = default;
};

// Base of the acceptors the engine owns.
class CallAcceptor : public CqCompletion {
 public:
  virtual ~CallAcceptor() = default;
  virtual void arm() = 0;
};

// Completion-queue threads: one queue per thread, each thread runs its queue's completions. All the
// completions of one call come through the queue it was accepted on, so they run one at a time.
//
// Life: add_queues() before the server is built; accept() for each streaming method once it is
// started; start(); after the server's Shutdown and Wait, stop(). A queue must not see an
// operation started after its shutdown, so the engine counts what may still start one: every
// armed request and every call gRPC is not done with (hold/release). stop() waits for the count to
// fall to zero (the server's shutdown fails the requests and ends the calls, whose last
// completions still come through the running queues), then shuts the queues down, drains them and
// joins the threads.
class CqEngine {
 public:
  explicit CqEngine(std::size_t threads) : threads_(std::max<std::size_t>(1, threads)) {}
  CqEngine(CqEngine const&) = delete;
  CqEngine& operator=(CqEngine const&) = delete;
  ~CqEngine() { stop(); }

  void add_queues(grpc::ServerBuilder& builder) {
    for (std::size_t i = 0; i < threads_; ++i) queues_.push_back(builder.AddCompletionQueue());
  }

  // Keeps a call of the streaming method `request` (of the service `owner`) requested on every
  // queue; `make()` builds the BidiCall<Request, Response> that serves it.
  template <class Owner, class Request, class Response, class Make>
  void accept(Owner& owner, RequestBidi<Owner, Request, Response> request, Make make);

  void start() {
    for (auto& cq : queues_) pollers_.emplace_back([queue = cq.get()] { poll(*queue); });
  }

  // A request or a call that may still start operations on a queue / one that no longer will.
  void hold() {
    std::lock_guard lock(mu_);
    ++held_;
  }
  void release() {
    std::lock_guard lock(mu_);
    if (--held_ == 0) all_released_.notify_all();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    if (!pollers_.empty()) {
      std::unique_lock lock(mu_);
      all_released_.wait(lock, [&] { return held_ == 0; });
    }
    for (auto& cq : queues_) cq->Shutdown();
    if (pollers_.empty())  // never started: drain here (the failed requests of a server that shut down)
      for (auto& cq : queues_) poll(*cq);
    for (auto& t : pollers_) t.join();
    pollers_.clear();
  }

  // The queue that work handed in from outside the engine (CqMailbox) is run on.
  grpc::ServerCompletionQueue& first_queue() { return *queues_.front(); }

  // Runs `action` once the calling completion-queue thread has no completion waiting; false when
  // the caller is not one of those threads (the action is then the caller's to do now).
  static bool at_burst_end(BurstEndAction& action) {
    if (burst_end_ == nullptr) return false;
    burst_end_->push_back(&action);
    return true;
  }

 private:
  static void poll(grpc::ServerCompletionQueue& cq) {
    std::vector<BurstEndAction*> burst_end;
    burst_end_ = &burst_end;
    void* tag = nullptr;
    bool ok = false;
    std::size_t burst = 0;  // completions run since the first action began waiting
    for (;;) {
      if (burst_end.empty()) {
        burst = 0;
        if (!cq.Next(&tag, &ok)) break;
      } else {
        // A burst ends when no completion waits, or after kMaxBurst of them: a queue that never
        // empties must not hold the writes back.
        auto const status = ++burst > kMaxBurst ? grpc::CompletionQueue::TIMEOUT
                                                : cq.AsyncNext(&tag, &ok, gpr_inf_past(GPR_CLOCK_MONOTONIC));
        if (status != grpc::CompletionQueue::GOT_EVENT) {
          // (SHUTDOWN cannot come while an action waits: its call still holds the engine.)
          std::vector<BurstEndAction*> due;
          due.swap(burst_end);
          for (auto* action : due) action->at_burst_end();
          continue;
        }
      }
      static_cast<CqCompletion*>(tag)->complete(ok);
    }
    burst_end_ = nullptr;
  }

  static constexpr std::size_t kMaxBurst = 128;
  static inline thread_local std::vector<BurstEndAction*>* burst_end_ = nullptr;

  std::size_t const threads_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::unique_ptr<CallAcceptor>> acceptors_;
  std::vector<std::thread> pollers_;
  std::mutex mu_;
  std::condition_variable all_released_;
  std::size_t held_ = 0;
  bool stopped_ = false;
};

// Keeps one call of one streaming method requested on one completion queue: `make()` builds the
// object that will serve the next call (a shape), and each accepted call re-arms the request
// before it starts, so new streams are always accepted. Only the queue's thread completes it.
template <class Owner, class Request, class Response, class Make>
class StreamAcceptor final : public CallAcceptor {
 public:
  StreamAcceptor(Owner& owner, RequestBidi<Owner, Request, Response> request, Make make,
                 grpc::ServerCompletionQueue& cq, CqEngine& engine)
      : owner_(owner), request_(request), make_(std::move(make)), cq_(cq), engine_(engine) {}

  ~StreamAcceptor() override { delete pending_; }

  void arm() override {
    engine_.hold();  // the request, handed to the call it brings
    pending_ = make_();
    auto& io = pending_->io();
    handing_to_grpc(pending_);
    (owner_.*request_)(&io.context, &io.stream, &cq_, &cq_, this);
  }

  void complete(bool ok) override {
    BidiCall<Request, Response>* call = std::exchange(pending_, nullptr);
    taking_back_from_grpc(call);
    if (!ok) {  // the server is shutting down: no more calls
      delete call;
      engine_.release();
      return;
    }
    arm();
    call->accepted(engine_);
  }

 private:
  Owner& owner_;
  RequestBidi<Owner, Request, Response> request_;
  Make make_;
  grpc::ServerCompletionQueue& cq_;
  CqEngine& engine_;
  BidiCall<Request, Response>* pending_ = nullptr;
};

template <class Owner, class Request, class Response, class Make>
void CqEngine::accept(Owner& owner, RequestBidi<Owner, Request, Response> request, Make make) {
  for (auto& cq : queues_) {
    acceptors_.push_back(
        std::make_unique<StreamAcceptor<Owner, Request, Response, Make>>(owner, request, make, *cq, *this));
    acceptors_.back()->arm();
  }
}

// The way in for threads outside the engine (MultiProc's readers of its workers' answers). Open
// while the engine runs (Serving opens it once the pollers started and closes it before the engine
// stops); closed, work stays with the thread that has it.
class CqEntrance {
 public:
  void open(CqEngine& engine) {
    std::lock_guard lock(mu_);
    engine_ = &engine;
  }
  void close() {
    std::lock_guard lock(mu_);
    engine_ = nullptr;
  }

  // Sets `alarm` to fire at once on the engine's first queue with `completion`, which must then
  // release() the returned engine: it holds the engine until the completion ran, so the queue cannot
  // shut down before. nullptr (nothing set) when the entrance is closed.
  CqEngine* enter(grpc::Alarm& alarm, CqCompletion& completion) {
    std::lock_guard lock(mu_);
    if (engine_ == nullptr) return nullptr;
    engine_->hold();
    alarm.Set(&engine_->first_queue(), gpr_inf_past(GPR_CLOCK_MONOTONIC), &completion);
    return engine_;
  }

 private:
  std::mutex mu_;
  CqEngine* engine_ = nullptr;
};

// Items that a thread outside the engine hands to a completion-queue thread, delivered there in the
// order posted. On the queue's thread they join its burst: the writes they start go out together,
// with buffer hints, and the streams' locks are not contended by a second thread. One alarm per
// batch of posts, however many items it carries.
template <class Item>
class CqMailbox final : public CqCompletion {
 public:
  explicit CqMailbox(std::function<void(Item&)> deliver) : deliver_(std::move(deliver)) {}
  CqMailbox(CqMailbox const&) = delete;
  CqMailbox& operator=(CqMailbox const&) = delete;

  // Takes every item of `items`: delivered on the queue's thread, or here and now when `entrance`
  // is closed.
  void post(CqEntrance& entrance, std::vector<Item>& items) {
    {
      std::lock_guard lock(mu_);
      // Made on first use: its construction initialises gRPC, whose threads would then start
      // before the server blocked the shutdown signals, and take SIGTERM themselves.
      if (!alarm_) alarm_.emplace();
      if (engine_ != nullptr || (engine_ = entrance.enter(*alarm_, *this)) != nullptr) {
        inbox_.insert(inbox_.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
        items.clear();
        return;
      }
    }
    for (auto& item : items) deliver_(item);
    items.clear();
  }

  void complete(bool) override {
    std::vector<Item> due;
    CqEngine* engine = nullptr;
    {
      std::lock_guard lock(mu_);
      due.swap(inbox_);
      engine = std::exchange(engine_, nullptr);  // the alarm fired: the next post sets it again
    }
    for (auto& item : due) deliver_(item);
    engine->release();
  }

 private:
  std::function<void(Item&)> const deliver_;
  std::mutex mu_;
  std::optional<grpc::Alarm> alarm_;
  std::vector<Item> inbox_;
  CqEngine* engine_ = nullptr;  // while the alarm is set
};

}  // namespace numaflow::detail
