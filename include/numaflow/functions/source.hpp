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
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: user-defined source (`source.v1.Source` on source.sock).
struct Source {
  static constexpr char const* name = "Source";
};

// This replica's partition when the source does not say: NUMAFLOW_REPLICA (default 0).
inline std::int32_t default_partition() {
  try {
    return static_cast<std::int32_t>(std::stol(detail::env_or("NUMAFLOW_REPLICA", "0")));
  } catch (...) {
    return 0;
  }
}

// The partitions of this replica when the source does not say: [NUMAFLOW_REPLICA].
inline std::vector<std::int32_t> default_partitions() { return {default_partition()}; }

// Where a message sits in the source; handed back verbatim in ack and nack. `Offset{value}` is in
// this replica's default partition, NUMAFLOW_REPLICA, the one Sourcer::partitions() reports by
// default: the platform publishes watermarks per partition and must find the partition it tracks.
// A source with partitions of its own names them: `Offset{value, partition}`.
struct Offset {
  std::string value{};
  std::int32_t partition_id = default_partition();

  friend auto operator<=>(Offset const&, Offset const&) = default;
};

// One message read from the source.
struct SourceMessage {
  std::string value{};
  Offset offset{};
  Timestamp event_time = Timestamp::now();
  Keys keys{};
  Headers headers{};
  Metadata user_metadata{};
};

using SourceEmitter = Emitter<SourceMessage>;

// A read: emit at most `count` messages, within about `timeout`.
struct ReadRequest {
  std::uint64_t count = 0;
  std::chrono::milliseconds timeout{0};
};

// An offset the platform could not process, with its redelivery options if it sent any.
struct NackedOffset {
  Offset offset{};
  std::optional<NackOptions> options{};
};

// A source is a class: it reads, acknowledges, re-delivers on nack, and reports its backlog.
class Sourcer {
 public:
  virtual ~Sourcer() = default;
  virtual void read(ReadRequest const& request, SourceEmitter& out) = 0;
  virtual void ack(std::vector<Offset> const& offsets) = 0;
  // The offsets were not processed: make them available to later reads. (The platform only calls
  // this for SDK languages it knows; implement it all the same.)
  virtual void nack(std::vector<NackedOffset> const& offsets) = 0;
  // Records waiting at the source; -1 means unknown.
  virtual std::int64_t pending() = 0;
  virtual std::vector<std::int32_t> partitions() { return default_partitions(); }
  virtual std::optional<std::int32_t> total_partitions() { return std::nullopt; }
};

class AsyncSourcer {
 public:
  virtual ~AsyncSourcer() = default;
  virtual Task<void> read(ReadRequest const& request, SourceEmitter& out) = 0;
  virtual Task<void> ack(std::vector<Offset> const& offsets) = 0;
  virtual Task<void> nack(std::vector<NackedOffset> const& offsets) = 0;
  virtual Task<std::int64_t> pending() = 0;
  virtual Task<std::vector<std::int32_t>> partitions() { co_return default_partitions(); }
  virtual Task<std::optional<std::int32_t>> total_partitions() { co_return std::nullopt; }
};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/source.hpp"
