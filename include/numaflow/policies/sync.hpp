#pragma once

namespace numaflow {

// Execution policy: the handler is a plain (blocking) callable, run concurrently on a pool of
// `ServerOptions::workers` threads.
struct Sync {
  static constexpr char const* name = "Sync";
};

}  // namespace numaflow
