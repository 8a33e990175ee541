#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: map stream (`map.v1.Map` on mapstream.sock, MAP_MODE=stream-map). The handler
// emits messages one by one; each is sent as soon as it is emitted, then the request's EOT.
struct MapStream {
  static constexpr char const* name = "MapStream";
};

class MapStreamer {
 public:
  virtual ~MapStreamer() = default;
  virtual void handle(Datum const& datum, MessageEmitter& out) = 0;
};

class AsyncMapStreamer {
 public:
  virtual ~AsyncMapStreamer() = default;
  virtual Task<void> handle(Datum const& datum, MessageEmitter& out) = 0;
};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/mapstream.hpp"
