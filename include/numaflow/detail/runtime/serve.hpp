#pragma once

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "numaflow/detail/functions/functionality.hpp"
#include "numaflow/detail/runtime/cq_engine.hpp"
#include "numaflow/detail/runtime/grpc_handoff.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/runtime/server_info.hpp"
#include "numaflow/detail/runtime/signals.hpp"

namespace numaflow::detail {

// Checks the socket path and removes a stale socket left by a previous container instance.
inline void prepare_socket_path(std::string const& path) {
  namespace fs = std::filesystem;
  if (path.size() >= sizeof(sockaddr_un{}.sun_path))
    throw std::runtime_error("numaflow: socket path is too long (" + std::to_string(path.size()) +
                             " bytes, the limit is " + std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                             "): " + path);
  auto const dir = fs::path{path}.parent_path();
  if (!dir.empty() && !fs::is_directory(dir))
    throw std::runtime_error("numaflow: socket directory does not exist: " + dir.string() + " (socket " + path + ")");
  if (!dir.empty() && ::access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("numaflow: socket directory is not writable: " + dir.string() + " (socket " + path + ")");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw std::runtime_error("numaflow: socket path exists and is not a socket, refusing to remove it: " + path);
    if (::unlink(path.c_str()) != 0)
      throw std::runtime_error("numaflow: cannot remove stale socket " + path + ": " + std::strerror(errno));
  }
}

inline void check_server_info_dir(std::string const& path) {
  auto const dir = std::filesystem::path{path}.parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw std::runtime_error("numaflow: server-info directory does not exist: " + dir.string() + " (server-info file " +
                             path + ")");
}

// How long, after a handler error, the other streams may still run before the server stops.
inline constexpr std::chrono::milliseconds handler_error_grace{1000};
// How long the server's connections outlive its last call (see Serving::wait).
inline constexpr std::chrono::milliseconds closing_linger{100};

// Completion-queue threads of a server: one unless ServerOptions::workers asks for more (at most
// one per hardware thread). Every polling thread takes I/O events of any stream, so a second
// thread serving the platform's one stream per RPC mostly hands completions to the first: on
// map_cat, two threads cost ~3x the context switches per message of one. Under MultiProc `workers`
// counts worker processes, and the gRPC process only hands requests over and writes the answers:
// there a second thread cost 25% more CPU per message (map_cat, 2 workers, 1.07 context switches per
// message against 0.72).
inline std::size_t polling_threads(ServerOptions const& options, bool handlers_run_in_this_process) {
  if (!handlers_run_in_this_process) return 1;
  return options.workers ? std::min(options.workers, hardware_threads()) : 1;
}

// The serving lifecycle shared by every functionality (DESIGN.md §3).
class Serving {
 public:
  Serving(ServiceBase& service, Runtime& runtime, Endpoint endpoint, std::size_t polling_threads)
      : service_(service), runtime_(runtime), endpoint_(std::move(endpoint)), engine_(polling_threads) {}

  ~Serving() {
    if (server_) {
      runtime_.request_shutdown(false);
      wait();
    }
  }

  // Binds, starts and announces the server; throws std::runtime_error naming the path on failure.
  void start() {
    auto const& options = runtime_.options();
    socket_path_ = options.socket_path.empty() ? endpoint_.socket_path : options.socket_path;
    auto const info_path = options.server_info_path.empty() ? endpoint_.server_info_path : options.server_info_path;
    prepare_socket_path(socket_path_);
    check_server_info_dir(info_path);

    old_mask_ = SignalWatcher::block_in_this_thread();
    signal_subscription_ = SignalWatcher::instance().subscribe([this](int sig) {
      std::fprintf(stderr, "numaflow: received %s, draining in-flight work\n", ::strsignal(sig));
      runtime_.request_shutdown(false);
    });
    // MultiProc forks its workers here, before this server starts any thread of its own.
    service_.start();
    SignalWatcher::instance().start_waiting();

    grpc::ServerBuilder builder;
    int const limit = static_cast<int>(std::min<std::size_t>(options.max_message_size, INT32_MAX));
    builder.SetMaxReceiveMessageSize(limit);
    builder.SetMaxSendMessageSize(limit);
    builder.AddListeningPort("unix:" + socket_path_, grpc::InsecureServerCredentials());
    builder.RegisterService(&service_.grpc_service());
    engine_.add_queues(builder);
    server_ = builder.BuildAndStart();
    if (!server_) {
      cleanup();
      throw std::runtime_error("numaflow: cannot listen on unix:" + socket_path_);
    }
    service_.accept_streams(engine_);
    engine_.start();
    runtime_.entrance().open(engine_);
    ServerInfo info;
    info.minimum_numaflow_version = endpoint_.minimum_numaflow_version;
    info.metadata = endpoint_.metadata;
    write_server_info(info_path, info);
  }

  // Blocks until SIGTERM/SIGINT, stop() or a handler error; drains within the grace period.
  // Returns the process exit code: 0 after a clean stop, 1 after a handler error.
  int wait() {
    if (!server_) return exit_code_;
    bool const failed = runtime_.wait_for_shutdown_request();
    // After a handler error the platform will restart this container, so other open streams are not
    // drained: they would keep the process alive while the platform retries a socket that will never
    // answer. The failed stream's status has been handed to gRPC already; the short grace delivers it.
    auto const grace = failed ? std::min(runtime_.shutdown_grace(), handler_error_grace) : runtime_.shutdown_grace();
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    server_->Wait();
    runtime_.entrance().close();
    // The streams' last completions (their cancellation, the finish that follows) still come
    // through the queues: the engine stops once gRPC is done with every call.
    engine_.stop();
    taking_back_from_grpc(&all_calls_done_key);
    // Every call has ended, but the last statuses may still be on their way to the clients.
    // Destroying the server closes its connections at once, and a client whose transport then
    // fails on a write (an HTTP/2 window update, say) before it read the status reports "Broken
    // pipe" for a call the server finished cleanly. The connections stay open a moment longer.
    std::this_thread::sleep_for(closing_linger);
    server_.reset();
    cleanup();
    exit_code_ = failed || runtime_.failed() ? 1 : 0;
    return exit_code_;
  }

 private:
  void cleanup() {
    if (signal_subscription_ >= 0) SignalWatcher::instance().unsubscribe(signal_subscription_);
    signal_subscription_ = -1;
    service_.after_shutdown();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  ServiceBase& service_;
  Runtime& runtime_;
  Endpoint endpoint_;
  std::string socket_path_;
  CqEngine engine_;  // outlives the server: its queues must
  std::unique_ptr<grpc::Server> server_;
  sigset_t old_mask_{};
  int signal_subscription_ = -1;
  int exit_code_ = 0;
};

}  // namespace numaflow::detail
