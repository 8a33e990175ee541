#pragma once

#include <google/protobuf/empty.pb.h>
#include <grpcpp/grpcpp.h>

#include <utility>

#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/detail/shapes/unary.hpp"

namespace numaflow::detail {

// What every functionality's gRPC service shares: the generated `Generated::CallbackService` with
// IsReady answered, the runtime, and the runner (or windowed driver) executing the handler. A
// functionality's service adds only its own RPC overrides, each one line: open<Shape, Framing>()
// for a streaming RPC, answer(…) for a unary one.
template <class Generated, class ReadyResponse, class Runner>
class ServiceCore : public Generated::CallbackService, public ServiceBase {
 public:
  template <class Handler>
  ServiceCore(Handler&& handler, Runtime& runtime)
      : runtime_(runtime), runner_(typename Runner::process_type{std::forward<Handler>(handler)}, runtime) {}

  grpc::Service& grpc_service() final { return *this; }
  void start() final { runner_.start(); }
  void after_shutdown() final { runner_.stop(); }

  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    ReadyResponse* response) final {
    return answer_ready(context, response);
  }

 protected:
  // A streaming RPC served by `Shape` (one-to-one, one-to-many, batch, windowed) with `Framing`.
  template <template <class, class> class Shape, class Framing>
  Shape<Framing, Runner>* open() {
    return open_stream<Shape<Framing, Runner>>(runtime_, runner_);
  }

  // A unary RPC: `in` goes to the runner, its response answers the call.
  template <class In, class Response>
  grpc::ServerUnaryReactor* answer(grpc::CallbackServerContext* context, In&& in, Response* response) {
    return answer_unary(context, runtime_, runner_, std::forward<In>(in), response);
  }

 private:
  Runtime& runtime_;
  Runner runner_;
};

}  // namespace numaflow::detail
