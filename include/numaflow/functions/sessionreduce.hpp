#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"

namespace numaflow {

// Functionality tag: session reduce (`sessionreduce.v1.SessionReduce` on sessionreduce.sock). One
// stream carries every session; each session (keys + window) gets its own copy of the handler.
struct SessionReduce {
  static constexpr char const* name = "SessionReduce";
};

// One object per session. Sessions the platform merges hand their state over through
// accumulator() → merge_accumulator() and are not closed themselves.
class SessionReducer {
 public:
  virtual ~SessionReducer() = default;
  virtual void on_datum(Keys const& keys, Datum const& datum, MessageEmitter& out) = 0;
  // The session closed: emit what is left.
  virtual void on_close(Keys const& keys, MessageEmitter& out) = 0;
  // This session's state, for a merge into another session.
  virtual std::string accumulator() = 0;
  virtual void merge_accumulator(std::string const& accumulator) = 0;
};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/sessionreduce.hpp"
