#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/shapes/batch.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/functions/batchmap.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/message.hpp"

// batchmap: how the tag declared in numaflow/functions/batchmap.hpp is served.
namespace numaflow::detail {

// map.v1 framing for batches: one response per id, then one EOT without id.
struct BatchMapProto : MapProto {
  static std::vector<Response> batch_responses(Datums const& batch, BatchResponses&& answers) {
    std::vector<std::string> requested, answered;
    requested.reserve(batch.size());
    answered.reserve(answers.size());
    for (auto const& d : batch) requested.push_back(d.id);
    for (auto const& a : answers) answered.push_back(a.id);
    verify_batch_ids(requested, answered);
    std::vector<Response> out;
    out.reserve(answers.size() + 1);
    for (auto& a : answers) {
      Response r;
      r.set_id(std::move(a.id));
      for (auto& m : a.messages) fill_result(r.add_results(), std::move(m));
      out.push_back(std::move(r));
    }
    out.push_back(eot_response());
    return out;
  }
};

template <class Policy, class H>
using BatchMapService = MapFamilyService<StreamServiceCore<
    BatchMapProto, runner_t<Policy, batch_process_t<BatchMapProto, Policy, H>, BatchMapProto>, BatchStream>>;

template <>
struct Functionality<BatchMap> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/batchmap.sock",
            "/var/run/numaflow/mapper-server-info",
            "1.4.0-z",
            {{"MAP_MODE", "batch-map"}}};
  }

  template <class Policy, class H>
  static constexpr bool accepts =
      std::is_same_v<Policy, Async>  ? batch_handler<H, AsyncBatchMapper, Task<BatchResponses>>
      : std::is_same_v<Policy, Sync> ? batch_handler<H, BatchMapper, BatchResponses>
                                     : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(batch_handler<H, BatchMapper, BatchResponses>,
                    "numaflow::Server<BatchMap, Sync>: the handler must be callable as BatchResponses(Datums const& "
                    "batch), or be a class derived from numaflow::BatchMapper");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(batch_handler<H, AsyncBatchMapper, Task<BatchResponses>>,
                    "numaflow::Server<BatchMap, Async>: the handler must be a coroutine callable as "
                    "Task<BatchResponses>(Datums const& batch), or be a class derived from numaflow::AsyncBatchMapper");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<BatchMap, Policy>: BatchMap supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = BatchMapService<Policy, H>;
};

}  // namespace numaflow::detail
