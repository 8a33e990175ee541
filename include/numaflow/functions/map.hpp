#pragma once

#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/handler_base.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: unary map (`map.v1.Map` on map.sock, MAP_MODE=unary-map).
struct Map {
  static constexpr char const* name = "Map";
};

// Class-style map handler for Sync and MultiProc.
class Mapper : public HandlerBase<Messages(Datum const& datum)> {};

// Class-style map handler for Async.
class AsyncMapper : public HandlerBase<Task<Messages>(Datum const& datum)> {};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/map.hpp"
