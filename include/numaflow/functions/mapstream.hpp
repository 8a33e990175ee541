#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/map.hpp"
#include "numaflow/handler_base.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: map stream (`map.v1.Map` on mapstream.sock, MAP_MODE=stream-map). The handler
// emits messages one by one; each is sent as soon as it is emitted, then the request's EOT.
struct MapStream {
  static constexpr char const* name = "MapStream";
};

class MapStreamer : public HandlerBase<void(Datum const& datum, MessageEmitter& out)> {};

class AsyncMapStreamer : public HandlerBase<Task<void>(Datum const& datum, MessageEmitter& out)> {};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/mapstream.hpp"
