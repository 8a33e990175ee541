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
class SourceTransformClient {
 public:
  using Request = sourcetransformer::v1::SourceTransformRequest;
  using Response = sourcetransformer::v1::SourceTransformResponse;

  explicit SourceTransformClient(std::string const& socket_path)
      : stub_(sourcetransformer::v1::SourceTransform::NewStub(connect(socket_path))),
        stream_([this](grpc::ClientContext* context) { return stub_->SourceTransformFn(context); }) {
    send_handshake(stream_);
  }

  static Request request(Datum const& d) {
    Request r;
    numaflow::detail::fill_payload(r.mutable_request(), d);
    r.mutable_request()->set_id(d.id);
    return r;
  }

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

  // Half-closes and returns the server's final status.
  grpc::Status close() { return stream_.close(); }
  StreamClient<Request, Response>& stream() { return stream_; }

 private:
  std::unique_ptr<sourcetransformer::v1::SourceTransform::Stub> stub_;
  StreamClient<Request, Response> stream_;
  std::uint64_t next_id_ = 0;
};

}  // namespace numaflow::testing
