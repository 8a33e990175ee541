#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <utility>

#include "numaflow/common/metadata.pb.h"
#include "numaflow/common/nack_options.pb.h"
#include "numaflow/datum.hpp"
#include "numaflow/message.hpp"

// Conversions between protobuf messages and the SDK's value types, in one place. The payload
// messages of the different packages share field names, so one template serves them all; strings
// are moved out of the (owned) request instead of copied.
namespace numaflow::detail {

inline Timestamp from_proto(google::protobuf::Timestamp const& t) { return {t.seconds(), t.nanos()}; }

inline void to_proto(Timestamp const& t, google::protobuf::Timestamp* out) {
  out->set_seconds(t.seconds);
  out->set_nanos(t.nanos);
}

inline Metadata metadata_from_proto(google::protobuf::Map<std::string, common::KeyValueGroup>& groups) {
  Metadata::Groups out;
  for (auto& [name, group] : groups) {
    auto& target = out[name];
    for (auto& [key, value] : *group.mutable_key_value()) target.emplace(key, std::move(value));
  }
  return Metadata{std::move(out)};
}

inline void user_metadata_to_proto(Metadata const& m, common::Metadata* out) {
  for (auto const& [name, group] : m.all()) {
    auto& target = (*out->mutable_user_metadata())[name];
    for (auto const& [key, value] : group) (*target.mutable_key_value())[key] = value;
  }
}

inline void to_proto(NackOptions const& n, common::NackOptions* out) {
  if (n.reason) out->set_reason(*n.reason);
  if (n.max_deliveries) out->set_max_deliveries(*n.max_deliveries);
  if (n.delay_ms) out->set_delay(*n.delay_ms);
  for (auto const& [k, v] : n.options) (*out->mutable_nack_map())[k] = v;
}

inline NackOptions from_proto(common::NackOptions const& n) {
  NackOptions out;
  if (n.has_reason()) out.reason = n.reason();
  if (n.has_max_deliveries()) out.max_deliveries = n.max_deliveries();
  if (n.has_delay()) out.delay_ms = n.delay();
  for (auto const& [k, v] : n.nack_map()) out.options.emplace(k, v);
  return out;
}

// Fills a Datum from any request payload (keys, value, event_time, watermark, headers, metadata).
template <class Payload>
void fill_datum(Datum& d, Payload& p) {
  d.keys.assign(std::make_move_iterator(p.mutable_keys()->begin()), std::make_move_iterator(p.mutable_keys()->end()));
  d.value = std::move(*p.mutable_value());
  if (p.has_event_time()) d.event_time = from_proto(p.event_time());
  if (p.has_watermark()) d.watermark = from_proto(p.watermark());
  for (auto& [k, v] : *p.mutable_headers()) d.headers.emplace(k, std::move(v));
  if constexpr (requires { p.mutable_metadata(); }) {
    if (p.has_metadata()) {
      d.user_metadata = metadata_from_proto(*p.mutable_metadata()->mutable_user_metadata());
      d.system_metadata = metadata_from_proto(*p.mutable_metadata()->mutable_sys_metadata());
      d.previous_vertex = std::move(*p.mutable_metadata()->mutable_previous_vertex());
    }
  }
}

// Whether a result's user metadata reaches the platform. Map, batch map, map stream and source
// transformer results carry it; the platform drops it from reduce and session-reduce results, so
// it is not sent there and nobody downstream can come to rely on it.
enum class UserMetadata { sent, not_sent };

// Fills a result from a Message. Only user metadata goes back.
template <UserMetadata metadata = UserMetadata::sent, class Result>
void fill_result(Result* r, Message&& m) {
  for (auto& k : m.keys) r->add_keys(std::move(k));
  r->set_value(std::move(m.value));
  for (auto& t : m.tags) r->add_tags(std::move(t));
  if constexpr (metadata == UserMetadata::sent && requires { r->mutable_metadata(); }) {
    if (!m.user_metadata.empty()) user_metadata_to_proto(m.user_metadata, r->mutable_metadata());
  }
  if constexpr (requires { r->mutable_nack_options(); }) {
    if (m.nack_options) to_proto(*m.nack_options, r->mutable_nack_options());
  }
}

}  // namespace numaflow::detail

namespace numaflow::detail {

// The reverse directions, used by the test client: a Datum into a request payload, a result into
// a Message.
template <class Payload>
void fill_payload(Payload* p, Datum const& d) {
  for (auto const& k : d.keys) p->add_keys(k);
  p->set_value(d.value);
  to_proto(d.event_time, p->mutable_event_time());
  to_proto(d.watermark, p->mutable_watermark());
  for (auto const& [k, v] : d.headers) (*p->mutable_headers())[k] = v;
  if constexpr (requires { p->mutable_metadata(); }) {
    if (!d.user_metadata.empty() || !d.system_metadata.empty() || !d.previous_vertex.empty()) {
      auto* m = p->mutable_metadata();
      m->set_previous_vertex(d.previous_vertex);
      user_metadata_to_proto(d.user_metadata, m);
      for (auto const& [name, group] : d.system_metadata.all()) {
        auto& target = (*m->mutable_sys_metadata())[name];
        for (auto const& [key, value] : group) (*target.mutable_key_value())[key] = value;
      }
    }
  }
}

template <class Result>
Message message_from_result(Result const& r) {
  Message m;
  m.keys.assign(r.keys().begin(), r.keys().end());
  m.value = r.value();
  m.tags.assign(r.tags().begin(), r.tags().end());
  if constexpr (requires { r.metadata(); }) {
    if (r.has_metadata()) {
      auto groups = r.metadata().user_metadata();
      m.user_metadata = metadata_from_proto(groups);
    }
  }
  if constexpr (requires { r.nack_options(); }) {
    if (r.has_nack_options()) m.nack_options = from_proto(r.nack_options());
  }
  if constexpr (requires { r.event_time(); }) {
    if (r.has_event_time()) m.event_time = from_proto(r.event_time());
  }
  return m;
}

}  // namespace numaflow::detail
