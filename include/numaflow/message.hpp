#pragma once

#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"

namespace numaflow {

// Reserved tags understood by the platform.
inline constexpr char const* drop_tag = "U+005C__DROP__";
inline constexpr char const* nack_tag = "U+005C__NACK__";
// Asks the platform to retry the input (map, batch map, map stream, source transformer): see to_fail().
inline constexpr char const* fail_tag = "U+005C__FAIL__";

struct NackOptions {
  std::optional<std::string> reason{};
  std::optional<std::uint32_t> max_deliveries{};
  // Redelivery delay in milliseconds.
  std::optional<std::uint64_t> delay_ms{};
  std::map<std::string, std::string> options{};

  friend bool operator==(NackOptions const&, NackOptions const&) = default;
};

// One output message of a map, batch map, map stream or source transformer.
struct Message {
  std::string value{};
  Keys keys{};
  std::vector<std::string> tags{};
  Metadata user_metadata{};
  std::optional<NackOptions> nack_options{};
  // Source transformer: the (re)assigned event time; unset keeps the input's.
  std::optional<Timestamp> event_time{};

  Message() = default;
  explicit Message(std::string v, Keys k = {}, std::vector<std::string> t = {})
      : value(std::move(v)), keys(std::move(k)), tags(std::move(t)) {}
  // Forwards a datum: its value and keys (and user metadata, which downstream vertices expect to
  // survive a forward).
  explicit Message(Datum const& d) : value(d.value), keys(d.keys), user_metadata(d.user_metadata) {}

  Message& with_keys(Keys k) & {
    keys = std::move(k);
    return *this;
  }
  Message with_keys(Keys k) && {
    keys = std::move(k);
    return std::move(*this);
  }
  Message& with_tags(std::vector<std::string> t) & {
    tags = std::move(t);
    return *this;
  }
  Message with_tags(std::vector<std::string> t) && {
    tags = std::move(t);
    return std::move(*this);
  }
  Message& with_user_metadata(Metadata m) & {
    user_metadata = std::move(m);
    return *this;
  }
  Message with_user_metadata(Metadata m) && {
    user_metadata = std::move(m);
    return std::move(*this);
  }
  Message& with_event_time(Timestamp t) & {
    event_time = t;
    return *this;
  }
  Message with_event_time(Timestamp t) && {
    event_time = t;
    return std::move(*this);
  }

  static Message to_drop() {
    Message m;
    m.tags.emplace_back(drop_tag);
    return m;
  }
  // The transformer's drop keeps an event time: the platform requires one on every result.
  static Message to_drop(Timestamp event_time) { return to_drop().with_event_time(event_time); }

  static Message to_nack(NackOptions options = {}) {
    Message m;
    m.tags.emplace_back(nack_tag);
    m.nack_options = std::move(options);
    return m;
  }
  static Message to_nack(Timestamp event_time, NackOptions options = {}) {
    return to_nack(std::move(options)).with_event_time(event_time);
  }

  // The input failed and is to be processed again. The platform re-sends it, after the vertex's
  // retry backoff, until its retry strategy gives up (then drops or nacks it); with no strategy it
  // retries at once, forever. Map and source transformer: the same request, same id, and the other
  // messages returned with the FAIL are discarded. Batch map: the failed requests as a new batch.
  // Map stream: the same request; messages emitted before the FAIL have already gone downstream, and
  // the platform stops reading at the FAIL, so return right after emitting it (later ones are dropped).
  static Message to_fail() {
    Message m;
    m.tags.emplace_back(fail_tag);
    return m;
  }
  // The transformer's form: the platform requires an event time on every result.
  static Message to_fail(Timestamp event_time) { return to_fail().with_event_time(event_time); }

  bool is_drop() const { return has_tag(drop_tag); }
  bool is_fail() const { return has_tag(fail_tag); }
  bool has_tag(std::string_view tag) const {
    for (auto const& t : tags)
      if (t == tag) return true;
    return false;
  }

  friend bool operator==(Message const&, Message const&) = default;
};

// What a handler returns: a std::vector<Message> whose brace initialisation moves the messages in.
// `Messages{Message{value}}` on a plain vector copies every message (its value too) out of an
// initializer_list; here each one is moved (or copied, if it is an lvalue) straight into place.
class Messages : public std::vector<Message> {
 public:
  Messages() = default;
  Messages(std::vector<Message> messages) noexcept : std::vector<Message>(std::move(messages)) {}
  template <class... M>
    requires(sizeof...(M) > 0 && (std::same_as<std::remove_cvref_t<M>, Message> && ...))
  Messages(M&&... messages) {
    reserve(sizeof...(M));
    (emplace_back(std::forward<M>(messages)), ...);
  }
};

}  // namespace numaflow
