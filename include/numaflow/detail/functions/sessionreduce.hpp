#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/detail/shapes/windowed_drivers.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/functions/sessionreduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sessionreduce/v1/sessionreduce.pb.h"
#include "numaflow/window.hpp"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/sessionreduce/v1/sessionreduce.grpc.pb.h"
#endif

// sessionreduce: how the tag declared in numaflow/functions/sessionreduce.hpp is served.
namespace numaflow::detail {

struct SessionFraming
    : WindowedFraming<sessionreduce::v1::SessionReduceRequest, sessionreduce::v1::SessionReduceResponse> {
  using Framing = SessionFraming;
  static constexpr bool by_keys_only = false;
  static constexpr bool eof_per_task = true;

  static WindowOp parse(Request& r) {
    WindowOp op;
    using Event = sessionreduce::v1::SessionReduceRequest::WindowOperation;
    switch (r.operation().event()) {
      case Event::OPEN: op.kind = WindowOp::Kind::open; break;
      case Event::APPEND: op.kind = WindowOp::Kind::append; break;
      case Event::CLOSE: op.kind = WindowOp::Kind::close; break;
      case Event::EXPAND: op.kind = WindowOp::Kind::expand; break;
      case Event::MERGE: op.kind = WindowOp::Kind::merge; break;
      default: throw BadWindowRequest("unknown session window operation " + std::to_string(r.operation().event()));
    }
    for (auto const& w : r.operation().keyedwindows())
      op.windows.push_back(
          {from_proto(w.start()), from_proto(w.end()), w.slot(), Keys(w.keys().begin(), w.keys().end())});
    op.datum = payload_datum(r, op.kind);
    return op;
  }

  template <class Task>
  static Response result(KeyedWindow const& w, Message&& m, Task&) {
    return message_result(w, std::move(m));
  }
};

template <class H>
struct SessionDriver : SessionFraming, SyncWindowedExecution<H> {
  using SyncWindowedExecution<H>::SyncWindowedExecution;

  template <class TaskPtr>
  void feed(TaskPtr const& task, Datum&& d) {
    this->feed_with(task, std::move(d), [](auto& in, KeyedWindow const& w, Datum&& datum) {
      in.handler.H::on_datum(w.keys, datum, in.hooks.out);
    });
  }
  template <class TaskPtr>
  void close(TaskPtr const& task, Finished finished) {
    this->close_with(task, std::move(finished),
                     [](auto& in, KeyedWindow const& w) { in.handler.H::on_close(w.keys, in.hooks.out); });
  }
  // Merged away: after every datum fed before, stop emitting and hand over the state.
  template <class TaskPtr>
  void retire(TaskPtr const& task, std::function<void(std::exception_ptr, std::string)> done) {
    task->post([task, done = std::move(done)] {
      task->merged = true;
      std::string accumulator;
      std::exception_ptr error;
      try {
        accumulator = task->instance->handler.H::accumulator();
      } catch (...) {
        error = std::current_exception();
      }
      done(error, std::move(accumulator));
    });
  }
  template <class Task>
  void merge(Task& task, std::string const& accumulator) {
    task.instance->handler.H::merge_accumulator(accumulator);
  }
};

using SessionReduceWork = StreamWork<SessionFraming::Request, SessionFraming::Response>;

// Its definition needs the generated gRPC code: compiled in the numaflow library under
// NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class SessionReduceService;
#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class SessionReduceService : public ServiceCore<sessionreduce::v1::SessionReduce, sessionreduce::v1::ReadyResponse, W> {
 public:
  using SessionReduceService::ServiceCore::ServiceCore;
  grpc::ServerBidiReactor<SessionFraming::Request, SessionFraming::Response>* SessionReduceFn(
      grpc::CallbackServerContext*) override {
    return this->open_by_work();
  }
};
#endif

template <>
struct Functionality<SessionReduce> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/sessionreduce.sock", "/var/run/numaflow/sessionreducer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = served_by_driver_t<SessionDriver<H>, WindowedStream, SessionReduceService>;
};

#if defined(NUMAFLOW_DETAIL_INSTANTIATE)
#if NUMAFLOW_DETAIL_DEFINITIONS
NUMAFLOW_DETAIL_INSTANTIATE class ServiceCore<sessionreduce::v1::SessionReduce, sessionreduce::v1::ReadyResponse,
                                              SessionReduceWork>;
NUMAFLOW_DETAIL_INSTANTIATE class SessionReduceService<SessionReduceWork>;
#endif
NUMAFLOW_DETAIL_INSTANTIATE std::unique_ptr<ServiceBase> make_service<SessionReduceService<SessionReduceWork>>(
    Runtime&, SessionReduceWork&);
#endif

NUMAFLOW_DETAIL_HANDLER_CONTRACT(
    SessionReduce, Sync,
    "be a copyable object of a class derived from numaflow::SessionReducer (on_datum, on_close, "
    "accumulator, merge_accumulator; one copy per session)",
    std::derived_from<H, SessionReducer>&& std::is_copy_constructible_v<H>);

}  // namespace numaflow::detail
