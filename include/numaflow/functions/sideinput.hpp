#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>

#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"

namespace numaflow {

// Functionality tag: side-input generator (`sideinput.v1.SideInput` on sideinput.sock). The
// platform's side-inputs manager calls the handler once at start and then on every tick of the
// pipeline's cron schedule; a broadcast value reaches every vertex that declares the side input
// (read it there with numaflow::SideInputWatcher, numaflow/side_input_watcher.hpp).
struct SideInput {
  static constexpr char const* name = "SideInput";
};

// What one retrieval answers: a new value to broadcast, or "keep the current value this round".
struct SideInputResponse {
  std::string value{};
  // true: nothing is broadcast this round (the wire's no_broadcast); `value` is then empty.
  bool skip = false;

  static SideInputResponse broadcast(std::string value) { return {std::move(value), false}; }
  static SideInputResponse no_broadcast() { return {{}, true}; }

  friend bool operator==(SideInputResponse const&, SideInputResponse const&) = default;
};

// Class-style side-input handler for Sync. retrieve() may run concurrently with itself.
class SideInputRetriever {
 public:
  virtual ~SideInputRetriever() = default;
  virtual SideInputResponse retrieve() = 0;
};

// Class-style side-input handler for Async.
class AsyncSideInputRetriever {
 public:
  virtual ~AsyncSideInputRetriever() = default;
  virtual Task<SideInputResponse> retrieve() = 0;
};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/sideinput.hpp"
