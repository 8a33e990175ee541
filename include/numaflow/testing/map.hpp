#pragma once

// Test client for map servers in unary mode (numaflow::Map).
//
//   numaflow::Server<numaflow::Map, numaflow::Sync> server{my_map, {.socket_path = dir / "map.sock", …}};
//   server.start();
//   numaflow::testing::MapClient client{dir / "map.sock"};
//   auto results = client.map({datum});   // id → messages

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

// Drives a map server (unary mode) like the platform: handshake, then requests in flight
// concurrently on one stream, responses matched by id.
class MapClient : public HandshakenClient<map::v1::Map, &map::v1::Map::Stub::MapFn> {
 public:
  using HandshakenClient::HandshakenClient;

  // Sends every datum (empty ids are numbered) and returns the messages per id. Throws if an id is
  // answered twice, an unknown id comes back, or the stream ends.
  std::map<std::string, Messages> map(Datums datums) {
    return detail::exchange_per_request(stream_, std::move(datums), next_id_, &request,
                                        [](auto const& r) { return numaflow::detail::message_from_result(r); });
  }

  Messages map_one(Datum d) {
    auto results = map({std::move(d)});
    return results.begin()->second;
  }
};

}  // namespace numaflow::testing
