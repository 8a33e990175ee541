#pragma once

// Test client for source servers (numaflow::Source).
//
//   numaflow::testing::SourceClient client{socket_path};
//   auto messages = client.read(10);
//   client.ack({messages[0].offset});

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/functions/source.hpp"
#include "numaflow/source/v1/source.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"

namespace numaflow::testing {

// Drives a source server like the platform: read and ack streams with their handshakes, and the
// unary nack, pending and partitions calls.
class SourceClient {
 public:
  explicit SourceClient(std::string const& socket_path) : stub_(source::v1::Source::NewStub(connect(socket_path))) {}

  // One read request; returns the messages before the EOT, checking each has an offset and an
  // event time. Like the platform, it takes any number of them (`count` sizes its buffer only).
  std::vector<SourceMessage> read(std::uint64_t count, std::uint32_t timeout_ms = 1000) {
    auto& stream = read_stream();
    source::v1::ReadRequest request;
    request.mutable_request()->set_num_records(count);
    request.mutable_request()->set_timeout_in_ms(timeout_ms);
    stream.write(request);
    std::vector<SourceMessage> out;
    for (;;) {
      auto response = stream.read_expected("read responses");
      if (response.has_status() && response.status().eot()) {
        if (response.has_result()) throw ProtocolError("numaflow::testing: a read EOT carries a result");
        return out;
      }
      if (!response.has_result()) throw ProtocolError("numaflow::testing: a read response with neither result nor EOT");
      auto const& r = response.result();
      if (!r.has_offset() || r.offset().offset().empty())
        throw ProtocolError("numaflow::testing: a read result without offset");
      if (!r.has_event_time()) throw ProtocolError("numaflow::testing: a read result without event time");
      SourceMessage m;
      m.value = r.payload();
      m.offset = {r.offset().offset(), r.offset().partition_id()};
      m.event_time = numaflow::detail::from_proto(r.event_time());
      m.keys.assign(r.keys().begin(), r.keys().end());
      for (auto const& [k, v] : r.headers()) m.headers[k] = v;
      if (r.has_metadata()) {
        auto groups = r.metadata().user_metadata();
        m.user_metadata = numaflow::detail::metadata_from_proto(groups);
      }
      out.push_back(std::move(m));
    }
  }

  void ack(std::vector<Offset> const& offsets) {
    auto& stream = ack_stream();
    source::v1::AckRequest request;
    for (auto const& o : offsets) {
      auto* offset = request.mutable_request()->add_offsets();
      offset->set_offset(o.value);
      offset->set_partition_id(o.partition_id);
    }
    stream.write(request);
    auto response = stream.read_expected("the ack response");
    if (!response.has_result() || !response.result().has_success())
      throw ProtocolError("numaflow::testing: an ack response without result.success");
  }

  // As the platform sends it: one request entry per offset.
  void nack(std::vector<NackedOffset> const& nacks) {
    source::v1::NackRequest request;
    for (auto const& n : nacks) {
      auto* entry = request.add_request();
      auto* offset = entry->add_offsets();
      offset->set_offset(n.offset.value);
      offset->set_partition_id(n.offset.partition_id);
      if (n.options) numaflow::detail::to_proto(*n.options, entry->mutable_nack_options());
    }
    source::v1::NackResponse response;
    grpc::ClientContext context;
    check(stub_->NackFn(&context, request, &response), "NackFn");
  }

  std::int64_t pending() {
    source::v1::PendingResponse response;
    grpc::ClientContext context;
    check(stub_->PendingFn(&context, google::protobuf::Empty{}, &response), "PendingFn");
    return response.result().count();
  }

  std::pair<std::vector<std::int32_t>, std::optional<std::int32_t>> partitions() {
    source::v1::PartitionsResponse response;
    grpc::ClientContext context;
    check(stub_->PartitionsFn(&context, google::protobuf::Empty{}, &response), "PartitionsFn");
    if (!response.has_result()) throw ProtocolError("numaflow::testing: PartitionsResponse.result must be set");
    std::vector<std::int32_t> ids(response.result().partitions().begin(), response.result().partitions().end());
    std::optional<std::int32_t> total;
    if (response.result().has_total_partitions()) total = response.result().total_partitions();
    return {ids, total};
  }

  // Half-closes both streams and returns the first non-OK status (or OK).
  grpc::Status close() {
    grpc::Status status;
    if (read_) status = read_->close();
    if (ack_) {
      auto s = ack_->close();
      if (status.ok()) status = s;
    }
    read_.reset();
    ack_.reset();
    return status;
  }

 private:
  using ReadStream = StreamClient<source::v1::ReadRequest, source::v1::ReadResponse>;
  using AckStream = StreamClient<source::v1::AckRequest, source::v1::AckResponse>;

  static void check(grpc::Status const& status, char const* call) {
    if (!status.ok())
      throw ProtocolError(std::string{"numaflow::testing: "} + call + " failed: " + status.error_message(), status);
  }

  ReadStream& read_stream() {
    if (!read_) {
      read_ = std::make_unique<ReadStream>([&](grpc::ClientContext* context) { return stub_->ReadFn(context); });
      send_handshake(*read_);
    }
    return *read_;
  }

  AckStream& ack_stream() {
    if (!ack_) {
      ack_ = std::make_unique<AckStream>([&](grpc::ClientContext* context) { return stub_->AckFn(context); });
      send_handshake(*ack_);
    }
    return *ack_;
  }

  std::unique_ptr<source::v1::Source::Stub> stub_;
  std::unique_ptr<ReadStream> read_;
  std::unique_ptr<AckStream> ack_;
};

}  // namespace numaflow::testing
