#pragma once

#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/datum_stream.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/handler_base.hpp"
#include "numaflow/message.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/window.hpp"

namespace numaflow {

// Functionality tag: aligned reduce (`reduce.v1.Reduce` on reduce.sock). The platform opens one
// stream per window; each keys of the window gets its own copy of the handler; when the window
// closes the handler's messages are sent, then one EOF.
struct Reduce {
  static constexpr char const* name = "Reduce";
};

// Functionality tag: reduce stream (same protocol on reducestream.sock): the handler writes
// messages as it goes, each sent at once.
struct ReduceStream {
  static constexpr char const* name = "ReduceStream";
};

// Sync reduce: called once per keys and window, with every datum of it.
class Reducer : public HandlerBase<Messages(Keys const& keys, Datums const& datums, IntervalWindow const& window)> {};

// Async reduce: a coroutine reading the datums as they arrive.
class AsyncReducer
    : public HandlerBase<Task<Messages>(Keys const& keys, DatumStream& datums, IntervalWindow const& window)> {};

// Sync reduce stream: one object per keys and window (copied from the one given to the server)
// sees each datum and may emit at any time; on_close runs when the window closes.
class ReduceStreamer {
 public:
  virtual ~ReduceStreamer() = default;
  virtual void on_datum(Keys const& keys, Datum const& datum, IntervalWindow const& window, MessageEmitter& out) = 0;
  virtual void on_close(Keys const& keys, IntervalWindow const& window, MessageEmitter& out) = 0;
};

class AsyncReduceStreamer : public HandlerBase<Task<void>(Keys const& keys, DatumStream& datums,
                                                          IntervalWindow const& window, MessageEmitter& out)> {};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/reduce.hpp"
