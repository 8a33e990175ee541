#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/handler_base.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: sink (`sink.v1.Sink`). One server type serves the primary, fallback and
// on-success roles; NUMAFLOW_UD_CONTAINER_TYPE picks the socket.
struct Sink {
  static constexpr char const* name = "Sink";
};

// The replacement message an on-success response may carry.
struct OnSuccessMessage {
  std::string value{};
  Keys keys{};
  Metadata user_metadata{};
  friend bool operator==(OnSuccessMessage const&, OnSuccessMessage const&) = default;
};

// The outcome for one datum of a sink batch.
struct SinkResponse {
  enum class Status { success = 0, failure = 1, fallback = 2, serve = 3, on_success = 4, nack = 5 };

  std::string id{};
  Status status = Status::success;
  std::string error{};                                   // failure
  std::optional<std::string> serve_payload{};            // serve
  std::optional<OnSuccessMessage> on_success_message{};  // on_success
  std::optional<NackOptions> nack_options{};             // nack

  static SinkResponse success(std::string id) { return make(std::move(id), Status::success); }
  static SinkResponse failure(std::string id, std::string error) {
    SinkResponse r = make(std::move(id), Status::failure);
    r.error = std::move(error);
    return r;
  }
  static SinkResponse fallback(std::string id) { return make(std::move(id), Status::fallback); }
  static SinkResponse serve(std::string id, std::optional<std::string> payload = std::nullopt) {
    SinkResponse r = make(std::move(id), Status::serve);
    r.serve_payload = std::move(payload);
    return r;
  }
  static SinkResponse on_success(std::string id, std::optional<OnSuccessMessage> message = std::nullopt) {
    SinkResponse r = make(std::move(id), Status::on_success);
    r.on_success_message = std::move(message);
    return r;
  }
  static SinkResponse nack(std::string id, std::optional<NackOptions> options = std::nullopt) {
    SinkResponse r = make(std::move(id), Status::nack);
    r.nack_options = std::move(options);
    return r;
  }

  friend bool operator==(SinkResponse const&, SinkResponse const&) = default;

 private:
  static SinkResponse make(std::string id, Status status) {
    SinkResponse r;
    r.id = std::move(id);
    r.status = status;
    return r;
  }
};

using SinkResponses = std::vector<SinkResponse>;

// Class-style sink handler: gets the whole batch, returns one response per datum id.
class Sinker : public HandlerBase<SinkResponses(Datums const& batch)> {};

class AsyncSinker : public HandlerBase<Task<SinkResponses>(Datums const& batch)> {};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/sink.hpp"
