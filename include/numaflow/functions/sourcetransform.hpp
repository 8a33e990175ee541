#pragma once

#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/handler_base.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"

namespace numaflow {

// Functionality tag: source transformer (`sourcetransformer.v1.SourceTransform` on
// sourcetransform.sock). Messages may (re)assign the event time with Message::with_event_time; a
// message without one keeps the input's event time. Datum::id is the source offset.
struct SourceTransform {
  static constexpr char const* name = "SourceTransform";
};

class SourceTransformer : public HandlerBase<Messages(Datum const& datum)> {};

class AsyncSourceTransformer : public HandlerBase<Task<Messages>(Datum const& datum)> {};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/sourcetransform.hpp"
