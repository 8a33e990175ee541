#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/windowed_tag.hpp"
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
    : WindowOpFraming<sessionreduce::v1::SessionReduceRequest, sessionreduce::v1::SessionReduceResponse> {
  using Framing = SessionFraming;
  static constexpr bool by_keys_only = false;
  static constexpr bool eof_per_task = true;

  static WindowOp parse(Request& r) {
    std::vector<KeyedWindow> windows;
    for (auto const& w : r.operation().keyedwindows()) windows.push_back(keyed_window_of(w));
    return window_op(r, "session", std::move(windows));
  }

  // A session's callbacks are told its keys and the datum (on_datum).
  static void tell(KeyedWindow const& w, auto&& callback, auto const&... datum) { callback(w.keys, datum...); }
};

template <class H>
struct SessionDriver : CallbackDriver<H, SessionFraming> {
  using CallbackDriver<H, SessionFraming>::CallbackDriver;

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

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class SessionReduceService;

using SessionReduceWork = StreamWork<SessionFraming::Request, SessionFraming::Response>;

template <>
struct Functionality<SessionReduce> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/sessionreduce.sock", "/var/run/numaflow/sessionreducer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = served_by_driver_t<SessionDriver<H>, WindowedStream, SessionReduceService>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class SessionReduceService
    : public ServiceCore<grpc_service_t<sessionreduce::v1::SessionReduce,
                                        sessionreduce::v1::SessionReduce::WithAsyncMethod_SessionReduceFn>,
                         sessionreduce::v1::ReadyResponse, W> {
 public:
  using SessionReduceService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override {
    this->accept_by_work(engine, &SessionReduceService::RequestSessionReduceFn);
  }
};
#endif

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(SessionReduceService<SessionReduceWork>, SessionReduceWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(
    SessionReduce, Sync,
    "be a copyable object of a class derived from numaflow::SessionReducer (on_datum, on_close, "
    "accumulator, merge_accumulator; one copy per session)",
    std::derived_from<H, SessionReducer>&& std::is_copy_constructible_v<H>);

}  // namespace numaflow::detail
