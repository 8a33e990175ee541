#pragma once

// Test client for map-stream servers (numaflow::MapStream).
//
//   numaflow::testing::MapStreamClient client{socket_path};
//   client.on_message = [](std::string const& id, numaflow::Message const& m) { … };   // optional
//   auto results = client.map_stream({datum});   // id → messages

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/map/v1/map.grpc.pb.h"
#include "numaflow/message.hpp"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

// Drives a map-stream server: messages arrive one per response, then an EOT per id; `on_message`
// (if set) sees every message as it arrives.
class MapStreamClient : public HandshakenClient<map::v1::Map, &map::v1::Map::Stub::MapFn> {
 public:
  using HandshakenClient::HandshakenClient;

  std::function<void(std::string const& id, Message const&)> on_message;

  std::map<std::string, Messages> map_stream(Datums datums) {
    auto open = detail::assign_ids(datums, next_id_);
    for (auto const& d : datums) stream_.write(request(d));
    std::map<std::string, Messages> results;
    for (auto const& id : open) results[id];
    while (!open.empty()) {
      auto response = stream_.read_expected("map stream responses");
      if (!results.count(response.id()))
        throw ProtocolError("numaflow::testing: map stream response for an unknown id \"" + response.id() + "\"");
      if (!open.count(response.id()))
        throw ProtocolError("numaflow::testing: map stream response after the EOT of id \"" + response.id() + "\"");
      for (auto const& r : response.results()) {
        auto m = numaflow::detail::message_from_result(r);
        if (on_message) on_message(response.id(), m);
        results[response.id()].push_back(std::move(m));
      }
      if (response.has_status() && response.status().eot()) {
        if (response.results_size() != 0) throw ProtocolError("numaflow::testing: a map stream EOT carries results");
        open.erase(response.id());
      }
    }
    return results;
  }

  Messages map_stream_one(Datum d) {
    Datums one{std::move(d)};
    auto results = map_stream(one);
    return results.begin()->second;
  }
};

}  // namespace numaflow::testing
