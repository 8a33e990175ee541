#pragma once

// Test client for batch-map servers (numaflow::BatchMap).
//
//   numaflow::testing::BatchMapClient client{socket_path};
//   auto results = client.batch_map({a, b});   // id → messages

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/map/v1/map.grpc.pb.h"
#include "numaflow/message.hpp"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

// Drives a batch-map server: each call sends one batch and its EOT, then checks that every id is
// answered exactly once before the server's EOT.
class BatchMapClient : public HandshakenClient<map::v1::Map, &map::v1::Map::Stub::MapFn> {
 public:
  using HandshakenClient::HandshakenClient;

  std::map<std::string, Messages> batch_map(Datums batch) {
    auto waiting = detail::assign_ids(batch, next_id_);
    for (auto const& d : batch) stream_.write(request(d));
    stream_.write(eot());
    std::map<std::string, Messages> results;
    for (;;) {
      auto response = stream_.read_expected("batch map responses");
      if (response.has_status() && response.status().eot()) break;
      if (!waiting.erase(response.id()))
        throw ProtocolError("numaflow::testing: batch response for an unknown or already answered id \"" +
                            response.id() + "\"");
      auto& out = results[response.id()];
      for (auto const& r : response.results()) out.push_back(numaflow::detail::message_from_result(r));
    }
    if (!waiting.empty())
      throw ProtocolError("numaflow::testing: the batch map sent EOT before answering " +
                          std::to_string(waiting.size()) + " ids");
    return results;
  }
};

}  // namespace numaflow::testing
