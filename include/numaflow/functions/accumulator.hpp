#pragma once

#include <algorithm>
#include <type_traits>
#include <utility>

#include "numaflow/accumulator/v1/accumulator.grpc.pb.h"
#include "numaflow/datum.hpp"
#include "numaflow/detail/convert.hpp"
#include "numaflow/detail/functionality.hpp"
#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/detail/stream_service.hpp"
#include "numaflow/detail/windowed_drivers.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"

namespace numaflow {

// Functionality tag: accumulator (`accumulator.v1.Accumulator` on accumulator.sock). One stream
// carries every key; each keys gets its own copy of the handler, which sees its datums in order
// and emits when it likes (typically as the watermark passes buffered event times).
struct Accumulator {
  static constexpr char const* name = "Accumulator";
};

// One object per keys. Build outputs with Message::from_datum so they keep id, event time,
// watermark and headers.
class AccumulatorHandler {
 public:
  virtual ~AccumulatorHandler() = default;
  virtual void on_datum(Datum const& datum, MessageEmitter& out) = 0;
  // The platform closed these keys (or the stream ends): emit whatever is still buffered.
  virtual void on_close(MessageEmitter& out) = 0;
};

namespace detail {

struct AccumulatorWire {
  struct Proto {
    using Request = accumulator::v1::AccumulatorRequest;
    using Response = accumulator::v1::AccumulatorResponse;
    static constexpr bool handshake = false;
  };
  static constexpr bool by_keys_only = true;
  static constexpr bool eof_per_task = true;

  static WindowOp parse(Proto::Request& r) {
    WindowOp op;
    using Event = accumulator::v1::AccumulatorRequest::WindowOperation;
    switch (r.operation().event()) {
      case Event::OPEN: op.kind = WindowOp::Kind::open; break;
      case Event::APPEND: op.kind = WindowOp::Kind::append; break;
      case Event::CLOSE: op.kind = WindowOp::Kind::close; break;
      default: throw BadWindowRequest("unknown accumulator window operation " + std::to_string(r.operation().event()));
    }
    auto const& w = r.operation().keyedwindow();
    // Window ends far beyond year 9999 (the platform's maximum instant) are kept as they are.
    op.windows.push_back(
        {from_proto(w.start()), from_proto(w.end()), w.slot(), Keys(w.keys().begin(), w.keys().end())});
    if (r.has_payload() && op.kind != WindowOp::Kind::close) {
      Datum d;
      fill_datum(d, *r.mutable_payload());
      d.id = r.payload().id();
      op.datum = std::move(d);
    }
    return op;
  }

  // The response window's end is the task's output watermark: the latest watermark among what it
  // emitted, never going back (PROTOCOL.md §12.3).
  template <class Task>
  static Proto::Response result(KeyedWindow const& current, Message&& m, Task& task) {
    Timestamp end;
    {
      std::lock_guard lock(task.mu);
      if (m.watermark && (!task.output_watermark || *task.output_watermark < *m.watermark))
        task.output_watermark = m.watermark;
      end = task.output_watermark.value_or(Timestamp{});
    }
    Proto::Response r;
    auto* p = r.mutable_payload();
    for (auto& k : m.keys) p->add_keys(std::move(k));
    p->set_value(std::move(m.value));
    to_proto(m.event_time.value_or(m.watermark.value_or(end)), p->mutable_event_time());
    if (m.watermark) to_proto(*m.watermark, p->mutable_watermark());
    p->set_id(std::move(m.id));
    for (auto& [k, v] : m.headers) (*p->mutable_headers())[k] = std::move(v);
    for (auto& t : m.tags) r.add_tags(std::move(t));
    fill_window(r.mutable_window(), KeyedWindow{Timestamp{}, end, "slot-0", current.keys});
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
struct SyncAccumulatorDriver : AccumulatorWire, SyncWindowedExecution<H> {
  using SyncWindowedExecution<H>::SyncWindowedExecution;

  template <class TaskPtr>
  void feed(TaskPtr const& task, Datum&& d) {
    this->feed_with(task, std::move(d),
                    [](auto& in, KeyedWindow const&, Datum&& datum) { in.handler.H::on_datum(datum, in.hooks.out); });
  }
  template <class TaskPtr>
  void close(TaskPtr const& task, Finished finished) {
    this->close_with(task, std::move(finished),
                     [](auto& in, KeyedWindow const&) { in.handler.H::on_close(in.hooks.out); });
  }
};

template <class Driver>
class AccumulatorService final : public accumulator::v1::Accumulator::CallbackService,
                                 public StreamServiceCore<AccumulatorWire::Proto, Driver, windowed_shape_t> {
 public:
  AccumulatorService(typename Driver::process_type handler, Runtime& runtime)
      : AccumulatorService::StreamServiceCore(std::move(handler), runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  grpc::ServerBidiReactor<AccumulatorWire::Proto::Request, AccumulatorWire::Proto::Response>* AccumulateFn(
      grpc::CallbackServerContext*) override {
    return this->open();
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    accumulator::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }
};

template <>
struct Functionality<Accumulator> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/accumulator.sock", "/var/run/numaflow/accumulator-server-info", "1.5.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts = (std::is_same_v<Policy, Sync> && std::derived_from<H, AccumulatorHandler> &&
                                   std::is_copy_constructible_v<H>);

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(std::derived_from<H, AccumulatorHandler> && std::is_copy_constructible_v<H>,
                    "numaflow::Server<Accumulator, Sync>: the handler must be a copyable object of a class derived "
                    "from numaflow::AccumulatorHandler (on_datum and on_close; one copy per keys)");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<Accumulator, Policy>: Accumulator supports the policy numaflow::Sync");
  }

  template <class Policy, class H>
  using service = AccumulatorService<SyncAccumulatorDriver<H>>;
};

}  // namespace detail
}  // namespace numaflow
