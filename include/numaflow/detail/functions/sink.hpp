#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/framing.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/step.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/batch.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/sink.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sink/v1/sink.pb.h"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/sink/v1/sink.grpc.pb.h"
#endif

// sink: how the tag declared in numaflow/functions/sink.hpp is served.
namespace numaflow::detail {

struct SinkFraming : HandshakeFraming<sink::v1::SinkRequest, sink::v1::SinkResponse> {
  static Response eot_response() {
    Response r;
    r.mutable_status()->set_eot(true);
    return r;
  }
  // All results in one response, then the EOT.
  static std::vector<Response> batch_responses(SinkResponses&& answers) {
    std::vector<Response> out(1);
    for (auto& a : answers) {
      auto* r = out[0].add_results();
      r->set_id(std::move(a.id));
      r->set_status(static_cast<sink::v1::Status>(a.status));
      r->set_err_msg(std::move(a.error));
      if (a.serve_payload) r->set_serve_response(std::move(*a.serve_payload));
      if (a.on_success_message) {
        auto* m = r->mutable_on_success_msg();
        m->set_value(std::move(a.on_success_message->value));
        for (auto& k : a.on_success_message->keys) m->add_keys(std::move(k));
        if (!a.on_success_message->user_metadata.empty())
          user_metadata_to_proto(a.on_success_message->user_metadata, m->mutable_metadata());
      }
      if (a.nack_options) to_proto(*a.nack_options, r->mutable_nack_options());
    }
    out.push_back(eot_response());
    return out;
  }
};

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class SinkService;

using SinkWork = work_for_t<BatchStep<SinkFraming>>;

template <>
struct Functionality<Sink> {
  static Endpoint endpoint() {
    auto const role = env_or("NUMAFLOW_UD_CONTAINER_TYPE", "");
    if (role == "fb-udsink")
      return {"/var/run/numaflow/fb-sink.sock", "/var/run/numaflow/fb-sinker-server-info", "1.4.0-z", {}};
    if (role == "ons-udsink")
      return {"/var/run/numaflow/ons-sink.sock", "/var/run/numaflow/ons-sinker-server-info", "1.4.0-z", {}};
    return {"/var/run/numaflow/sink.sock", "/var/run/numaflow/sinker-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, BatchStep<SinkFraming>>, SinkService<SinkWork>>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class SinkService : public ServiceCore<grpc_service_t<sink::v1::Sink, sink::v1::Sink::WithAsyncMethod_SinkFn>,
                                       sink::v1::ReadyResponse, W> {
 public:
  using SinkService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override;
};

template <class W>
void SinkService<W>::accept_streams(CqEngine& engine) {
  this->template accept<BatchStream<SinkFraming>>(engine, &SinkService::RequestSinkFn);
}
#endif

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(SinkService<SinkWork>, SinkWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(Sink, Sync,
                                 "be callable as SinkResponses(Datums const& batch), or be a class derived from "
                                 "numaflow::Sinker",
                                 batch_handler<H, Sinker, SinkResponses>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(Sink, Async,
                                 "be a coroutine callable as Task<SinkResponses>(Datums const& batch), or be a class "
                                 "derived from numaflow::AsyncSinker",
                                 batch_handler<H, AsyncSinker, Task<SinkResponses>>);

}  // namespace numaflow::detail
