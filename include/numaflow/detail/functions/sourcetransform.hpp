#pragma once

#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/shapes/per_request.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/sourcetransform.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sourcetransformer/v1/transform.grpc.pb.h"

// sourcetransform: how the tag declared in numaflow/functions/sourcetransform.hpp is served.
namespace numaflow::detail {

struct TransformProto {
  using Request = sourcetransformer::v1::SourceTransformRequest;
  using Response = sourcetransformer::v1::SourceTransformResponse;
  static constexpr bool handshake = true;
  static bool is_handshake(Request const& r) { return r.has_handshake() && r.handshake().sot(); }
  static Response handshake_response() {
    Response r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static Datum datum(Request& r) {
    Datum d;
    fill_datum(d, *r.mutable_request());
    d.id = r.request().id();
    return d;
  }
  // The platform requires an event time on every result.
  template <class Result>
  static Response response(Datum const& input, Result&& messages) {
    Response out;
    out.set_id(input.id);
    for_each_message(std::forward<Result>(messages), [&](Message&& m) {
      auto* result = out.add_results();
      to_proto(m.event_time.value_or(input.event_time), result->mutable_event_time());
      fill_result(result, std::move(m));
    });
    return out;
  }
};

template <class Policy, class H>
class TransformService final
    : public sourcetransformer::v1::SourceTransform::CallbackService,
      public StreamServiceCore<TransformProto,
                               runner_t<Policy, unary_process_t<TransformProto, Policy, H>, TransformProto>,
                               PerRequestStream> {
 public:
  TransformService(H handler, Runtime& runtime) : TransformService::StreamServiceCore({std::move(handler)}, runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  grpc::ServerBidiReactor<TransformProto::Request, TransformProto::Response>* SourceTransformFn(
      grpc::CallbackServerContext*) override {
    return this->open();
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    sourcetransformer::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }
};

template <>
struct Functionality<SourceTransform> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/sourcetransform.sock", "/var/run/numaflow/sourcetransformer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts =
      std::is_same_v<Policy, Async> ? datum_handler<H, AsyncSourceTransformer, Task<Messages>>
      : std::is_same_v<Policy, Sync> || std::is_same_v<Policy, MultiProc>
          ? datum_to_messages_handler<H, SourceTransformer>
          : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync> || std::is_same_v<Policy, MultiProc>)
      static_assert(datum_to_messages_handler<H, SourceTransformer>,
                    "numaflow::Server<SourceTransform, Sync|MultiProc>: the handler must be callable as Messages(Datum "
                    "const&) or Messages(Keys const& keys, Datum const&), or be a class derived from "
                    "numaflow::SourceTransformer (a callable may also return any range of Message)");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(datum_handler<H, AsyncSourceTransformer, Task<Messages>>,
                    "numaflow::Server<SourceTransform, Async>: the handler must be a coroutine callable as "
                    "Task<Messages>(Datum const&) or Task<Messages>(Keys const& keys, Datum const&), or be a class "
                    "derived from numaflow::AsyncSourceTransformer");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<SourceTransform, Policy>: Policy must be numaflow::Sync, Async or MultiProc");
  }

  template <class Policy, class H>
  using service = TransformService<Policy, H>;
};

}  // namespace numaflow::detail
