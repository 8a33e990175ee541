#pragma once

namespace numaflow {

// Execution policy: one gRPC endpoint, the handler runs in `ServerOptions::workers` processes
// forked before gRPC starts. For CPU-bound or non-thread-safe handler code; a crashing worker is
// reported through the error contract.
struct MultiProc {
  static constexpr char const* name = "MultiProc";
};

}  // namespace numaflow
