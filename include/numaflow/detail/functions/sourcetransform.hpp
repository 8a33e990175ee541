#pragma once

#include <memory>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/framing.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/step.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/per_request.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/sourcetransform.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sourcetransformer/v1/transform.pb.h"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/sourcetransformer/v1/transform.grpc.pb.h"
#endif

// sourcetransform: how the tag declared in numaflow/functions/sourcetransform.hpp is served.
namespace numaflow::detail {

struct TransformFraming
    : HandshakeFraming<sourcetransformer::v1::SourceTransformRequest, sourcetransformer::v1::SourceTransformResponse> {
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

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class TransformService;

using TransformWork = work_for_t<DatumStep<TransformFraming>>;

template <>
struct Functionality<SourceTransform> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/sourcetransform.sock", "/var/run/numaflow/sourcetransformer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, DatumStep<TransformFraming>>, TransformService<TransformWork>>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class TransformService
    : public ServiceCore<grpc_service_t<sourcetransformer::v1::SourceTransform,
                                        sourcetransformer::v1::SourceTransform::WithAsyncMethod_SourceTransformFn>,
                         sourcetransformer::v1::ReadyResponse, W> {
 public:
  using TransformService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override;
};

template <class W>
void TransformService<W>::accept_streams(CqEngine& engine) {
  this->template accept<PerRequestStream<TransformFraming>>(engine, &TransformService::RequestSourceTransformFn);
}
#endif

#define NUMAFLOW_DETAIL_TRANSFORM_FORMS                                                                            \
  "be callable as Messages(Datum const&) or Messages(Keys const& keys, Datum const&), or be a class derived from " \
  "numaflow::SourceTransformer (a callable may also return any range of Message)"
NUMAFLOW_DETAIL_HANDLER_CONTRACT(SourceTransform, Sync, NUMAFLOW_DETAIL_TRANSFORM_FORMS,
                                 datum_to_messages_handler<H, SourceTransformer>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(SourceTransform, MultiProc, NUMAFLOW_DETAIL_TRANSFORM_FORMS,
                                 datum_to_messages_handler<H, SourceTransformer>);
#undef NUMAFLOW_DETAIL_TRANSFORM_FORMS

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(TransformService<TransformWork>, TransformWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(
    SourceTransform, Async,
    "be a coroutine callable as Task<Messages>(Datum const&) or Task<Messages>(Keys "
    "const& keys, Datum const&), or be a class derived from numaflow::AsyncSourceTransformer",
    datum_handler<H, AsyncSourceTransformer, Task<Messages>>);

}  // namespace numaflow::detail
