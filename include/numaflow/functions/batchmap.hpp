#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/handler_base.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: batch map (`map.v1.Map` on batchmap.sock, MAP_MODE=batch-map). The handler
// gets every datum of a batch at once and answers each id exactly once; the server checks that
// before it sends the batch's EOT.
struct BatchMap {
  static constexpr char const* name = "BatchMap";
};

// The messages produced for one request id of a batch.
struct BatchResponse {
  std::string id{};
  Messages messages{};

  BatchResponse() = default;
  BatchResponse(std::string id_, Messages messages_ = {}) : id(std::move(id_)), messages(std::move(messages_)) {}
  BatchResponse& append(Message m) {
    messages.push_back(std::move(m));
    return *this;
  }
  friend bool operator==(BatchResponse const&, BatchResponse const&) = default;
};

using BatchResponses = std::vector<BatchResponse>;

class BatchMapper : public HandlerBase<BatchResponses(Datums const& batch)> {};

class AsyncBatchMapper : public HandlerBase<Task<BatchResponses>(Datums const& batch)> {};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/batchmap.hpp"
