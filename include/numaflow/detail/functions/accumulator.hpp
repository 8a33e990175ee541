#pragma once

#include <algorithm>
#include <concepts>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/accumulator/v1/accumulator.pb.h"
#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/windowed_tag.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/detail/shapes/windowed_drivers.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/accumulator.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/accumulator/v1/accumulator.grpc.pb.h"
#endif

// accumulator: how the tag declared in numaflow/functions/accumulator.hpp is served.
namespace numaflow::detail {

struct AccumulatorFraming : WindowOpFraming<accumulator::v1::AccumulatorRequest, accumulator::v1::AccumulatorResponse> {
  using Framing = AccumulatorFraming;
  static constexpr bool by_keys_only = true;
  static constexpr bool eof_per_task = true;

  // Window ends far beyond year 9999 (the platform's maximum instant) are kept as they are.
  static WindowOp parse(Request& r) {
    return window_op(r, "accumulator", {keyed_window_of(r.operation().keyedwindow())});
  }

  // The response window's end is the task's output watermark: the latest watermark among what it
  // emitted, never going back, epoch before its first output. Under the task's lock: a handler may
  // emit from a thread of its own while it runs.
  struct OutputWatermark {
    std::optional<Timestamp> output_watermark;
  };

  template <class Task>
  static KeyedWindow output_window(Task& task, Keys keys) {
    std::lock_guard lock(task.mu);
    return {Timestamp{}, task.instance->output_watermark.value_or(Timestamp{}), "slot-0", std::move(keys)};
  }

  template <class Task>
  static Response result(KeyedWindow const& current, AccumulatorOutput&& m, Task& task) {
    {
      std::lock_guard lock(task.mu);
      auto& watermark = task.instance->output_watermark;
      if (!watermark || *watermark < m.watermark()) watermark = m.watermark();
    }
    Response r;
    auto* p = r.mutable_payload();
    for (auto& k : m.keys) p->add_keys(std::move(k));
    p->set_value(std::move(m.value));
    to_proto(m.event_time(), p->mutable_event_time());
    to_proto(m.watermark(), p->mutable_watermark());
    p->set_id(m.id());
    for (auto const& [k, v] : m.headers()) (*p->mutable_headers())[k] = v;
    for (auto& t : m.tags) r.add_tags(std::move(t));
    fill_window(r.mutable_window(), output_window(task, current.keys));
    return r;
  }

  // An accumulator's callbacks are told the datum (on_datum) alone: each object serves one keys.
  static void tell(KeyedWindow const&, auto&& callback, auto const&... datum) { callback(datum...); }

  // The stream ended without a CLOSE for these keys: the EOF carries their output window, so the
  // platform's WAL garbage collection stops at what was emitted. (The open window's own end is far
  // in the future: it would delete everything not yet emitted, and nothing would be replayed.)
  template <class Task>
  static KeyedWindow stream_end_eof(Task& task) {
    return output_window(task, task.current_window().keys);
  }
};

template <class H>
struct AccumulatorDriver
    : CallbackDriver<H, AccumulatorFraming, BasicTaskHooks<AccumulatorEmitter>, AccumulatorFraming::OutputWatermark> {
  using AccumulatorDriver::CallbackDriver::CallbackDriver;

  template <class TaskPtr>
  void end(TaskPtr const& task, Finished finished) {
    this->close_with(task, std::move(finished), [](auto& in, KeyedWindow const&) { in.handler.H::on_stream_end(); });
  }
};

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class AccumulatorService;

using AccumulatorWork = StreamWork<AccumulatorFraming::Request, AccumulatorFraming::Response>;

template <>
struct Functionality<Accumulator> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/accumulator.sock", "/var/run/numaflow/accumulator-server-info", "1.5.0-z", {}};
  }

  template <class Policy, class H>
  using service = served_by_driver_t<AccumulatorDriver<H>, WindowedStream, AccumulatorService>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class AccumulatorService
    : public ServiceCore<
          grpc_service_t<accumulator::v1::Accumulator, accumulator::v1::Accumulator::WithAsyncMethod_AccumulateFn>,
          accumulator::v1::ReadyResponse, W> {
 public:
  using AccumulatorService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override {
    this->accept_by_work(engine, &AccumulatorService::RequestAccumulateFn);
  }
};
#endif

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(AccumulatorService<AccumulatorWork>, AccumulatorWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(
    Accumulator, Sync,
    "be a copyable object of a class derived from numaflow::AccumulatorHandler (on_datum, on_close and "
    "optionally on_stream_end; one copy per keys)",
    std::derived_from<H, AccumulatorHandler>&& std::is_copy_constructible_v<H>);

}  // namespace numaflow::detail
