#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/servingstore.hpp"
#include "numaflow/serving/v1/store.pb.h"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/serving/v1/store.grpc.pb.h"
#endif

// servingstore: how the tag declared in numaflow/functions/servingstore.hpp is served.
namespace numaflow::detail {

// The requests as the handler sees them, converted on the gRPC thread.
struct PutCall {
  std::string id;
  std::vector<ServingPayload> payloads;
};

struct GetCall {
  std::string id;
};

inline PutCall serving_put_call(serving::v1::PutRequest const& request) {
  PutCall call{request.id(), {}};
  call.payloads.reserve(static_cast<std::size_t>(request.payloads_size()));
  for (auto const& p : request.payloads()) call.payloads.push_back({p.origin(), p.value()});
  return call;
}

inline serving::v1::PutResponse serving_put_success() {
  serving::v1::PutResponse r;
  r.set_success(true);
  return r;
}

inline serving::v1::GetResponse serving_get_response(std::string const& id, std::vector<ServingPayload>&& payloads) {
  serving::v1::GetResponse r;
  r.set_id(id);
  r.mutable_payloads()->Reserve(static_cast<int>(payloads.size()));
  for (auto& p : payloads) {
    auto* out = r.add_payloads();
    out->set_origin(std::move(p.origin));
    out->set_value(std::move(p.value));
  }
  return r;
}

struct PutStep {
  using In = PutCall;
  using Response = serving::v1::PutResponse;
  template <class H>
  static decltype(auto) call(H& handler, PutCall& call) {
    return handler.H::put(call.id, std::as_const(call.payloads));
  }
  static Response encode(PutCall&) { return serving_put_success(); }
};

struct GetStep {
  using In = GetCall;
  using Response = serving::v1::GetResponse;
  template <class H>
  static decltype(auto) call(H& handler, GetCall& call) {
    return handler.H::get(std::as_const(call.id));
  }
  static Response encode(GetCall& call, std::vector<ServingPayload>&& payloads) {
    return serving_get_response(call.id, std::move(payloads));
  }
};

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class ServingStoreService;

using ServingStoreWork = work_for_t<PutStep, GetStep>;

template <>
struct Functionality<ServingStore> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/serving.sock", "/var/run/numaflow/serving-server-info", "1.5.0-z", {}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, PutStep, GetStep>, ServingStoreService<ServingStoreWork>>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class ServingStoreService
    : public ServiceCore<grpc_service_t<serving::v1::ServingStore, serving::v1::ServingStore::WithCallbackMethod_Put,
                                        serving::v1::ServingStore::WithCallbackMethod_Get>,
                         serving::v1::ReadyResponse, W> {
 public:
  using ServingStoreService::ServiceCore::ServiceCore;
  grpc::ServerUnaryReactor* Put(grpc::CallbackServerContext* context, serving::v1::PutRequest const* request,
                                serving::v1::PutResponse* response) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* context, serving::v1::GetRequest const* request,
                                serving::v1::GetResponse* response) override;
};

template <class W>
grpc::ServerUnaryReactor* ServingStoreService<W>::Put(grpc::CallbackServerContext* context,
                                                      serving::v1::PutRequest const* request,
                                                      serving::v1::PutResponse* response) {
  return this->answer(context, serving_put_call(*request), response);
}

template <class W>
grpc::ServerUnaryReactor* ServingStoreService<W>::Get(grpc::CallbackServerContext* context,
                                                      serving::v1::GetRequest const* request,
                                                      serving::v1::GetResponse* response) {
  return this->answer(context, GetCall{request->id()}, response);
}
#endif

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(ServingStoreService<ServingStoreWork>, ServingStoreWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(ServingStore, Sync,
                                 "be an object of a class derived from numaflow::ServingStorer (void put(std::string "
                                 "const& id, std::vector<ServingPayload> const&) and std::vector<ServingPayload> "
                                 "get(std::string const& id))",
                                 std::derived_from<H, ServingStorer>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(ServingStore, Async,
                                 "be an object of a class derived from numaflow::AsyncServingStorer (coroutines "
                                 "Task<void> put(std::string const& id, std::vector<ServingPayload> const&) and "
                                 "Task<std::vector<ServingPayload>> get(std::string const& id))",
                                 std::derived_from<H, AsyncServingStorer>);

}  // namespace numaflow::detail
