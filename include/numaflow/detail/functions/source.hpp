#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/policies/policy_runner.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/detail/shapes/per_request.hpp"
#include "numaflow/detail/shapes/request_stream.hpp"
#include "numaflow/detail/shapes/unary.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/source.hpp"
#include "numaflow/message.hpp"
#include "numaflow/source/v1/source.grpc.pb.h"

// source: how the tag declared in numaflow/functions/source.hpp is served.
namespace numaflow::detail {

struct SourceReadProto {
  using Request = source::v1::ReadRequest;
  using Response = source::v1::ReadResponse;
  static constexpr bool handshake = true;
  static bool is_handshake(Request const& r) { return r.has_handshake() && r.handshake().sot(); }
  static Response handshake_response() {
    Response r;
    r.mutable_handshake()->set_sot(true);
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

struct SourceAckProto {
  using Request = source::v1::AckRequest;
  using Response = source::v1::AckResponse;
  static constexpr bool handshake = true;
  static bool is_handshake(Request const& r) { return r.has_handshake() && r.handshake().sot(); }
  static Response handshake_response() {
    Response r;
    r.mutable_handshake()->set_sot(true);
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
inline SourceEmitter source_emitter(StreamJob<SourceReadProto>& job, std::uint64_t limit) {
  return SourceEmitter{[&job, limit, emitted = std::uint64_t{0}](SourceMessage&& m) mutable {
    if (++emitted == limit + 1) warn_read_over_count(limit);
    job.send(SourceReadProto::result(std::move(m)));
  }};
}

struct PendingCall {};
struct PartitionsCall {};

// Every source operation, one overload per request type, run by the service's runner.
template <class H>
struct SourceProcess {
  H handler;
  SourceReadProto::Response operator()(StreamJob<SourceReadProto>& job) {
    auto const request = SourceReadProto::read_request(job.request);
    auto out = source_emitter(job, request.count);
    handler.H::read(request, out);
    return SourceReadProto::eot_response();
  }
  SourceAckProto::Response operator()(source::v1::AckRequest& r) {
    handler.H::ack(offsets_from_proto(r.request().offsets()));
    return SourceAckProto::success();
  }
  source::v1::NackResponse operator()(source::v1::NackRequest& r) {
    handler.H::nack(nacks_from_proto(r));
    return nack_success();
  }
  source::v1::PendingResponse operator()(PendingCall&) { return pending_response(handler.H::pending()); }
  source::v1::PartitionsResponse operator()(PartitionsCall&) {
    return partitions_response(handler.H::partitions(), handler.H::total_partitions());
  }
};

template <class H>
struct AsyncSourceProcess {
  H handler;
  Task<SourceReadProto::Response> operator()(StreamJob<SourceReadProto> job) {
    auto const request = SourceReadProto::read_request(job.request);
    auto out = source_emitter(job, request.count);
    co_await handler.H::read(request, out);
    co_return SourceReadProto::eot_response();
  }
  Task<SourceAckProto::Response> operator()(source::v1::AckRequest r) {
    co_await handler.H::ack(offsets_from_proto(r.request().offsets()));
    co_return SourceAckProto::success();
  }
  Task<source::v1::NackResponse> operator()(source::v1::NackRequest r) {
    co_await handler.H::nack(nacks_from_proto(r));
    co_return nack_success();
  }
  Task<source::v1::PendingResponse> operator()(PendingCall) {
    co_return pending_response(co_await handler.H::pending());
  }
  Task<source::v1::PartitionsResponse> operator()(PartitionsCall) {
    auto partitions = co_await handler.H::partitions();
    co_return partitions_response(partitions, co_await handler.H::total_partitions());
  }
};

template <class Policy, class H>
class SourceService final : public source::v1::Source::CallbackService, public ServiceBase {
  using Process = std::conditional_t<std::is_same_v<Policy, Async>, AsyncSourceProcess<H>, SourceProcess<H>>;
  using Runner = runner_t<Policy, Process>;

 public:
  SourceService(H handler, Runtime& runtime) : runtime_(runtime), runner_(Process{std::move(handler)}, runtime) {}

  grpc::Service& grpc_service() override { return *this; }
  void start() override { runner_.start(); }
  void after_shutdown() override { runner_.stop(); }

  grpc::ServerBidiReactor<source::v1::ReadRequest, source::v1::ReadResponse>* ReadFn(
      grpc::CallbackServerContext*) override {
    return open_stream<RequestStream<SourceReadProto, Runner>>(runtime_, runner_);
  }
  grpc::ServerBidiReactor<source::v1::AckRequest, source::v1::AckResponse>* AckFn(
      grpc::CallbackServerContext*) override {
    return open_stream<PerRequestStream<SourceAckProto, Runner>>(runtime_, runner_);
  }
  grpc::ServerUnaryReactor* NackFn(grpc::CallbackServerContext* context, source::v1::NackRequest const* request,
                                   source::v1::NackResponse* response) override {
    return answer_unary(context, runtime_, runner_, source::v1::NackRequest{*request}, response);
  }
  grpc::ServerUnaryReactor* PendingFn(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                      source::v1::PendingResponse* response) override {
    return answer_unary(context, runtime_, runner_, PendingCall{}, response);
  }
  grpc::ServerUnaryReactor* PartitionsFn(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                         source::v1::PartitionsResponse* response) override {
    return answer_unary(context, runtime_, runner_, PartitionsCall{}, response);
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    source::v1::ReadyResponse* response) override {
    return answer_ready(context, response);
  }

 private:
  Runtime& runtime_;
  Runner runner_;
};

template <>
struct Functionality<Source> {
  static Endpoint endpoint() {
    return {"/var/run/numaflow/source.sock", "/var/run/numaflow/sourcer-server-info", "1.4.0-z", {}};
  }

  template <class Policy, class H>
  static constexpr bool accepts = std::is_same_v<Policy, Async>  ? std::derived_from<H, AsyncSourcer>
                                  : std::is_same_v<Policy, Sync> ? std::derived_from<H, Sourcer>
                                                                 : false;

  template <class Policy, class H>
  static constexpr void check() {
    if constexpr (std::is_same_v<Policy, Sync>)
      static_assert(std::derived_from<H, Sourcer>,
                    "numaflow::Server<Source, Sync>: the handler must be an object of a class derived from "
                    "numaflow::Sourcer (read, ack, nack, pending, and optionally partitions/total_partitions)");
    else if constexpr (std::is_same_v<Policy, Async>)
      static_assert(std::derived_from<H, AsyncSourcer>,
                    "numaflow::Server<Source, Async>: the handler must be an object of a class derived from "
                    "numaflow::AsyncSourcer (coroutines read, ack, nack, pending, and optionally partitions)");
    else
      static_assert(always_false<Policy>,
                    "numaflow::Server<Source, Policy>: Source supports the policies numaflow::Sync and Async");
  }

  template <class Policy, class H>
  using service = SourceService<Policy, H>;
};

}  // namespace numaflow::detail
