#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/sideinput.hpp"
#include "numaflow/sideinput/v1/sideinput.pb.h"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/sideinput/v1/sideinput.grpc.pb.h"
#endif

// sideinput: how the tag declared in numaflow/functions/sideinput.hpp is served.
namespace numaflow::detail {

// A retriever returning `Out`: a class derived from `Base`, or a callable taking no argument.
template <class H, class Base, class Out>
concept retriever_handler = std::derived_from<H, Base> || std::is_invocable_r_v<Out, H&>;

template <class H>
decltype(auto) call_retriever(H& h) {
  if constexpr (requires { h.H::retrieve(); })
    return h.H::retrieve();
  else
    return h();
}

inline sideinput::v1::SideInputResponse side_input_to_proto(SideInputResponse r) {
  sideinput::v1::SideInputResponse out;
  if (!r.skip) out.set_value(std::move(r.value));
  out.set_no_broadcast(r.skip);
  return out;
}

struct RetrieveCall {};

struct RetrieveStep {
  using In = RetrieveCall;
  using Response = sideinput::v1::SideInputResponse;
  static decltype(auto) call(auto& handler, RetrieveCall&) { return call_retriever(handler); }
  static Response encode(RetrieveCall&, SideInputResponse answer) { return side_input_to_proto(std::move(answer)); }
};

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class SideInputService;

using SideInputWork = work_for_t<RetrieveStep>;

template <>
struct Functionality<SideInput> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/sideinput.sock", "/var/run/numaflow/sideinput-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, RetrieveStep>, SideInputService<SideInputWork>>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class SideInputService
    : public ServiceCore<
          grpc_service_t<sideinput::v1::SideInput, sideinput::v1::SideInput::WithCallbackMethod_RetrieveSideInput>,
          sideinput::v1::ReadyResponse, W> {
 public:
  using SideInputService::ServiceCore::ServiceCore;
  grpc::ServerUnaryReactor* RetrieveSideInput(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                              sideinput::v1::SideInputResponse* response) override;
};

template <class W>
grpc::ServerUnaryReactor* SideInputService<W>::RetrieveSideInput(grpc::CallbackServerContext* context,
                                                                 google::protobuf::Empty const*,
                                                                 sideinput::v1::SideInputResponse* response) {
  return this->answer(context, RetrieveCall{}, response);
}
#endif

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(SideInputService<SideInputWork>, SideInputWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(SideInput, Sync,
                                 "be callable as SideInputResponse(), or be a class derived from "
                                 "numaflow::SideInputRetriever",
                                 retriever_handler<H, SideInputRetriever, SideInputResponse>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(
    SideInput, Async,
    "be a coroutine callable as Task<SideInputResponse>() (Task = boost::asio::awaitable), "
    "or be a class derived from numaflow::AsyncSideInputRetriever",
    retriever_handler<H, AsyncSideInputRetriever, Task<SideInputResponse>>);

}  // namespace numaflow::detail
