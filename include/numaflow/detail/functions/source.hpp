#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/framing.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/functions/step.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/detail/separate_compilation.hpp"
#include "numaflow/detail/shapes/per_request.hpp"
#include "numaflow/detail/shapes/request_stream.hpp"
#include "numaflow/detail/shapes/stream_service.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/source.hpp"
#include "numaflow/message.hpp"
#include "numaflow/source/v1/source.pb.h"
#if NUMAFLOW_DETAIL_DEFINITIONS  // the generated gRPC service, for the service below
#include "numaflow/source/v1/source.grpc.pb.h"
#endif

// source: how the tag declared in numaflow/functions/source.hpp is served.
namespace numaflow::detail {

struct SourceReadFraming : HandshakeFraming<source::v1::ReadRequest, source::v1::ReadResponse> {
  static Response handshake_response() {
    auto r = HandshakeFraming::handshake_response();
    r.mutable_status()->set_eot(false);
    return r;
  }
  static Response eot_response() {
    Response r;
    r.mutable_status()->set_eot(true);
    r.mutable_status()->set_code(source::v1::ReadResponse::Status::SUCCESS);
    return r;
  }
  static ReadRequest read_request(Request const& r) {
    return {r.request().num_records(), std::chrono::milliseconds{r.request().timeout_in_ms()}};
  }
  static Response result(SourceMessage&& m) {
    if (m.offset.value.empty()) throw std::invalid_argument("numaflow: a source message must have a non-empty offset");
    Response r;
    auto* result = r.mutable_result();
    result->set_payload(std::move(m.value));
    result->mutable_offset()->set_offset(std::move(m.offset.value));
    result->mutable_offset()->set_partition_id(m.offset.partition_id);
    to_proto(m.event_time, result->mutable_event_time());
    for (auto& k : m.keys) result->add_keys(std::move(k));
    for (auto& [k, v] : m.headers) (*result->mutable_headers())[k] = std::move(v);
    if (!m.user_metadata.empty()) user_metadata_to_proto(m.user_metadata, result->mutable_metadata());
    r.mutable_status()->set_eot(false);
    r.mutable_status()->set_code(source::v1::ReadResponse::Status::SUCCESS);
    return r;
  }
};

struct SourceAckFraming : HandshakeFraming<source::v1::AckRequest, source::v1::AckResponse> {
  static Response handshake_response() {
    auto r = HandshakeFraming::handshake_response();
    r.mutable_result()->mutable_success();
    return r;
  }
  static Response success() {
    Response r;
    r.mutable_result()->mutable_success();
    return r;
  }
};

template <class Offsets>
std::vector<Offset> offsets_from_proto(Offsets const& offsets) {
  std::vector<Offset> out;
  out.reserve(static_cast<std::size_t>(offsets.size()));
  for (auto const& o : offsets) out.push_back({o.offset(), o.partition_id()});
  return out;
}

// Flattens the platform's one-entry-per-offset nack request.
inline std::vector<NackedOffset> nacks_from_proto(source::v1::NackRequest const& request) {
  std::vector<NackedOffset> out;
  for (auto const& entry : request.request()) {
    std::optional<NackOptions> options;
    if (entry.has_nack_options()) options = from_proto(entry.nack_options());
    for (auto const& o : entry.offsets()) out.push_back({{o.offset(), o.partition_id()}, options});
  }
  return out;
}

inline source::v1::NackResponse nack_success() {
  source::v1::NackResponse r;
  r.mutable_result()->mutable_success();
  return r;
}

inline source::v1::PendingResponse pending_response(std::int64_t count) {
  source::v1::PendingResponse r;
  r.mutable_result()->set_count(count);
  return r;
}

// The platform reads `result` unconditionally (an unset one panics its source component), so it is
// set even when the list is empty.
inline source::v1::PartitionsResponse partitions_response(std::vector<std::int32_t> const& partitions,
                                                          std::optional<std::int32_t> total) {
  source::v1::PartitionsResponse r;
  auto* result = r.mutable_result();
  for (auto p : partitions) result->add_partitions(p);
  if (total) result->set_total_partitions(*total);
  return r;
}

inline void warn_read_over_count(std::uint64_t limit) {
  static std::once_flag warned;
  std::call_once(warned, [limit] {
    std::fprintf(stderr,
                 "numaflow: Sourcer::read emitted more than the %llu records the platform asked for; every record "
                 "is delivered, but a read should stay within ReadRequest::count (warned once)\n",
                 static_cast<unsigned long long>(limit));
  });
}

// A read may emit more than the platform asked for: the platform takes every result until the EOT
// (the count only sizes its buffer), so each one is sent, and the source's author is told once.
inline SourceEmitter source_emitter(StreamJob<SourceReadFraming>& job, std::uint64_t limit) {
  return SourceEmitter{[&job, limit, emitted = std::uint64_t{0}](SourceMessage&& m) mutable {
    if (++emitted == limit + 1) warn_read_over_count(limit);
    job.send(SourceReadFraming::result(std::move(m)));
  }};
}

struct PendingCall {};
struct PartitionsCall {};

// One read being served: the platform's request and where the handler's records go.
struct SourceReadCall {
  explicit SourceReadCall(StreamJob<SourceReadFraming>& job)
      : request(SourceReadFraming::read_request(job.request)), out(source_emitter(job, request.count)) {}
  ReadRequest const request;
  SourceEmitter out;
};

// One step per source operation. A handler's arguments live in the decoded input, so they outlive
// an Async handler's coroutine.
struct ReadStep {
  using In = StreamJob<SourceReadFraming>;
  using Response = SourceReadFraming::Response;
  static SourceReadCall decode(In& job) { return SourceReadCall{job}; }
  template <class H>
  static decltype(auto) call(H& handler, SourceReadCall& read) {
    return handler.H::read(read.request, read.out);
  }
  static Response encode(SourceReadCall&) { return SourceReadFraming::eot_response(); }
};

struct AckStep {
  using In = source::v1::AckRequest;
  using Response = SourceAckFraming::Response;
  static std::vector<Offset> decode(In& request) { return offsets_from_proto(request.request().offsets()); }
  template <class H>
  static decltype(auto) call(H& handler, std::vector<Offset> const& offsets) {
    return handler.H::ack(offsets);
  }
  static Response encode(std::vector<Offset> const&) { return SourceAckFraming::success(); }
};

struct NackStep {
  using In = source::v1::NackRequest;
  using Response = source::v1::NackResponse;
  static std::vector<NackedOffset> decode(In& request) { return nacks_from_proto(request); }
  template <class H>
  static decltype(auto) call(H& handler, std::vector<NackedOffset> const& offsets) {
    return handler.H::nack(offsets);
  }
  static Response encode(std::vector<NackedOffset> const&) { return nack_success(); }
};

struct PendingStep {
  using In = PendingCall;
  using Response = source::v1::PendingResponse;
  template <class H>
  static decltype(auto) call(H& handler, PendingCall&) {
    return handler.H::pending();
  }
  static Response encode(PendingCall&, std::int64_t count) { return pending_response(count); }
};

struct PartitionsStep {
  using In = PartitionsCall;
  using Response = source::v1::PartitionsResponse;
  template <class H>
  static auto call(H& handler, PartitionsCall&) {
    return both(handler.H::partitions(), handler.H::total_partitions());
  }
  static Response encode(PartitionsCall&,
                         std::pair<std::vector<std::int32_t>, std::optional<std::int32_t>>&& partitions) {
    return partitions_response(partitions.first, partitions.second);
  }
};

// Defined below, only with the generated gRPC code it derives from: compiled in the numaflow
// library under NUMAFLOW_SEPARATE_COMPILATION (see make_service in detail/shapes/stream_service.hpp).
template <class W>
class SourceService;

using SourceWork = work_for_t<ReadStep, AckStep, NackStep, PendingStep, PartitionsStep>;

template <>
struct Functionality<Source> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/source.sock", "/var/run/numaflow/sourcer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  using service = Served<stepped_runner_t<Policy, H, ReadStep, AckStep, NackStep, PendingStep, PartitionsStep>,
                         SourceService<SourceWork>>;
};

#if NUMAFLOW_DETAIL_DEFINITIONS
template <class W>
class SourceService
    : public ServiceCore<
          grpc_service_t<source::v1::Source, source::v1::Source::WithAsyncMethod_ReadFn,
                         source::v1::Source::WithAsyncMethod_AckFn, source::v1::Source::WithCallbackMethod_NackFn,
                         source::v1::Source::WithCallbackMethod_PendingFn,
                         source::v1::Source::WithCallbackMethod_PartitionsFn>,
          source::v1::ReadyResponse, W> {
 public:
  using SourceService::ServiceCore::ServiceCore;
  void accept_streams(CqEngine& engine) override;
  grpc::ServerUnaryReactor* NackFn(grpc::CallbackServerContext* context, source::v1::NackRequest const* request,
                                   source::v1::NackResponse* response) override;
  grpc::ServerUnaryReactor* PendingFn(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                      source::v1::PendingResponse* response) override;
  grpc::ServerUnaryReactor* PartitionsFn(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                         source::v1::PartitionsResponse* response) override;
};

template <class W>
void SourceService<W>::accept_streams(CqEngine& engine) {
  this->template accept<RequestStream<SourceReadFraming>>(engine, &SourceService::RequestReadFn);
  this->template accept<PerRequestStream<SourceAckFraming>>(engine, &SourceService::RequestAckFn);
}

template <class W>
grpc::ServerUnaryReactor* SourceService<W>::NackFn(grpc::CallbackServerContext* context,
                                                   source::v1::NackRequest const* request,
                                                   source::v1::NackResponse* response) {
  return this->answer(context, source::v1::NackRequest{*request}, response);
}

template <class W>
grpc::ServerUnaryReactor* SourceService<W>::PendingFn(grpc::CallbackServerContext* context,
                                                      google::protobuf::Empty const*,
                                                      source::v1::PendingResponse* response) {
  return this->answer(context, PendingCall{}, response);
}

template <class W>
grpc::ServerUnaryReactor* SourceService<W>::PartitionsFn(grpc::CallbackServerContext* context,
                                                         google::protobuf::Empty const*,
                                                         source::v1::PartitionsResponse* response) {
  return this->answer(context, PartitionsCall{}, response);
}
#endif

NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(SourceService<SourceWork>, SourceWork);

NUMAFLOW_DETAIL_HANDLER_CONTRACT(Source, Sync,
                                 "be an object of a class derived from numaflow::Sourcer (read, ack, nack, pending, "
                                 "and optionally partitions/total_partitions)",
                                 std::derived_from<H, Sourcer>);
NUMAFLOW_DETAIL_HANDLER_CONTRACT(Source, Async,
                                 "be an object of a class derived from numaflow::AsyncSourcer (coroutines read, ack, "
                                 "nack, pending, and optionally partitions)",
                                 std::derived_from<H, AsyncSourcer>);

}  // namespace numaflow::detail
