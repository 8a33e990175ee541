#pragma once

// Test client for sink servers (numaflow::Sink).
//
//   numaflow::testing::SinkClient client{socket_path};
//   numaflow::SinkResponses responses = client.sink({a, b});   // one batch and its EOT

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/functions/sink.hpp"
#include "numaflow/sink/v1/sink.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

// Drives a sink server: each call sends one batch and its EOT, then checks that exactly one result
// per id arrives before the server's EOT and that the EOT carries no results.
class SinkClient : public HandshakenClient<sink::v1::Sink, &sink::v1::Sink::Stub::SinkFn> {
 public:
  using HandshakenClient::HandshakenClient;

  SinkResponses sink(Datums batch) {
    auto waiting = detail::assign_ids(batch, next_id_);
    for (auto const& d : batch) stream_.write(request(d));
    stream_.write(eot());
    SinkResponses out;
    for (;;) {
      auto response = stream_.read_expected("sink results");
      if (response.has_status() && response.status().eot()) {
        if (response.results_size() != 0)
          throw ProtocolError("numaflow::testing: the sink's EOT response carries results");
        break;
      }
      for (auto const& r : response.results()) {
        if (!waiting.erase(r.id()))
          throw ProtocolError("numaflow::testing: sink result for an unknown or already answered id \"" + r.id() +
                              "\"");
        out.push_back(from_result(r));
      }
    }
    if (!waiting.empty())
      throw ProtocolError("numaflow::testing: the sink sent EOT before answering " + std::to_string(waiting.size()) +
                          " ids");
    return out;
  }

  static SinkResponse from_result(Response::Result const& r) {
    SinkResponse out;
    out.id = r.id();
    out.status = static_cast<SinkResponse::Status>(r.status());
    out.error = r.err_msg();
    if (r.has_serve_response()) out.serve_payload = r.serve_response();
    if (r.has_on_success_msg()) {
      OnSuccessMessage m;
      m.value = r.on_success_msg().value();
      m.keys.assign(r.on_success_msg().keys().begin(), r.on_success_msg().keys().end());
      if (r.on_success_msg().has_metadata()) {
        auto groups = r.on_success_msg().metadata().user_metadata();
        m.user_metadata = numaflow::detail::metadata_from_proto(groups);
      }
      out.on_success_message = std::move(m);
    }
    if (r.has_nack_options()) out.nack_options = numaflow::detail::from_proto(r.nack_options());
    return out;
  }
};

}  // namespace numaflow::testing
