#pragma once

#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/stream.hpp"

namespace numaflow::detail {

// request → response around one handler call, for functionalities whose `Proto` has
// `datum(Request&)` and `response(Datum const& input, HandlerResult&&)`.
template <class Proto, class H>
struct UnaryProcess {
  H handler;
  typename Proto::Response operator()(typename Proto::Request& request) {
    Datum const datum = Proto::datum(request);
    return Proto::response(datum, call_datum_handler(handler, datum));
  }
};

// The same for Async: the request is taken by value so it lives in the coroutine frame.
template <class Proto, class H>
struct AsyncUnaryProcess {
  H handler;
  Task<typename Proto::Response> operator()(typename Proto::Request request) {
    Datum const datum = Proto::datum(request);
    co_return Proto::response(datum, co_await call_datum_handler(handler, datum));
  }
};

template <class Proto, class Policy, class H>
using unary_process_t =
    std::conditional_t<std::is_same_v<Policy, Async>, AsyncUnaryProcess<Proto, H>, UnaryProcess<Proto, H>>;

// What every streaming service holds: the runtime and the runner (or windowed driver) executing
// its handler; a functionality's service adds only the gRPC method overrides, each a call to open().
template <class Proto, class Runner_, template <class, class> class Shape>
class StreamServiceCore : public ServiceBase {
 public:
  using Runner = Runner_;

  StreamServiceCore(typename Runner::process_type process, Runtime& runtime)
      : runtime_(runtime), runner_(std::move(process), runtime) {}

  void start() override { runner_.start(); }
  void after_shutdown() override { runner_.stop(); }

 protected:
  Shape<Proto, Runner>* open() { return open_stream<Shape<Proto, Runner>>(runtime_, runner_); }

  Runtime& runtime_;
  Runner runner_;
};

}  // namespace numaflow::detail

namespace numaflow::detail {

// batch of requests → responses (results + EOT) around one handler call, for functionalities whose
// `Proto` has `datum(Request&)` and `batch_responses(Datums const&, HandlerResult&&)`; the latter
// verifies that every id was answered exactly once.
template <class Proto, class H>
struct BatchProcess {
  H handler;
  std::vector<typename Proto::Response> operator()(std::vector<typename Proto::Request>& batch) {
    Datums datums;
    datums.reserve(batch.size());
    for (auto& request : batch) datums.push_back(Proto::datum(request));
    if (datums.empty()) return {Proto::eot_response()};
    return Proto::batch_responses(datums, call_batch_handler(handler, datums));
  }
};

template <class Proto, class H>
struct AsyncBatchProcess {
  H handler;
  Task<std::vector<typename Proto::Response>> operator()(std::vector<typename Proto::Request> batch) {
    Datums datums;
    datums.reserve(batch.size());
    for (auto& request : batch) datums.push_back(Proto::datum(request));
    if (datums.empty()) co_return std::vector<typename Proto::Response>{Proto::eot_response()};
    co_return Proto::batch_responses(datums, co_await call_batch_handler(handler, datums));
  }
};

template <class Proto, class Policy, class H>
using batch_process_t =
    std::conditional_t<std::is_same_v<Policy, Async>, AsyncBatchProcess<Proto, H>, BatchProcess<Proto, H>>;

}  // namespace numaflow::detail
