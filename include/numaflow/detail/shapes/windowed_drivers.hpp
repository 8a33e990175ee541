#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include <exception>
#include <memory>
#include <mutex>
#include <utility>

#include "numaflow/datum_stream.hpp"
#include "numaflow/detail/policies/async.hpp"
#include "numaflow/detail/policies/sync.hpp"
#include "numaflow/detail/shapes/windowed.hpp"

// The execution halves of the windowed drivers, shared by the reduce-family tags: how a task's
// handler is run (Sync: its callbacks serialised on a strand of the worker pool; Async: one
// coroutine per task reading a DatumStream). The tag halves add wire parsing and responses.
namespace numaflow::detail {

// Runs `job` (which may throw) on the task's strand; a throw goes to `on_error`.
template <class TaskPtr, class Job, class OnError>
void run_on_task(TaskPtr const& task, Job&& job, OnError&& on_error) {
  task->post([task, job = std::forward<Job>(job), on_error = std::forward<OnError>(on_error)]() mutable {
    try {
      job(*task->instance);
    } catch (...) {
      on_error(std::current_exception());
    }
  });
}

// A tag's own per-task state, for a tag that has none.
struct NoTaskState {};

// Sync: a per-task copy of the user's handler whose incremental callbacks run on the task strand.
// `Logic` supplies: on_datum(Instance&, KeyedWindow const&, Datum&&) and on_close(Instance&, KeyedWindow const&).
// `State` is the tag's own per-task state (the accumulator's output watermark).
template <class H, class Hooks = TaskHooks, class State = NoTaskState>
struct SyncTaskState : State {
  SyncTaskState(H h, Hooks k) : handler(std::move(h)), hooks(std::move(k)) {}

  H handler;
  Hooks hooks;
  Datums buffered{};  // used by the collect-style handlers only
};

template <class H, class HooksT = TaskHooks, class State = NoTaskState>
class SyncWindowedExecution {
 public:
  using process_type = H;
  using Hooks = HooksT;
  using Instance = SyncTaskState<H, Hooks, State>;

  SyncWindowedExecution(H handler, Runtime& runtime) : runner_(std::move(handler), runtime) {}

  void start() { runner_.start(); }
  void stop() { runner_.stop(); }
  Strand make_strand() { return boost::asio::make_strand(runner_.executor()); }

  template <class TaskPtr>
  void create(TaskPtr const& task, Hooks hooks) {
    task->instance.emplace(runner_.process(), std::move(hooks));
  }

  // `on_datum(instance, window, datum)` for each datum, in order.
  template <class TaskPtr, class OnDatum>
  void feed_with(TaskPtr const& task, Datum&& d, OnDatum on_datum) {
    task->post([task, d = std::move(d), on_datum]() mutable {
      auto& instance = *task->instance;
      try {
        on_datum(instance, task->current_window(), std::move(d));
      } catch (...) {
        instance.hooks.fail(std::current_exception());
      }
      instance.hooks.consumed();
    });
  }

  // `on_close(instance, window)` after every datum fed before; then `finished`.
  template <class TaskPtr, class OnClose>
  void close_with(TaskPtr const& task, Finished finished, OnClose on_close) {
    task->post([task, finished = std::move(finished), on_close]() mutable {
      std::exception_ptr error;
      try {
        on_close(*task->instance, task->current_window());
      } catch (...) {
        error = std::current_exception();
      }
      finished(error);
    });
  }

 private:
  SyncRunner<H> runner_;
};

// Async: one coroutine per task, started when the task is created, reading its DatumStream; the
// task is finished when the coroutine returns (after its stream was closed).
template <class H>
struct AsyncTaskState {
  AsyncTaskState(H h, TaskHooks k) : handler(std::move(h)), hooks(std::move(k)) {}

  H handler;
  TaskHooks hooks;
  std::unique_ptr<DatumStream> input;
  std::mutex mu;
  bool done = false;
  std::exception_ptr error;
  Finished finished;

  void complete(std::exception_ptr const& e) {
    Finished f;
    {
      std::lock_guard lock(mu);
      done = true;
      error = e;
      f = std::move(finished);
    }
    if (f) f(e);
  }
  void when_done(Finished f) {
    {
      std::lock_guard lock(mu);
      if (!done) {
        finished = std::move(f);
        return;
      }
    }
    f(error);
  }
};

template <class H>
class AsyncWindowedExecution {
 public:
  using process_type = H;
  using Hooks = TaskHooks;
  using Instance = AsyncTaskState<H>;

  AsyncWindowedExecution(H handler, Runtime& runtime) : runner_(std::move(handler), runtime) {}

  void start() { runner_.start(); }
  void stop() { runner_.stop(); }
  Strand make_strand() { return boost::asio::make_strand(runner_.executor()); }

  // Creates the task's state and starts its coroutine `run(instance, window)` (a Task<void>).
  template <class TaskPtr, class Run>
  void create_with(TaskPtr const& task, TaskHooks hooks, Run run) {
    auto& instance = task->instance.emplace(runner_.process(), std::move(hooks));
    instance.input = std::make_unique<DatumStream>(task->strand, instance.hooks.consumed);
    boost::asio::co_spawn(task->strand, run(*task->instance, task->current_window()), [task](std::exception_ptr e) {
      task->instance->input->abandon();
      task->instance->complete(e);
    });
  }

  template <class TaskPtr>
  void feed(TaskPtr const& task, Datum&& d) {
    task->instance->input->push(std::move(d));
  }

  template <class TaskPtr>
  void close(TaskPtr const& task, Finished finished) {
    task->instance->input->close();
    task->instance->when_done(std::move(finished));
  }

 private:
  AsyncRunner<H> runner_;
};

}  // namespace numaflow::detail
