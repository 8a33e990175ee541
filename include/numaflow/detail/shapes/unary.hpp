#pragma once

#include <grpcpp/grpcpp.h>

#include <exception>
#include <utility>

#include "numaflow/detail/runtime/grpc_handoff.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/work.hpp"

namespace numaflow::detail {

// Shape 5: a unary RPC answered by the handler. The handler runs on the runner (never on a gRPC
// thread); `response` stays valid until Finish, as the callback API guarantees.
template <class In, class Response>
grpc::ServerUnaryReactor* answer_unary(grpc::CallbackServerContext* context, Runtime& runtime,
                                       Submitter<In, Response>& submitter, In&& in, Response* response) {
  auto* reactor = context->DefaultReactor();
  submitter.submit(std::move(in), [reactor, response, &runtime](std::exception_ptr const& error, Response out) {
    if (error) return reactor->Finish(runtime.udf_error(error));
    *response = std::move(out);
    reactor->Finish(grpc::Status::OK);
  });
  handing_to_grpc(&all_calls_done_key);  // this call's use of the service precedes its teardown
  return reactor;
}

}  // namespace numaflow::detail
