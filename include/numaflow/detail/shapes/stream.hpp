#pragma once

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include "numaflow/detail/runtime/cq_engine.hpp"
#include "numaflow/detail/runtime/grpc_handoff.hpp"
#include "numaflow/detail/runtime/runtime.hpp"

namespace numaflow::detail {

// The one bidirectional-stream engine every streaming functionality is built on.
//
// Reading: one read outstanding at a time, paused while `max_pending_per_stream` responses are
// queued or being computed. Writing: gRPC allows one outstanding write per stream, so responses
// are queued and written one after another, with a buffer hint while more are waiting (coalesced
// into fewer frames). Finishing: OK once the client half-closed and every piece of work begun for
// the stream has been answered; an error or a cancellation finishes at once (after the write in
// flight). Lifetime: the stream deletes itself when gRPC is done with it AND no work still refers
// to it, so a late handler result never touches freed memory.
//
// It runs on the completion-queue engine (runtime/cq_engine.hpp): an acceptor builds it before its
// call arrives; every completion of the call (read, write, finish, and the call's end, which tells
// a cancellation) runs on the thread of the queue it was accepted on, one at a time; the work's
// threads start writes and the finish directly. gRPC's objects of the call are released as soon as
// gRPC is done with it, even while work still holds the stream.
//
// `Proto` supplies Request/Response, and for handshaking RPCs `handshake`, `is_handshake(req)` and
// `handshake_response()`.
template <class Proto>
class Stream : public BidiCall<typename Proto::Request, typename Proto::Response> {
 public:
  using Request = typename Proto::Request;
  using Response = typename Proto::Response;

  explicit Stream(Runtime& runtime)
      : runtime_(runtime), high_water_(std::max<std::size_t>(1, runtime.options().max_pending_per_stream)) {
    this->io().context.AsyncNotifyWhenDone(&done_op_);
  }

  // The call arrived: starts reading.
  void accepted(CqEngine& engine) final {
    Reaction const reaction(this);
    engine_ = &engine;
    ops_ = 1;  // the call's end (done_op_), reported once the call started
    advance();
  }

 protected:
  // A data message (after the handshake, if the RPC has one). Runs on the call's completion-queue
  // thread, which serves other streams too: must not block.
  virtual void on_request(Request&& request) = 0;
  // The client half-closed its side.
  virtual void on_input_closed() {}
  // The stream is ending early (error, cancellation): release whatever waits for more input.
  virtual void on_ending() {}

  Runtime& runtime() { return runtime_; }

  void send(Response response) {
    advance([&] {
      if (!ending_locked()) queue_.push_back(std::move(response));
    });
  }

  template <class Responses>
  void send_all(Responses&& responses) {
    advance([&] {
      if (!ending_locked())
        for (auto& r : responses) queue_.push_back(std::move(r));
    });
  }

  // Ends the stream with `status` (first failure wins); queued responses are dropped.
  void fail(grpc::Status status) {
    advance([&] {
      if (!error_) error_ = std::move(status);
      queue_.clear();
    });
  }

  // A handler failed: the error contract, then the stream ends with the contract's status.
  void fail_with_udf_error(std::exception_ptr const& error) { fail(runtime_.udf_error(error)); }

  // Work for this stream started elsewhere (a worker thread, a coroutine, a worker process): the
  // stream stays open and alive until the matching end_work().
  void begin_work() { count_in(in_flight_); }

  void end_work() { count_out(in_flight_); }

  // send(response) and end_work() in one step (one lock, one plan): the per-message fast path.
  void end_work_with(Response response) {
    advance([&] {
      if (!ending_locked()) queue_.push_back(std::move(response));
      --in_flight_;
    });
    release();
  }

  // Like begin_work/end_work, but for long-lived things (a keyed window task) that must keep the
  // stream open without counting against the read high-water mark: a window may hold any number of
  // keys.
  void begin_hold() { count_in(holds_); }

  void end_hold() { count_out(holds_); }

  bool failed() const {
    std::lock_guard lock(mu_);
    return error_.has_value() || cancelled_;
  }

 private:
  struct Next {
    bool read = false;
    bool write = false;
    bool buffer_hint = false;
    std::optional<grpc::Status> finish;
    bool release_call = false;  // gRPC is done with the call
  };

  // A reference to the stream that `count` (work in flight, holds) keeps until count_out.
  void count_in(std::size_t& count) {
    std::lock_guard lock(mu_);
    ++count;
    refs_.fetch_add(1, std::memory_order_relaxed);
  }

  void count_out(std::size_t& count) {
    advance([&] { --count; });
    release();
  }

  bool ending_locked() const { return error_.has_value() || cancelled_ || finish_called_; }

  // Whether the write being started (counted in writes_planned_) may wait in gRPC's buffer for the
  // next one: only while responses wait behind it, and never for the stream's first write. That
  // write also carries the initial metadata, and gRPC completes a buffered write that does only once
  // something else flushes the connection (grpc/grpc#12975), which a client waiting for its answers
  // never does.
  bool hint_allowed_locked() const { return writes_planned_ > 1 && !queue_.empty(); }

  // Decides, under the lock, what to start next; the gRPC calls happen after the lock is released.
  Next plan_locked() {
    Next next;
    if (finish_called_) {
      // Nothing is started after the finish; once every operation is back, gRPC is done.
      if (ops_ == 0 && !call_released_) next.release_call = call_released_ = true;
      return next;
    }
    bool const ending = error_.has_value() || cancelled_;
    if (!ending && !write_pending_ && !queue_.empty()) {
      current_ = std::move(queue_.front());
      queue_.pop_front();
      write_pending_ = true;
      next.write = true;
      ++writes_planned_;
      next.buffer_hint = hint_allowed_locked();
      ++ops_;
    }
    if (!ending && !read_pending_ && !reads_done_ && queue_.size() + in_flight_ < high_water_) {
      read_pending_ = true;
      next.read = true;
      ++ops_;
    }
    if (!write_pending_) {
      if (error_) {
        next.finish = *error_;
      } else if (cancelled_) {
        next.finish = grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled");
      } else if (input_closed_ && in_flight_ == 0 && holds_ == 0 && queue_.empty()) {
        next.finish = grpc::Status::OK;
      }
      if (next.finish) {
        finish_called_ = true;
        ++ops_;
      }
    }
    return next;
  }

  // Applies `change` to the state and plans what to start next, under one lock; then starts it.
  template <class Change>
  void advance(Change&& change) {
    Next next;
    bool newly_ending = false;
    {
      std::lock_guard lock(mu_);
      change();
      next = plan_locked();
      if ((error_ || cancelled_) && !ending_notified_) newly_ending = ending_notified_ = true;
    }
    if (newly_ending) on_ending();
    if (next.release_call) return release_call();
    bool const calls_grpc = next.write || next.read || next.finish.has_value();
    if (!calls_grpc) return;
    handing_to_grpc(this);
    auto& stream = this->io().stream;
    if (next.write && !CqEngine::at_burst_end(deferred_write_)) start_write(next.buffer_hint);
    if (next.read) stream.Read(&incoming_, &read_op_);
    if (next.finish) stream.Finish(*next.finish, &finish_op_);
    // gRPC serialized the response inside Write; a completion that acquires after this point sees
    // that work ordered too.
    handing_to_grpc(this);
  }
  void advance() {
    advance([] {});
  }

  // The planned write (write_pending_, current_): started now, or at the end of the completion
  // queue's burst when planned on its thread. The hint travels as a value: a member written by
  // whichever thread plans the write would be ordered only through gRPC, which TSan cannot see.
  void start_write(bool buffer_hint) {
    grpc::WriteOptions options;
    if (buffer_hint) options.set_buffer_hint();
    this->io().stream.Write(current_, options, &write_op_);
  }

  struct DeferredWrite final : BurstEndAction {
    explicit DeferredWrite(Stream& stream) : stream(stream) {}
    void at_burst_end() override {
      bool hint = false;
      {
        // Responses of the burst queued up behind this one: they follow it into the same frame.
        std::lock_guard lock(stream.mu_);
        hint = stream.hint_allowed_locked();
      }
      // This action lives inside the stream, which the started write's completion may end and
      // delete: nothing of either is touched after the start.
      Stream* const started = &stream;
      handing_to_grpc(started);
      started->start_write(hint);
      handing_to_grpc(started);
    }
    Stream& stream;
  };

  void on_read_done(bool ok) {
    Reaction const reaction(this);
    if (!ok) {
      bool first_close = false;
      {
        std::lock_guard lock(mu_);
        read_pending_ = false;
        first_close = !reads_done_;
        reads_done_ = true;  // no more reads; the stream may not finish before on_input_closed ran
      }
      if (first_close && !failed()) on_input_closed();
      // The read counts as outstanding until here: the stream cannot be released under this
      // completion.
      advance([&] {
        input_closed_ = true;
        --ops_;
      });
      return;
    }
    Request request = std::move(incoming_);
    incoming_.Clear();
    bool dispatch = false;
    {
      std::lock_guard lock(mu_);
      dispatch = !ending_locked();
    }
    if (dispatch) dispatch_request(std::move(request));
    // Only now may the next read start: messages are handled one at a time and in order (a read
    // started during dispatch could deliver the next message, or the half-close, while this one
    // is still being dispatched).
    advance([&] {
      read_pending_ = false;
      --ops_;
    });
  }

  void dispatch_request(Request&& request) {
    if constexpr (Proto::handshake) {
      bool const is_handshake = Proto::is_handshake(request);
      if (!handshaken_) {
        if (!is_handshake)
          return fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "numaflow: the first message of the stream must be a handshake with sot=true"));
        handshaken_ = true;
        return send(Proto::handshake_response());
      }
      if (is_handshake)
        return fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "numaflow: duplicate handshake on the stream"));
    }
    on_request(std::move(request));
  }

  void on_write_done(bool ok) {
    Reaction const reaction(this);
    advance([&] {
      write_pending_ = false;
      --ops_;
      if (!ok) cancelled_ = true;  // the client is gone
    });
  }

  void on_finish_done(bool) {
    Reaction const reaction(this);
    advance([&] { --ops_; });
  }

  // The call ended: after our finish, or cancelled (by the client, a broken connection, or the
  // server's shutdown deadline).
  void on_call_done(bool) {
    Reaction const reaction(this);
    bool const cancelled = this->io().context.IsCancelled();
    advance([&] {
      --ops_;
      if (cancelled) {
        cancelled_ = true;
        queue_.clear();
      }
    });
  }

  // gRPC is done with the call: its objects go now; the stream itself once no work holds it.
  void release_call() {
    this->release_io();
    handing_to_grpc(&all_calls_done_key);
    engine_->release();
    release();
  }

  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  Runtime& runtime_;
  std::size_t const high_water_;
  CqEngine* engine_ = nullptr;
  Request incoming_;  // owned by the outstanding read
  Response current_;  // owned by the outstanding write
  DeferredWrite deferred_write_{*this};
  CqOp<Stream, &Stream::on_read_done> read_op_{*this};
  CqOp<Stream, &Stream::on_write_done> write_op_{*this};
  CqOp<Stream, &Stream::on_finish_done> finish_op_{*this};
  CqOp<Stream, &Stream::on_call_done> done_op_{*this};

  mutable std::mutex mu_;
  std::deque<Response> queue_;
  std::optional<grpc::Status> error_;
  std::size_t in_flight_ = 0;
  std::size_t holds_ = 0;
  std::size_t ops_ = 0;  // gRPC operations outstanding, the call's end included
  std::size_t writes_planned_ = 0;
  bool read_pending_ = false;
  bool write_pending_ = false;
  bool reads_done_ = false;
  bool ending_notified_ = false;
  bool input_closed_ = false;
  bool cancelled_ = false;
  bool finish_called_ = false;
  bool call_released_ = false;
  bool handshaken_ = false;   // touched only by the reading side, one read at a time
  std::atomic<int> refs_{1};  // the call's reference, released once gRPC is done with it
};

}  // namespace numaflow::detail
