#pragma once

#include <google/protobuf/empty.pb.h>
#include <grpcpp/grpcpp.h>

#include <type_traits>
#include <utility>

#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/detail/shapes/unary.hpp"
#include "numaflow/detail/shapes/work.hpp"

namespace numaflow::detail {

// What every functionality's gRPC service shares: the generated `Generated::CallbackService` with
// IsReady answered, the runtime, and the work behind it (a tag's SteppedRunner seen as `W`, or a
// windowed driver). A functionality's service adds only its own RPC overrides, each one line:
// open<Shape>() for a streaming RPC, answer(…) for a unary one. For the stepped tags `W` does not
// depend on the handler, so the service is compiled once per tag.
template <class Generated, class ReadyResponse, class W>
class ServiceCore : public Generated::CallbackService, public ServiceBase {
 public:
  using generated_type = Generated;
  using ready_response_type = ReadyResponse;
  using work_type = W;
  ServiceCore(Runtime& runtime, W& work);

  grpc::Service& grpc_service() final;
  void start() final;
  void after_shutdown() final;
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    ReadyResponse* response) final;

 protected:
  // A streaming RPC served by `Shape` (one-to-one, one-to-many, batch, windowed).
  template <class Shape>
  Shape* open() {
    if constexpr (requires { typename Shape::submitter_type; })
      return open_stream<Shape>(runtime_, static_cast<typename Shape::submitter_type&>(work_));
    else
      return open_stream<Shape>(runtime_, work_);
  }

  // A unary RPC: `in` goes to the work, its response answers the call.
  template <class In, class Response>
  grpc::ServerUnaryReactor* answer(grpc::CallbackServerContext* context, In&& in, Response* response) {
    return answer_unary(context, runtime_, static_cast<Submitter<std::decay_t<In>, Response>&>(work_),
                        std::decay_t<In>(std::forward<In>(in)), response);
  }

 private:
  Runtime& runtime_;
  W& work_;
};

// Defined out of the class, so that an explicit instantiation declaration (extern template, see
// detail/separate_compilation.hpp) keeps them, and the generated service's constructor they reach,
// out of the translation units that use the service.
template <class Generated, class ReadyResponse, class W>
ServiceCore<Generated, ReadyResponse, W>::ServiceCore(Runtime& runtime, W& work) : runtime_(runtime), work_(work) {}

template <class Generated, class ReadyResponse, class W>
grpc::Service& ServiceCore<Generated, ReadyResponse, W>::grpc_service() {
  return *this;
}

template <class Generated, class ReadyResponse, class W>
void ServiceCore<Generated, ReadyResponse, W>::start() {
  work_.start();
}

template <class Generated, class ReadyResponse, class W>
void ServiceCore<Generated, ReadyResponse, W>::after_shutdown() {
  work_.stop();
}

template <class Generated, class ReadyResponse, class W>
grpc::ServerUnaryReactor* ServiceCore<Generated, ReadyResponse, W>::IsReady(grpc::CallbackServerContext* context,
                                                                            google::protobuf::Empty const*,
                                                                            ReadyResponse* response) {
  return answer_ready(context, response);
}

template <class WorkObject>
struct HeldWork {
  WorkObject held;
};

// A service and the work it serves, as the Server owns them: `WorkObject` (the handler's
// SteppedRunner or driver) is built first, from the handler, and handed to `Service`.
template <class WorkObject, class Service>
class Served final : HeldWork<WorkObject>, public Service {
 public:
  template <class Handler>
  Served(Handler&& handler, Runtime& runtime)
      : HeldWork<WorkObject>{WorkObject(typename WorkObject::process_type{std::forward<Handler>(handler)}, runtime)},
        Service(runtime, this->held) {}

  WorkObject& work() { return this->held; }
};

// A windowed tag's service and its driver, which is its work (and depends on the handler).
template <class Driver, template <class> class Service>
using served_by_driver_t = Served<Driver, Service<Driver>>;

}  // namespace numaflow::detail
