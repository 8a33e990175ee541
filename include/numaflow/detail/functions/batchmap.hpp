#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/map.hpp"
#include "numaflow/detail/functions/step.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/shapes/batch.hpp"
#include "numaflow/functions/batchmap.hpp"
#include "numaflow/message.hpp"

// batchmap: how the tag declared in numaflow/functions/batchmap.hpp is served.
namespace numaflow::detail {

// map.v1 framing for batches: one response per id, then one EOT without id.
struct BatchMapFraming : MapFraming {
  static std::vector<Response> batch_responses(BatchResponses&& answers) {
    std::vector<Response> out;
    out.reserve(answers.size() + 1);
    for (auto& answer : answers) {
      Response r;
      r.set_id(std::move(answer.id));
      for (auto& m : answer.messages) fill_result(r.add_results(), std::move(m));
      out.push_back(std::move(r));
    }
    out.push_back(eot_response());
    return out;
  }
};

template <>
struct Functionality<BatchMap> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/batchmap.sock",
            "/var/run/numaflow/mapper-server-info",
            "1.4.0-z",
            {{"MAP_MODE", "batch-map"}}};
  }

  template <class Policy, class H>
  using service =
      Served<stepped_runner_t<Policy, H, BatchStep<BatchMapFraming>>, MapService<BatchStream<BatchMapFraming>>>;
};

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(MapService<BatchStream<BatchMapFraming>>,
                                    Work<BatchStream<BatchMapFraming>::submitter_type>);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(BatchMap, Sync,
                                 "be callable as BatchResponses(Datums const& batch), or be a class derived from "
                                 "numaflow::BatchMapper",
                                 batch_handler<H, BatchMapper, BatchResponses>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(BatchMap, Async,
                                 "be a coroutine callable as Task<BatchResponses>(Datums const& batch), or be a class "
                                 "derived from numaflow::AsyncBatchMapper",
                                 batch_handler<H, AsyncBatchMapper, Task<BatchResponses>>);

}  // namespace numaflow::detail
