#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/unary.hpp"
#include "numaflow/functions/sideinput.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"
#include "numaflow/sideinput/v1/sideinput.grpc.pb.h"

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

template <class H>
struct SideInputProcess {
  H handler;
  sideinput::v1::SideInputResponse operator()(RetrieveCall&) { return side_input_to_proto(call_retriever(handler)); }
};

template <class H>
struct AsyncSideInputProcess {
  H handler;
  Task<sideinput::v1::SideInputResponse> operator()(RetrieveCall) {
    co_return side_input_to_proto(co_await call_retriever(handler));
  }
};

template <class Policy, class H>
class SideInputService final : public sideinput::v1::SideInput::CallbackService, public ServiceBase {
  using Process = std::conditional_t<std::is_same_v<Policy, Async>, AsyncSideInputProcess<H>, SideInputProcess<H>>;
  using Runner = runner_t<Policy, Process>;

 public:
  SideInputService(H handler, Runtime& runtime) : runtime_(runtime), runner_(Process{std::move(handler)}, runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  void start() override { runner_.start(); }
  void after_shutdown() override { runner_.stop(); }

  grpc::ServerUnaryReactor* RetrieveSideInput(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                              sideinput::v1::SideInputResponse* response) override {
    return answer_unary(context, runtime_, runner_, RetrieveCall{}, response);
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    sideinput::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }

 private:
  Runtime& runtime_;
  Runner runner_;
};

template <>
struct Functionality<SideInput> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/sideinput.sock", "/var/run/numaflow/sideinput-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts =
      std::is_same_v<Policy, Async>  ? retriever_handler<H, AsyncSideInputRetriever, Task<SideInputResponse>>
      : std::is_same_v<Policy, Sync> ? retriever_handler<H, SideInputRetriever, SideInputResponse>
                                     : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(retriever_handler<H, SideInputRetriever, SideInputResponse>,
                    "numaflow::Server<SideInput, Sync>: the handler must be callable as SideInputResponse(), or be a "
                    "class derived from numaflow::SideInputRetriever");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(retriever_handler<H, AsyncSideInputRetriever, Task<SideInputResponse>>,
                    "numaflow::Server<SideInput, Async>: the handler must be a coroutine callable as "
                    "Task<SideInputResponse>() (Task = boost::asio::awaitable), or be a class derived from "
                    "numaflow::AsyncSideInputRetriever");
    else if constexpr (std::is_same_v<Policy, MultiProc>)
      static_assert(always_false<Policy>,
                    "numaflow::Server<SideInput, MultiProc>: SideInput supports the policies numaflow::Sync "
                    "(SideInputResponse() or a class derived from numaflow::SideInputRetriever) and numaflow::Async "
                    "(Task<SideInputResponse>() or a class derived from numaflow::AsyncSideInputRetriever)");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<SideInput, Policy>: SideInput supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = SideInputService<Policy, H>;
};

}  // namespace numaflow::detail
