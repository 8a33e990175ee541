#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/unary.hpp"
#include "numaflow/functions/servingstore.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"
#include "numaflow/serving/v1/store.grpc.pb.h"

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

template <class H>
struct ServingStoreProcess {
  H handler;
  serving::v1::PutResponse operator()(PutCall& call) {
    handler.H::put(call.id, call.payloads);
    return serving_put_success();
  }
  serving::v1::GetResponse operator()(GetCall& call) { return serving_get_response(call.id, handler.H::get(call.id)); }
};

template <class H>
struct AsyncServingStoreProcess {
  H handler;
  Task<serving::v1::PutResponse> operator()(PutCall call) {
    co_await handler.H::put(call.id, call.payloads);
    co_return serving_put_success();
  }
  Task<serving::v1::GetResponse> operator()(GetCall call) {
    co_return serving_get_response(call.id, co_await handler.H::get(call.id));
  }
};

template <class Policy, class H>
class ServingStoreService final : public serving::v1::ServingStore::CallbackService, public ServiceBase {
  using Process =
      std::conditional_t<std::is_same_v<Policy, Async>, AsyncServingStoreProcess<H>, ServingStoreProcess<H>>;
  using Runner = runner_t<Policy, Process>;

 public:
  ServingStoreService(H handler, Runtime& runtime) : runtime_(runtime), runner_(Process{std::move(handler)}, runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  void start() override { runner_.start(); }
  void after_shutdown() override { runner_.stop(); }

  grpc::ServerUnaryReactor* Put(grpc::CallbackServerContext* context, serving::v1::PutRequest const* request,
                                serving::v1::PutResponse* response) override {
    return answer_unary(context, runtime_, runner_, serving_put_call(*request), response);
  }
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* context, serving::v1::GetRequest const* request,
                                serving::v1::GetResponse* response) override {
    return answer_unary(context, runtime_, runner_, GetCall{request->id()}, response);
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    serving::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }

 private:
  Runtime& runtime_;
  Runner runner_;
};

template <>
struct Functionality<ServingStore> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/serving.sock", "/var/run/numaflow/serving-server-info", "1.5.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts = std::is_same_v<Policy, Async>  ? std::derived_from<H, AsyncServingStorer>
                                  : std::is_same_v<Policy, Sync> ? std::derived_from<H, ServingStorer>
                                                                 : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(std::derived_from<H, ServingStorer>,
                    "numaflow::Server<ServingStore, Sync>: the handler must be an object of a class derived from "
                    "numaflow::ServingStorer (void put(std::string const& id, std::vector<ServingPayload> const&) and "
                    "std::vector<ServingPayload> get(std::string const& id))");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(std::derived_from<H, AsyncServingStorer>,
                    "numaflow::Server<ServingStore, Async>: the handler must be an object of a class derived from "
                    "numaflow::AsyncServingStorer (coroutines Task<void> put(std::string const& id, "
                    "std::vector<ServingPayload> const&) and Task<std::vector<ServingPayload>> get(std::string const& "
                    "id))");
    else if constexpr (std::is_same_v<Policy, MultiProc>)
      static_assert(always_false<Policy>,
                    "numaflow::Server<ServingStore, MultiProc>: ServingStore supports the policies numaflow::Sync (a "
                    "class derived from numaflow::ServingStorer) and numaflow::Async (a class derived from "
                    "numaflow::AsyncServingStorer)");
    else
      static_assert(
          always_false<Policy>,
          "numaflow::Server<ServingStore, Policy>: ServingStore supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = ServingStoreService<Policy, H>;
};

}  // namespace numaflow::detail
