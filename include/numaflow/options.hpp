#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace numaflow {

// Server settings. Every field defaults to what the platform expects, so `ServerOptions{}` is
// right inside a Numaflow pod; tests and local runs override paths with designated initialisers:
//   numaflow::ServerOptions{.socket_path = "/tmp/map.sock", .server_info_path = "/tmp/info"}
struct ServerOptions {
  // Empty: the functionality's platform path.
  std::string socket_path{};
  // Empty: the functionality's platform path.
  std::string server_info_path{};
  // gRPC receive and send limit; the platform's own clients use 64 MiB.
  std::size_t max_message_size = std::size_t{64} * 1024 * 1024;
  // Handler concurrency: threads for Sync and Async, processes for MultiProc.
  // 0 picks a default: max(4, hardware threads) for Sync, hardware threads otherwise.
  // It also sets how many threads serve the streams' gRPC completion queues, at most one per
  // hardware thread (0: one, which serves the platform's one stream per RPC best).
  std::size_t workers = 0;
  // How long in-flight streams may keep running after SIGTERM/SIGINT (after a handler error: at
  // most 1 s, since the container is restarted anyway).
  // Negative: NUMAFLOW_GRPC_SHUTDOWN_GRACE_PERIOD_SECONDS, else 15 s, within Kubernetes' default
  // 30 s termination grace period.
  std::chrono::milliseconds shutdown_grace{-1};
  // Where a handler error is persisted (<dir>/<container>/<unix-seconds>-udf.json).
  // Empty: /var/numaflow/runtime/application-errors.
  std::string error_dir{};
  // Reads from a stream pause while this many responses are queued or being computed, so a client
  // that stops reading cannot make the server buffer without bound.
  std::size_t max_pending_per_stream = 1024;
  // Sync map and source transformer: a handler whose recent average run time is below this runs on
  // the gRPC thread that read the request instead of being handed to a worker thread (a hand-off
  // costs more than a fast handler). Slower or blocking handlers always run on the workers.
  // Zero: always hand off.
  std::chrono::microseconds inline_handler_threshold{50};
};

}  // namespace numaflow
