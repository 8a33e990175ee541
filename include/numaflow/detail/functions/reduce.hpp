#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/datum_stream.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/windowed_tag.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/detail/shapes/windowed_drivers.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/reduce/v1/reduce.pb.h"
#include "numaflow/window.hpp"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/reduce/v1/reduce.grpc.pb.h"
#endif

// reduce: how the tag declared in numaflow/functions/reduce.hpp is served.
namespace numaflow::detail {

inline IntervalWindow interval(KeyedWindow const& w) { return {w.start, w.end}; }

// reduce.v1 wire format, shared by Reduce and ReduceStream.
struct ReduceFraming : WindowOpFraming<reduce::v1::ReduceRequest, reduce::v1::ReduceResponse> {
  using Framing = ReduceFraming;
  static constexpr bool by_keys_only = false;
  static constexpr bool eof_per_task = false;  // one EOF after every task of the window

  // The windows carry no keys: the payload's keys are the task's.
  static WindowOp parse(Request& r) {
    Keys keys(r.payload().keys().begin(), r.payload().keys().end());
    std::vector<KeyedWindow> windows;
    for (auto const& w : r.operation().windows())
      windows.push_back({from_proto(w.start()), from_proto(w.end()), w.slot(), keys});
    return window_op(r, "reduce", std::move(windows));
  }

  // A reduce stream's callbacks are told the keys, the datum (on_datum) and the interval.
  static void tell(KeyedWindow const& w, auto&& callback, auto const&... datum) {
    callback(w.keys, datum..., interval(w));
  }
};

template <class H, class... Args>
decltype(auto) call_reducer(H& h, Args&&... args) {
  if constexpr (requires { h.H::handle(std::forward<Args>(args)...); })
    return h.H::handle(std::forward<Args>(args)...);
  else
    return h(std::forward<Args>(args)...);
}

// Reduce with a handler of the whole window (Sync): buffer the window's datums per keys; call the
// handler when the window closes.
template <class H>
struct BufferedReduceDriver : ReduceFraming, SyncWindowedExecution<H> {
  using SyncWindowedExecution<H>::SyncWindowedExecution;
  template <class TaskPtr>
  void feed(TaskPtr const& task, Datum&& d) {
    this->feed_with(task, std::move(d),
                    [](auto& in, KeyedWindow const&, Datum&& datum) { in.buffered.push_back(std::move(datum)); });
  }
  template <class TaskPtr>
  void close(TaskPtr const& task, Finished finished) {
    this->close_with(task, std::move(finished), [](auto& in, KeyedWindow const& w) {
      for (auto& m : call_reducer(in.handler, w.keys, std::as_const(in.buffered), interval(w)))
        in.hooks.out.emit(std::move(m));
      in.buffered.clear();
    });
  }
};

// Reduce and ReduceStream (`Tag`) with a coroutine reading a DatumStream (Async): one per keys
// reads the datums as they arrive. A reduce returns its messages, sent at close; a reduce stream
// emits them as it goes.
template <class H, class Tag>
struct StreamedReduceDriver : ReduceFraming, AsyncWindowedExecution<H> {
  using AsyncWindowedExecution<H>::AsyncWindowedExecution;
  template <class TaskPtr>
  void create(TaskPtr const& task, TaskHooks hooks) {
    this->create_with(task, std::move(hooks), [](auto& in, KeyedWindow w) -> Task<void> {
      if constexpr (std::is_same_v<Tag, ReduceStream>) {
        co_await call_reducer(in.handler, w.keys, *in.input, interval(w), in.hooks.out);
      } else {
        auto messages = co_await call_reducer(in.handler, w.keys, *in.input, interval(w));
        for (auto& m : messages) in.hooks.out.emit(std::move(m));
      }
    });
  }
};

// ReduceStream with a callback object (Sync): its callbacks run serially per keys on the worker pool.
template <class H>
using CallbackReduceStreamDriver = CallbackDriver<H, ReduceFraming>;

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class ReduceService;

using ReduceWork = StreamWork<reduce::v1::ReduceRequest, reduce::v1::ReduceResponse>;

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class ReduceService
    : public ServiceCore<grpc_service_t<reduce::v1::Reduce, reduce::v1::Reduce::WithAsyncMethod_ReduceFn>,
                         reduce::v1::ReadyResponse, W> {
 public:
  using ReduceService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override { this->accept_by_work(engine, &ReduceService::RequestReduceFn); }
};
#endif

template <class H>
concept reduce_handler = std::derived_from<H, Reducer> ||
    std::is_invocable_r_v<Messages, H&, Keys const&, Datums const&, IntervalWindow const&>;
template <class H>
concept async_reduce_handler = std::derived_from<H, AsyncReducer> ||
    std::is_invocable_r_v<Task<Messages>, H&, Keys const&, DatumStream&, IntervalWindow const&>;
template <class H>
concept async_reduce_stream_handler = std::derived_from<H, AsyncReduceStreamer> ||
    std::is_invocable_r_v<Task<void>, H&, Keys const&, DatumStream&, IntervalWindow const&, MessageEmitter&>;

// The driver follows the handler's form, which the policy's contract has already checked.
template <>
struct Functionality<Reduce> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/reduce.sock", "/var/run/numaflow/reducer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = served_by_driver_t<
      std::conditional_t<reduce_handler<H>, BufferedReduceDriver<H>, StreamedReduceDriver<H, Reduce>>, WindowedStream,
      ReduceService>;
};

template <>
struct Functionality<ReduceStream> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/reducestream.sock", "/var/run/numaflow/reducestreamer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service =
      served_by_driver_t<std::conditional_t<std::derived_from<H, ReduceStreamer>, CallbackReduceStreamDriver<H>,
                                            StreamedReduceDriver<H, ReduceStream>>,
                         WindowedStream, ReduceService>;
};

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(ReduceService<ReduceWork>, ReduceWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(Reduce, Sync,
                                 "be copyable (one copy per keys and window) and callable as Messages(Keys const&, "
                                 "Datums const&, IntervalWindow const&), or be a class derived from numaflow::Reducer",
                                 reduce_handler<H>&& std::is_copy_constructible_v<H>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(Reduce, Async,
                                 "be a coroutine callable as Task<Messages>(Keys const&, DatumStream&, IntervalWindow "
                                 "const&), or be a class derived from numaflow::AsyncReducer",
                                 async_reduce_handler<H>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(ReduceStream, Sync,
                                 "be a copyable object of a class derived from numaflow::ReduceStreamer (on_datum and "
                                 "on_close; one copy per keys and window)",
                                 std::derived_from<H, ReduceStreamer>&& std::is_copy_constructible_v<H>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(ReduceStream, Async,
                                 "be a coroutine callable as Task<void>(Keys const&, DatumStream&, IntervalWindow "
                                 "const&, MessageEmitter&), or be a class derived from numaflow::AsyncReduceStreamer",
                                 async_reduce_stream_handler<H>);

}  // namespace numaflow::detail
