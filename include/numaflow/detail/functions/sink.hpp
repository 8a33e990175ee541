#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/detail/shapes/batch.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/sink.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sink/v1/sink.grpc.pb.h"

// sink: how the tag declared in numaflow/functions/sink.hpp is served.
namespace numaflow::detail {

struct SinkProto {
  using Request = sink::v1::SinkRequest;
  using Response = sink::v1::SinkResponse;
  static constexpr bool handshake = true;
  static bool is_handshake(Request const& r) { return r.has_handshake() && r.handshake().sot(); }
  static bool is_eot(Request const& r) { return r.has_status() && r.status().eot(); }
  static std::string const& id(Request const& r) { return r.request().id(); }
  static Response handshake_response() {
    Response r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static Response eot_response() {
    Response r;
    r.mutable_status()->set_eot(true);
    return r;
  }
  static Datum datum(Request& r) {
    Datum d;
    fill_datum(d, *r.mutable_request());
    d.id = r.request().id();
    return d;
  }
  // All results in one response, then the EOT.
  static std::vector<Response> batch_responses(Datums const& batch, SinkResponses&& answers) {
    std::vector<std::string> requested, answered;
    requested.reserve(batch.size());
    answered.reserve(answers.size());
    for (auto const& d : batch) requested.push_back(d.id);
    for (auto const& a : answers) answered.push_back(a.id);
    verify_batch_ids(requested, answered);
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

template <class Policy, class H>
class SinkService final
    : public sink::v1::Sink::CallbackService,
      public StreamServiceCore<SinkProto, runner_t<Policy, batch_process_t<SinkProto, Policy, H>, SinkProto>,
                               BatchStream> {
 public:
  SinkService(H handler, Runtime& runtime) : SinkService::StreamServiceCore({std::move(handler)}, runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  grpc::ServerBidiReactor<SinkProto::Request, SinkProto::Response>* SinkFn(grpc::CallbackServerContext*) override {
    return this->open();
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    sink::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }
};

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
  static constexpr bool accepts = std::is_same_v<Policy, Async>  ? batch_handler<H, AsyncSinker, Task<SinkResponses>>
                                  : std::is_same_v<Policy, Sync> ? batch_handler<H, Sinker, SinkResponses>
                                                                 : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(batch_handler<H, Sinker, SinkResponses>,
                    "numaflow::Server<Sink, Sync>: the handler must be callable as SinkResponses(Datums const& batch), "
                    "or be a class derived from numaflow::Sinker");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(batch_handler<H, AsyncSinker, Task<SinkResponses>>,
                    "numaflow::Server<Sink, Async>: the handler must be a coroutine callable as "
                    "Task<SinkResponses>(Datums const& batch), or be a class derived from numaflow::AsyncSinker");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<Sink, Policy>: Sink supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = SinkService<Policy, H>;
};

}  // namespace numaflow::detail
