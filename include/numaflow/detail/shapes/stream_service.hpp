#pragma once

#include <google/protobuf/empty.pb.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <type_traits>
#include <utility>

#include "numaflow/detail/runtime/cq_engine.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/detail/shapes/unary.hpp"
#include "numaflow/detail/shapes/work.hpp"

namespace numaflow::detail {

// `Service` with the generated method layers `Layers` (`WithAsyncMethod_XFn`,
// `WithCallbackMethod_XFn`) applied in order.
template <class Service, template <class> class... Layers>
struct layered {
  using type = Service;
};
template <class Service, template <class> class Layer, template <class> class... Layers>
struct layered<Service, Layer, Layers...> : layered<Layer<Service>, Layers...> {};

// A tag's generated gRPC service with each method on the API that serves it: `Methods` has one
// layer per RPC but IsReady: `WithAsyncMethod_XFn` for a streaming RPC, served by the
// completion-queue engine, `WithCallbackMethod_XFn` for a unary one. IsReady stays a synchronous
// method: a callback method makes gRPC start its own polling threads ("nexting" threads), which
// then take the streams' I/O from the engine's threads and hand every completion over (measured
// on map_cat: 4x the context switches per message).
template <class Generated, template <class> class... Methods>
using grpc_service_t = typename layered<typename Generated::Service, Methods...>::type;

// What every functionality's gRPC service shares: the generated service `GrpcService` (a
// grpc_service_t) with IsReady answered, the runtime, and the work behind it (a tag's
// SteppedRunner seen as `W`, or a windowed driver). A functionality's service adds only its own
// RPCs, one line each: accept<Shape>(engine, &NameService::RequestXFn) for a streaming RPC (in its
// accept_streams), answer(…) for a unary one. For the stepped tags `W` does not depend on the
// handler, so the service is compiled once per tag.
template <class GrpcService, class ReadyResponse, class W>
class ServiceCore : public GrpcService, public ServiceBase {
 public:
  using generated_type = GrpcService;
  using ready_response_type = ReadyResponse;
  using work_type = W;
  ServiceCore(Runtime& runtime, W& work);

  grpc::Service& grpc_service() final;
  void start() final;
  void after_shutdown() final;
  grpc::Status IsReady(grpc::ServerContext* context, google::protobuf::Empty const*, ReadyResponse* response) final;

 protected:
  // A streaming RPC (its generated `request` method) served by `Shape` (one-to-one, one-to-many,
  // batch), which hands its work to the submitter it needs: a call is kept requested on each of
  // the engine's queues.
  template <class Shape, class Owner, class Request, class Response>
  void accept(CqEngine& engine, RequestBidi<Owner, Request, Response> request) {
    engine.accept(static_cast<Owner&>(*this), request,
                  [&runtime = runtime_, &submitter = static_cast<typename Shape::submitter_type&>(work_)]()
                      -> BidiCall<Request, Response>* { return new Shape(runtime, submitter); });
  }

  // A streaming RPC whose streams the work makes (a windowed tag's StreamWork).
  // A template, so that the explicit instantiation of a service whose work is not a StreamWork
  // leaves it out.
  template <class Owner, class Request, class Response, class StreamWork = W>
  void accept_by_work(CqEngine& engine, RequestBidi<Owner, Request, Response> request) {
    engine.accept(static_cast<Owner&>(*this), request,
                  [&runtime = runtime_, &work = static_cast<StreamWork&>(work_)] { return work.open(runtime); });
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
grpc::Status ServiceCore<Generated, ReadyResponse, W>::IsReady(grpc::ServerContext*, google::protobuf::Empty const*,
                                                               ReadyResponse* response) {
  response->set_ready(true);  // ready as soon as the service can take requests
  return grpc::Status::OK;
}

// Builds a tag's gRPC service around its work. A stepped tag's service does not depend on the
// handler: its detail twin declares this `extern template` under NUMAFLOW_SEPARATE_COMPILATION, so
// a UDF needs neither the service nor the generated gRPC code it derives from (the tag's
// *.grpc.pb.h), only the protobuf messages its steps encode.
template <class Service, class W>
std::unique_ptr<ServiceBase> make_service(Runtime& runtime, W& work) {
  return std::make_unique<Service>(runtime, work);
}

// A service and the work it serves, as the Server owns them: `WorkObject` (the handler's
// SteppedRunner or driver) is built first, from the handler, and handed to `Service` as the
// handler-independent `WorkObject::work_type` it serves.
template <class WorkObject, class Service>
class Served final : public ServiceBase {
 public:
  template <class Handler>
  Served(Handler&& handler, Runtime& runtime)
      : work_(typename WorkObject::process_type{std::forward<Handler>(handler)}, runtime),
        service_(make_service<Service>(runtime, static_cast<typename WorkObject::work_type&>(work_))) {}

  grpc::Service& grpc_service() override { return service_->grpc_service(); }
  void accept_streams(CqEngine& engine) override { service_->accept_streams(engine); }
  void start() override { service_->start(); }
  void after_shutdown() override { service_->after_shutdown(); }

  WorkObject& work() { return work_; }

 private:
  WorkObject work_;
  std::unique_ptr<ServiceBase> service_;
};

// A windowed tag's service, which opens `Shape<Driver>` streams through the driver's DriverWork.
template <class Driver, template <class> class Shape, template <class> class Service>
using served_by_driver_t = Served<DriverWork<Driver, Shape>, Service<typename DriverWork<Driver, Shape>::work_type>>;

}  // namespace numaflow::detail
