#pragma once

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "numaflow/detail/runtime/cq_engine.hpp"
#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/detail/runtime/grpc_handoff.hpp"
#include "numaflow/detail/runtime/udf_error.hpp"
#include "numaflow/errors.hpp"
#include "numaflow/options.hpp"

namespace numaflow::detail {

inline std::size_t hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// Kubernetes kills a pod 30 s after SIGTERM unless told otherwise: the drain ends well before that,
// leaving the platform's own container time to stop after its UDF (numaflow-go uses 15 s too).
inline constexpr std::chrono::seconds default_shutdown_grace{15};

// What every stream of one server shares: how to report a handler failure and how to ask the
// server to stop.
class Runtime {
 public:
  explicit Runtime(ServerOptions const& options) : options_(options) {}

  ServerOptions const& options() const { return options_; }

  // The user-error contract: log, persist the error once, stop the server with a
  // failure exit code, and give the stream the status it must end with.
  grpc::Status udf_error(std::string const& text, std::string const& details) {
    std::fprintf(stderr, "numaflow: UDF error: %s\n", text.c_str());
    std::call_once(persisted_, [&] {
      try {
        detail::write_error_file(options_.error_dir, "Internal error",
                                 "UDF_EXECUTION_ERROR(" + container_type() + "): " + text, details);
      } catch (std::exception const& e) {
        std::fprintf(stderr, "numaflow: could not persist the error: %s\n", e.what());
      }
    });
    request_shutdown(true);
    return udf_error_status(text, details);
  }

  grpc::Status udf_error(std::exception_ptr const& error) {
    auto const text = describe(error);
    return udf_error(text, text);
  }

  void request_shutdown(bool failed) {
    {
      std::lock_guard lock(mu_);
      requested_ = true;
      failed_ = failed_ || failed;
    }
    cv_.notify_all();
  }

  // Blocks until a shutdown is requested; true if it was because of a failure.
  bool wait_for_shutdown_request() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return requested_; });
    return failed_;
  }

  // How threads outside the engine hand work to its completion-queue threads.
  CqEntrance& entrance() { return entrance_; }

  bool failed() const {
    std::lock_guard lock(mu_);
    return failed_;
  }

  std::chrono::milliseconds shutdown_grace() const {
    if (options_.shutdown_grace.count() >= 0) return options_.shutdown_grace;
    auto const env = env_or("NUMAFLOW_GRPC_SHUTDOWN_GRACE_PERIOD_SECONDS", "");
    if (!env.empty()) {
      try {
        return std::chrono::seconds{std::stol(env)};
      } catch (...) {
      }
    }
    return default_shutdown_grace;
  }

 private:
  ServerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  bool failed_ = false;
  std::once_flag persisted_;
  CqEntrance entrance_;
};

// What a functionality gives the generic server: its gRPC service and the hooks around serving.
class ServiceBase {
 public:
  virtual ~ServiceBase() = default;
  virtual grpc::Service& grpc_service() = 0;
  // Once the server is started: keeps a call of each streaming RPC requested on the engine.
  virtual void accept_streams(CqEngine&) {}
  // Runs before the gRPC server is built, after the shutdown signals are blocked: starts worker
  // threads (they inherit the mask) or forks worker processes (MultiProc).
  virtual void start() {}
  // Runs after gRPC stopped accepting and drained; joins pools and workers.
  virtual void after_shutdown() {}
};

}  // namespace numaflow::detail
