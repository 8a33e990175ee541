#pragma once

// Test client for source-transformer servers (numaflow::SourceTransform).
//
//   numaflow::testing::SourceTransformClient client{socket_path};
//   auto messages = client.transform_one(datum);

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sourcetransformer/v1/transform.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

// Drives a source-transformer server: the datum's id is the offset; every result must carry an
// event time.
class SourceTransformClient
    : public HandshakenClient<sourcetransformer::v1::SourceTransform,
                              &sourcetransformer::v1::SourceTransform::Stub::SourceTransformFn> {
 public:
  using HandshakenClient::HandshakenClient;

  std::map<std::string, Messages> transform(Datums datums) {
    return detail::exchange_per_request(stream_, std::move(datums), next_id_, &request, [](auto const& r) {
      if (!r.has_event_time()) throw ProtocolError("numaflow::testing: transformer result without event_time");
      return numaflow::detail::message_from_result(r);
    });
  }

  Messages transform_one(Datum d) {
    auto results = transform({std::move(d)});
    return results.begin()->second;
  }
};

}  // namespace numaflow::testing
