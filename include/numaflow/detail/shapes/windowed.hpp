#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"

namespace numaflow::detail {

// What one request of a windowed RPC asks for, once the tag's wire format is decoded.
struct WindowOp {
  enum class Kind { open, append, close, expand, merge };
  Kind kind = Kind::append;
  std::vector<KeyedWindow> windows;
  std::optional<Datum> datum;
};

// A request the protocol does not allow (wrong number of windows, unknown window in a merge…).
class BadWindowRequest : public std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Writes a window into any of the protocol's window messages (Window has no keys, KeyedWindow has).
template <class ProtoWindow>
void fill_window(ProtoWindow* out, KeyedWindow const& w) {
  to_proto(w.start, out->mutable_start());
  to_proto(w.end, out->mutable_end());
  out->set_slot(w.slot);
  if constexpr (requires { out->add_keys(std::string{}); })
    for (auto const& k : w.keys) out->add_keys(k);
}

// Tasks are identified by (start, end, keys) — a tuple, never a joined string, so keys containing
// the separator cannot collide. `by_keys_only` tags (accumulator) ignore the bounds.
using TaskKey = std::tuple<std::int64_t, std::int32_t, std::int64_t, std::int32_t, Keys>;

inline TaskKey task_key(KeyedWindow const& w, bool by_keys_only) {
  if (by_keys_only) return {0, 0, 0, 0, w.keys};
  return {w.start.seconds, w.start.nanos, w.end.seconds, w.end.nanos, w.keys};
}

using Strand = boost::asio::strand<boost::asio::thread_pool::executor_type>;

// Posts every job to the strand and empties `jobs`. Not a template, so that only the numaflow
// library compiles Asio's strand dispatch for it (see detail/separate_compilation.hpp).
void post_all(Strand const& strand, std::vector<std::function<void()>>& jobs);

// One keyed window being reduced. Its work runs serially on its strand; `Instance` is the tag's
// per-task handler state (a fresh copy of the user's handler, buffered datums, an async input…).
template <class Instance>
struct WindowTask {
  WindowTask(Strand s, KeyedWindow w) : strand(std::move(s)), window(std::move(w)) {}

  Strand strand;
  std::optional<Instance> instance;

  // The window responses carry; EXPAND changes it while results may be emitted.
  KeyedWindow current_window() const {
    std::lock_guard lock(mu);
    return window;
  }
  void rewindow(KeyedWindow w) {
    std::lock_guard lock(mu);
    window = std::move(w);
  }

  // Runs `job` on the strand, or parks it while a merge is filling this task's state.
  template <class Job>
  void post(Job&& job) {
    std::lock_guard lock(mu);
    if (gated)
      parked.emplace_back(std::forward<Job>(job));
    else
      boost::asio::post(strand, std::forward<Job>(job));
  }
  void ungate() {
    std::lock_guard lock(mu);
    gated = false;
    post_all(strand, parked);
  }

  mutable std::mutex mu;
  KeyedWindow window;
  bool gated = false;
  std::vector<std::function<void()>> parked;
  bool merged = false;  // strand only: a merged task never emits again
};

// What the windowed shape hands a driver when it creates a task. `Out` is the emitter of the tag's
// output type (MessageEmitter for the reduces, AccumulatorEmitter for the accumulator).
template <class Out>
struct BasicTaskHooks {
  using Emitter = Out;
  Out out;                                       // sends a result with the task's current window
  std::function<void()> consumed;                // a fed datum has been taken by the handler
  std::function<void(std::exception_ptr)> fail;  // the handler threw: the error contract
};
using TaskHooks = BasicTaskHooks<MessageEmitter>;

using Finished = std::function<void(std::exception_ptr)>;

// Shape 4: requests are routed by window and keys to per-task handler instances created on first
// sight; CLOSE and the client's half-close flush them; EOF responses follow each task's results.
// `Driver` is the small per-tag, per-policy part:
//   using Framing; using Instance; using Hooks; static constexpr bool by_keys_only, eof_per_task;
//   WindowOp parse(Request&);   Strand make_strand();
//   void create(TaskPtr const&, Hooks) (emplaces task->instance);   void feed(TaskPtr const&, Datum&&);
//   void close(TaskPtr const&, Finished);
//   Response result(KeyedWindow const&, Output&&, Task&);   Response eof(KeyedWindow const&);
//   session only: void retire(TaskPtr const&, std::function<void(std::exception_ptr, std::string)>);
//                 void merge(Task&, std::string const& accumulator);   (runs on the task's strand)
//   optional: void end(TaskPtr const&, Finished) and KeyedWindow stream_end_eof(Task&): what a task
//             is told, and the EOF it gets, when the stream ends while it is open (no CLOSE); by
//             default it is closed as by a CLOSE of its current window.
// Drivers keep the TaskPtr in the jobs they post, so a task lives until its last job ran.
template <class Driver>
class WindowedStream final : public Stream<typename Driver::Framing> {
  using Proto = typename Driver::Framing;
  using Request = typename Proto::Request;
  using Response = typename Proto::Response;
  using Task = WindowTask<typename Driver::Instance>;
  using TaskPtr = std::shared_ptr<Task>;
  using Hooks = typename Driver::Hooks;
  using Emitter = typename Hooks::Emitter;

 public:
  WindowedStream(Runtime& runtime, Driver& driver) : Stream<Proto>(runtime), driver_(driver) {}

 private:
  void on_request(Request&& request) override {
    std::lock_guard lock(tasks_mu_);
    try {
      apply(driver_.parse(request));
    } catch (BadWindowRequest const& e) {
      this->fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string{"numaflow: "} + e.what()));
    }
  }

  void apply(WindowOp&& op) {
    using Kind = WindowOp::Kind;
    switch (op.kind) {
      case Kind::open:
      case Kind::append: {
        if (op.windows.size() != 1) throw BadWindowRequest("OPEN/APPEND must name exactly one window");
        if (!op.datum) throw BadWindowRequest("OPEN/APPEND without a payload");
        if (!stream_window_) stream_window_ = op.windows[0];
        auto task = find_or_create(op.windows[0]);
        if constexpr (Driver::by_keys_only) task->rewindow(op.windows[0]);
        return feed(task, std::move(*op.datum));
      }
      case Kind::expand: {
        if (op.windows.size() != 2) throw BadWindowRequest("EXPAND must name exactly two windows [old, new]");
        // Onto another open window it would replace that task in the table, which then never
        // closes (its handler waits forever, the stream never ends): the platform never asks that.
        auto const onto = tasks_.find(task_key(op.windows[1], Driver::by_keys_only));
        if (onto != tasks_.end() && onto != tasks_.find(task_key(op.windows[0], Driver::by_keys_only)))
          throw BadWindowRequest("EXPAND onto a window that is already open");
        auto task = take(op.windows[0]);
        if (!task) throw BadWindowRequest("EXPAND of a window that is not open");
        task->rewindow(op.windows[1]);
        tasks_[task_key(op.windows[1], Driver::by_keys_only)] = task;
        if (op.datum) feed(task, std::move(*op.datum));
        return;
      }
      case Kind::merge: return merge(op.windows);
      case Kind::close:
        if (op.windows.empty()) throw BadWindowRequest("CLOSE must name a window");
        for (auto const& w : op.windows)
          if (auto task = take(w)) close(task, w);
        return;
    }
  }

  void on_input_closed() override {
    // The platform half-closes when an aligned window ends, or at shutdown: flush every task.
    close_all();
    {
      std::lock_guard lock(mu_);
      input_closed_ = true;
    }
    maybe_send_final_eof();
  }

  // An error or a cancellation ends the stream: close every task so that no handler waits for
  // input forever (their output is dropped with the stream).
  void on_ending() override { close_all(); }

  void close_all() {
    std::map<TaskKey, TaskPtr> remaining;
    {
      std::lock_guard lock(tasks_mu_);
      remaining.swap(tasks_);
    }
    for (auto& entry : remaining) {
      TaskPtr const& task = entry.second;
      // clang-format off
      if constexpr (requires(Task& t) { driver_.end(task, Finished{}); driver_.stream_end_eof(t); })
        // clang-format on
        // The EOF's window is read after the task's last result, on its strand.
        driver_.end(task, [this, task](std::exception_ptr error) { finished(error, driver_.stream_end_eof(*task)); });
      else
        close(task, task->current_window());
    }
  }

  TaskPtr take(KeyedWindow const& w) {
    auto it = tasks_.find(task_key(w, Driver::by_keys_only));
    if (it == tasks_.end()) return nullptr;
    auto task = std::move(it->second);
    tasks_.erase(it);
    return task;
  }

  TaskPtr find_or_create(KeyedWindow const& w) {
    auto& slot = tasks_[task_key(w, Driver::by_keys_only)];
    if (!slot) slot = create(w);
    return slot;
  }

  TaskPtr create(KeyedWindow const& w) {
    auto task = std::make_shared<Task>(driver_.make_strand(), w);
    {
      std::lock_guard lock(mu_);
      ++open_tasks_;
    }
    this->begin_hold();  // the task itself, until it has finished
    Hooks hooks{emitter(task), [this] { this->end_work(); },
                [this](std::exception_ptr e) { this->fail_with_udf_error(e); }};
    driver_.create(task, std::move(hooks));  // emplaces task->instance (and may start a coroutine)
    return task;
  }

  // A result carries the task's window at the moment it is emitted; nothing once merged away.
  Emitter emitter(TaskPtr const& task) {
    return Emitter{[this, weak = std::weak_ptr<Task>(task)](auto&& m) {
      auto t = weak.lock();
      if (!t || t->merged) return;
      this->send(driver_.result(t->current_window(), std::move(m), *t));
    }};
  }

  // A fed datum is work in flight until the handler has taken it: this is what bounds memory when
  // the client sends faster than the handlers reduce (reads pause at the stream's high-water mark).
  void feed(TaskPtr const& task, Datum&& d) {
    this->begin_work();
    driver_.feed(task, std::move(d));
  }

  void close(TaskPtr const& task, KeyedWindow const& eof_window) {
    driver_.close(task, [this, eof_window](std::exception_ptr error) { finished(error, eof_window); });
  }

  void finished(std::exception_ptr const& error, std::optional<KeyedWindow> eof_window) {
    if (error)
      this->fail_with_udf_error(error);
    else if (Driver::eof_per_task && eof_window)
      this->send(driver_.eof(*eof_window));
    {
      std::lock_guard lock(mu_);
      --open_tasks_;
    }
    maybe_send_final_eof();
    this->end_hold();
  }

  void maybe_send_final_eof() {
    if constexpr (!Driver::eof_per_task) {
      bool send_it = false;
      {
        std::lock_guard lock(mu_);
        send_it = input_closed_ && open_tasks_ == 0 && !final_eof_sent_ && stream_window_.has_value();
        if (send_it) final_eof_sent_ = true;
      }
      if (send_it) this->send(driver_.eof(*stream_window_));
    }
  }

  // Session MERGE: the listed tasks stop (no results, no EOF), hand over their accumulators once
  // every datum they were fed is processed, and a task for the joined window merges them before it
  // takes any later datum.
  void merge(std::vector<KeyedWindow> const& windows) {
    // clang-format off
    if constexpr (requires(Task& t, std::string const& a) { driver_.merge(t, a); }) {
      // clang-format on
      if (windows.size() < 2) throw BadWindowRequest("MERGE must name at least two windows");
      std::vector<TaskPtr> sources;
      KeyedWindow joined = windows[0];
      for (auto const& w : windows) {
        if (w.keys != joined.keys) throw BadWindowRequest("MERGE of windows with different keys");
        joined.start = std::min(joined.start, w.start);
        joined.end = std::max(joined.end, w.end);
      }
      // Checked before any task is taken out of the table: a task taken and then dropped by the
      // error would never be closed, and its stream never freed.
      std::set<TaskKey> named;
      for (auto const& w : windows) {
        auto key = task_key(w, Driver::by_keys_only);
        if (!tasks_.contains(key)) throw BadWindowRequest("MERGE of a window that is not open");
        if (!named.insert(std::move(key)).second) throw BadWindowRequest("MERGE names a window twice");
      }
      for (auto const& w : windows) sources.push_back(take(w));
      auto target = find_or_create(joined);
      {
        std::lock_guard lock(target->mu);
        target->gated = true;
      }
      struct Collected {
        std::mutex mu;
        std::vector<std::string> accumulators;
        std::size_t remaining = 0;
      };
      auto collected = std::make_shared<Collected>();
      collected->accumulators.resize(sources.size());
      collected->remaining = sources.size();
      this->begin_work();  // the merge itself
      for (std::size_t i = 0; i < sources.size(); ++i) {
        // NOLINTNEXTLINE(performance-unnecessary-value-param): the accumulator is moved into `collected`
        driver_.retire(sources[i], [this, target, collected, i](std::exception_ptr error, std::string accumulator) {
          bool last = false;
          {
            std::lock_guard lock(collected->mu);
            collected->accumulators[i] = std::move(accumulator);
            last = --collected->remaining == 0;
          }
          finished(error, std::nullopt);
          if (last)
            boost::asio::post(target->strand, [this, target, collected] {
              try {
                for (auto const& accumulator : collected->accumulators) driver_.merge(*target, accumulator);
              } catch (...) {
                this->fail_with_udf_error(std::current_exception());
              }
              target->ungate();
              this->end_work();
            });
        });
      }
    } else {
      (void)windows;
      throw BadWindowRequest("MERGE is only valid on session windows");
    }
  }

  Driver& driver_;
  std::recursive_mutex tasks_mu_;  // the reading side, and on_ending (which can run inside it)
  std::map<TaskKey, TaskPtr> tasks_;
  std::optional<KeyedWindow> stream_window_;
  std::mutex mu_;
  std::size_t open_tasks_ = 0;
  bool input_closed_ = false;
  bool final_eof_sent_ = false;
};

// What the windowed framings (reduce, session reduce, accumulator) share: no handshake, a datum
// under `payload` on every operation but CLOSE and MERGE, an EOF that only carries its window.
template <class Request_, class Response_>
struct WindowedFraming {
  using Request = Request_;
  using Response = Response_;
  static constexpr bool handshake = false;

  static std::optional<Datum> payload_datum(Request& r, WindowOp::Kind kind) {
    if (!r.has_payload() || kind == WindowOp::Kind::close || kind == WindowOp::Kind::merge) return std::nullopt;
    Datum d;
    fill_datum(d, *r.mutable_payload());
    if constexpr (requires { r.payload().id(); }) d.id = r.payload().id();
    return d;
  }

  // The response's window field: `keyedWindow` in session reduce, `window` elsewhere.
  static auto* window_of(Response& r) {
    if constexpr (requires { r.mutable_keyedwindow(); })
      return r.mutable_keyedwindow();
    else
      return r.mutable_window();
  }

  static Response eof(KeyedWindow const& w) {
    Response r;
    fill_window(window_of(r), w);
    r.set_eof(true);
    return r;
  }

  // A reduce-family result: the message in `result`, the window it belongs to beside it.
  static Response message_result(KeyedWindow const& w, Message&& m) {
    Response r;
    fill_result<UserMetadata::not_sent>(r.mutable_result(), std::move(m));
    fill_window(window_of(r), w);
    return r;
  }
};

// The windowed shape seen as a shape of `Framing`: its driver is its framing too.
template <class Framing, class Driver>
using windowed_shape_t = WindowedStream<Driver>;

}  // namespace numaflow::detail

#if NUMAFLOW_DETAIL_DEFINITIONS
#include "numaflow/detail/shapes/windowed_impl.hpp"
#endif
