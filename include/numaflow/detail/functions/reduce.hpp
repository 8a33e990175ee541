#pragma once

#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/datum_stream.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/detail/shapes/windowed_drivers.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/reduce/v1/reduce.grpc.pb.h"
#include "numaflow/window.hpp"

// reduce: how the tag declared in numaflow/functions/reduce.hpp is served.
namespace numaflow::detail {

inline IntervalWindow interval(KeyedWindow const& w) { return {w.start, w.end}; }

// reduce.v1 wire format, shared by Reduce and ReduceStream.
struct ReduceWire {
  struct Proto {
    using Request = reduce::v1::ReduceRequest;
    using Response = reduce::v1::ReduceResponse;
    static constexpr bool handshake = false;
  };
  static constexpr bool by_keys_only = false;
  static constexpr bool eof_per_task = false;  // one EOF after every task of the window

  static WindowOp parse(Proto::Request& r) {
    WindowOp op;
    using Event = reduce::v1::ReduceRequest::WindowOperation;
    switch (r.operation().event()) {
      case Event::OPEN: op.kind = WindowOp::Kind::open; break;
      case Event::APPEND: op.kind = WindowOp::Kind::append; break;
      case Event::CLOSE: op.kind = WindowOp::Kind::close; break;
      default: throw BadWindowRequest("unknown reduce window operation " + std::to_string(r.operation().event()));
    }
    Keys keys(r.payload().keys().begin(), r.payload().keys().end());
    for (auto const& w : r.operation().windows())
      op.windows.push_back({from_proto(w.start()), from_proto(w.end()), w.slot(), keys});
    if (r.has_payload() && op.kind != WindowOp::Kind::close) {
      Datum d;
      fill_datum(d, *r.mutable_payload());
      op.datum = std::move(d);
    }
    return op;
  }

  template <class Task>
  static Proto::Response result(KeyedWindow const& w, Message&& m, Task&) {
    Proto::Response r;
    fill_result<UserMetadata::not_sent>(r.mutable_result(), std::move(m));
    fill_window(r.mutable_window(), w);
    return r;
  }

  static Proto::Response eof(KeyedWindow const& w) {
    Proto::Response r;
    fill_window(r.mutable_window(), w);
    r.set_eof(true);
    return r;
  }
};

template <class H>
decltype(auto) call_reducer(H& h, Keys const& keys, auto& datums, IntervalWindow const& window) {
  if constexpr (requires { h.H::handle(keys, datums, window); })
    return h.H::handle(keys, datums, window);
  else
    return h(keys, datums, window);
}

// Reduce, Sync: buffer the window's datums per keys; call the handler when the window closes.
template <class H>
struct SyncReduceDriver : ReduceWire, SyncWindowedExecution<H> {
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

// Reduce, Async: a coroutine per keys reads the datums as they arrive; its messages go out at close.
template <class H>
struct AsyncReduceDriver : ReduceWire, AsyncWindowedExecution<H> {
  using AsyncWindowedExecution<H>::AsyncWindowedExecution;
  template <class TaskPtr>
  void create(TaskPtr const& task, TaskHooks hooks) {
    this->create_with(task, std::move(hooks), [](auto& in, KeyedWindow w) -> Task<void> {
      auto messages = co_await call_reducer(in.handler, w.keys, *in.input, interval(w));
      for (auto& m : messages) in.hooks.out.emit(std::move(m));
    });
  }
};

// ReduceStream, Sync: the object's callbacks run serially per keys on the worker pool.
template <class H>
struct SyncReduceStreamDriver : ReduceWire, SyncWindowedExecution<H> {
  using SyncWindowedExecution<H>::SyncWindowedExecution;
  template <class TaskPtr>
  void feed(TaskPtr const& task, Datum&& d) {
    this->feed_with(task, std::move(d), [](auto& in, KeyedWindow const& w, Datum&& datum) {
      in.handler.H::on_datum(w.keys, datum, interval(w), in.hooks.out);
    });
  }
  template <class TaskPtr>
  void close(TaskPtr const& task, Finished finished) {
    this->close_with(task, std::move(finished),
                     [](auto& in, KeyedWindow const& w) { in.handler.H::on_close(w.keys, interval(w), in.hooks.out); });
  }
};

template <class H>
struct AsyncReduceStreamDriver : ReduceWire, AsyncWindowedExecution<H> {
  using AsyncWindowedExecution<H>::AsyncWindowedExecution;
  template <class TaskPtr>
  void create(TaskPtr const& task, TaskHooks hooks) {
    this->create_with(task, std::move(hooks), [](auto& in, KeyedWindow w) -> Task<void> {
      if constexpr (requires { in.handler.H::handle(w.keys, *in.input, interval(w), in.hooks.out); })
        co_await in.handler.H::handle(w.keys, *in.input, interval(w), in.hooks.out);
      else
        co_await in.handler(w.keys, *in.input, interval(w), in.hooks.out);
    });
  }
};

// StreamServiceCore's Shape<Proto, Runner> for a windowed driver.
template <class Proto, class Driver>
using windowed_shape_t = WindowedStream<Driver>;

template <class Driver>
class ReduceService final : public reduce::v1::Reduce::CallbackService,
                            public StreamServiceCore<ReduceWire::Proto, Driver, windowed_shape_t> {
 public:
  ReduceService(typename Driver::process_type handler, Runtime& runtime)
      : ReduceService::StreamServiceCore(std::move(handler), runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  grpc::ServerBidiReactor<reduce::v1::ReduceRequest, reduce::v1::ReduceResponse>* ReduceFn(
      grpc::CallbackServerContext*) override {
    return this->open();
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    reduce::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }
};

template <class H>
concept reduce_handler = std::derived_from<H, Reducer> ||
    std::is_invocable_r_v<Messages, H&, Keys const&, Datums const&, IntervalWindow const&>;
template <class H>
concept async_reduce_handler = std::derived_from<H, AsyncReducer> ||
    std::is_invocable_r_v<Task<Messages>, H&, Keys const&, DatumStream&, IntervalWindow const&>;
template <class H>
concept async_reduce_stream_handler = std::derived_from<H, AsyncReduceStreamer> ||
    std::is_invocable_r_v<Task<void>, H&, Keys const&, DatumStream&, IntervalWindow const&, MessageEmitter&>;

template <>
struct Functionality<Reduce> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/reduce.sock", "/var/run/numaflow/reducer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts = std::is_same_v<Policy, Async>  ? async_reduce_handler<H>
                                  : std::is_same_v<Policy, Sync> ? (reduce_handler<H>&& std::is_copy_constructible_v<H>)
                                                                 : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(reduce_handler<H> && std::is_copy_constructible_v<H>,
                    "numaflow::Server<Reduce, Sync>: the handler must be copyable (one copy per keys and window) and "
                    "callable as Messages(Keys const&, Datums const&, IntervalWindow const&), or be a class derived "
                    "from numaflow::Reducer");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(async_reduce_handler<H>,
                    "numaflow::Server<Reduce, Async>: the handler must be a coroutine callable as "
                    "Task<Messages>(Keys const&, DatumStream&, IntervalWindow const&), or be a class derived from "
                    "numaflow::AsyncReducer");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<Reduce, Policy>: Reduce supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service =
      ReduceService<std::conditional_t<std::is_same_v<Policy, Async>, AsyncReduceDriver<H>, SyncReduceDriver<H>>>;
};

template <>
struct Functionality<ReduceStream> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/reducestream.sock", "/var/run/numaflow/reducestreamer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts = std::is_same_v<Policy, Async> ? async_reduce_stream_handler<H>
                                  : std::is_same_v<Policy, Sync>
                                      ? (std::derived_from<H, ReduceStreamer>&& std::is_copy_constructible_v<H>)
                                      : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(
          std::derived_from<H, ReduceStreamer> && std::is_copy_constructible_v<H>,
          "numaflow::Server<ReduceStream, Sync>: the handler must be a copyable object of a class derived from "
          "numaflow::ReduceStreamer (on_datum and on_close; one copy per keys and window)");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(async_reduce_stream_handler<H>,
                    "numaflow::Server<ReduceStream, Async>: the handler must be a coroutine callable as "
                    "Task<void>(Keys const&, DatumStream&, IntervalWindow const&, MessageEmitter&), or be a class "
                    "derived from numaflow::AsyncReduceStreamer");
    else
      static_assert(
          always_false<Policy>,
          "numaflow::Server<ReduceStream, Policy>: ReduceStream supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = ReduceService<
      std::conditional_t<std::is_same_v<Policy, Async>, AsyncReduceStreamDriver<H>, SyncReduceStreamDriver<H>>>;
};

}  // namespace numaflow::detail
