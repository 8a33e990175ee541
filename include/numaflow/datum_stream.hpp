#pragma once

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>
#include <optional>

#include "numaflow/datum.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

namespace detail {
template <class H>
class AsyncWindowedExecution;
}

// The datums of one keyed window, as they arrive, for coroutine handlers:
//   while (auto datum = co_await input.next()) { … }
// next() returns std::nullopt once the window is closed and every datum was consumed. All of it
// runs on the task's strand, so a handler needs no locking of its own.
class DatumStream {
 public:
  using Executor = boost::asio::strand<boost::asio::thread_pool::executor_type>;

  DatumStream(Executor executor, std::function<void()> on_consumed);
  DatumStream(DatumStream const&) = delete;
  DatumStream& operator=(DatumStream const&) = delete;
  ~DatumStream();

  Task<std::optional<Datum>> next();

  // Safe from any thread, and after the stream is gone: a handler that threw ends its task, which
  // destroys the stream while a push or close may still be queued on the strand, so the queued
  // work holds the state it touches.
  void push(Datum d);
  void close();

 private:
  template <class H>
  friend class detail::AsyncWindowedExecution;

  // The handler has returned (or thrown) and will read no more: every datum it left, or that is
  // still on its way, counts as consumed, since the server counts each one as work in flight
  // until it is (a stream with work in flight is never finished nor freed).
  void abandon();

  // Defined with the members (detail/runtime/datum_stream_impl.hpp): its timer and the strand
  // posts are the heaviest Asio templates a UDF would otherwise compile.
  struct State;

  Executor executor_;
  std::shared_ptr<State> state_;
};

}  // namespace numaflow

#if NUMAFLOW_DETAIL_DEFINITIONS
#include "numaflow/detail/runtime/datum_stream_impl.hpp"
#endif
