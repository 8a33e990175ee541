#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "numaflow/detail/policies/sync.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/runtime/udf_error.hpp"

namespace numaflow::detail {

// Frames between the server and its worker processes: [u32 size][u64 seq][u8 kind][size bytes].
struct Frame {
  std::uint64_t seq = 0;
  std::uint8_t kind = 0;  // worker → server: 0 = response, 1 = handler error text
  std::string payload;
};

inline bool write_all(int fd, char const* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

inline bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

inline bool write_frame(int fd, Frame const& f) {
  char header[13];
  auto const size = static_cast<std::uint32_t>(f.payload.size());
  std::memcpy(header, &size, 4);
  std::memcpy(header + 4, &f.seq, 8);
  header[12] = static_cast<char>(f.kind);
  return write_all(fd, header, sizeof header) && write_all(fd, f.payload.data(), f.payload.size());
}

inline bool read_frame(int fd, Frame& f) {
  char header[13];
  if (!read_all(fd, header, sizeof header)) return false;
  std::uint32_t size = 0;
  std::memcpy(&size, header, 4);
  std::memcpy(&f.seq, header + 4, 8);
  f.kind = static_cast<std::uint8_t>(header[12]);
  f.payload.resize(size);
  return read_all(fd, f.payload.data(), size);
}

inline std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string{"was killed by signal "} + ::strsignal(WTERMSIG(status));
  return "stopped";
}

// Runs `Process` (a tag's one step, Request& → Response, both protobuf messages) in worker processes
// forked before gRPC starts. One gRPC endpoint stays in the server process; each request goes,
// serialised, to the least-loaded worker over a socketpair, and its response comes back the same way.
template <class Process>
class MultiProcRunner {
  static_assert(std::tuple_size_v<typename Process::steps> == 1,
                "numaflow: MultiProc ships one kind of request to its workers; a functionality with several "
                "steps does not offer it");
  using Step = std::tuple_element_t<0, typename Process::steps>;
  using Request = typename Step::In;
  using Response = typename Step::Response;
  using Done = std::function<void(std::exception_ptr, Response)>;

  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::thread reader, writer;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Frame> outbox;
    std::map<std::uint64_t, Done> pending;
    std::atomic<std::size_t> load{0};
    bool closing = false;
  };

 public:
  using process_type = Process;
  MultiProcRunner(Process process, Runtime& runtime)
      : process_(std::move(process)),
        runtime_(runtime),
        count_(runtime.options().workers ? runtime.options().workers : hardware_threads()) {}

  ~MultiProcRunner() { stop(); }

  void start() {
    if (!workers_.empty()) return;
    for (std::size_t i = 0; i < count_; ++i) {
      int fds[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw std::runtime_error(std::string{"numaflow: socketpair for a MultiProc worker failed: "} +
                                 std::strerror(errno));
      pid_t pid = ::fork();
      if (pid < 0)
        throw std::runtime_error(std::string{"numaflow: fork of a MultiProc worker failed: "} + std::strerror(errno));
      if (pid == 0) {
        ::close(fds[0]);
        for (auto& w : workers_) ::close(w->fd);
        worker_main(fds[1]);
      }
      ::close(fds[1]);
      auto w = std::make_unique<Worker>();
      w->pid = pid;
      w->fd = fds[0];
      workers_.push_back(std::move(w));
    }
    for (auto& w : workers_) {
      w->reader = std::thread([this, worker = w.get()] { read_loop(*worker); });
      w->writer = std::thread([this, worker = w.get()] { write_loop(*worker); });
    }
  }

  void stop() {
    for (auto& w : workers_) {
      {
        std::lock_guard lock(w->mu);
        w->closing = true;
      }
      w->cv.notify_all();
    }
    for (auto& w : workers_) {
      if (w->writer.joinable()) w->writer.join();
      ::shutdown(w->fd, SHUT_WR);  // the worker sees end of input and exits
      if (w->reader.joinable()) w->reader.join();
      ::close(w->fd);
    }
    workers_.clear();
  }

  template <class Done_>
  void submit(Request&& request, Done_&& done) {
    Worker* target = workers_.front().get();
    for (auto& w : workers_)
      if (w->load.load(std::memory_order_relaxed) < target->load.load(std::memory_order_relaxed)) target = w.get();
    Frame frame{next_seq_.fetch_add(1), 0, request.SerializeAsString()};
    {
      std::lock_guard lock(target->mu);
      if (target->closing || target->pid < 0) {
        done(std::make_exception_ptr(std::runtime_error("numaflow: MultiProc worker is not running")), Response{});
        return;
      }
      target->pending.emplace(frame.seq, Done(std::forward<Done_>(done)));
      target->load.fetch_add(1, std::memory_order_relaxed);
      target->outbox.push_back(std::move(frame));
    }
    target->cv.notify_one();
  }

  std::size_t worker_count() const { return count_; }

 private:
  [[noreturn]] void worker_main(int fd) {
    // The server process handles SIGTERM and closes our socket when it is done with us.
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    Frame in, out;
    Request request;
    while (read_frame(fd, in)) {
      out.seq = in.seq;
      try {
        if (!request.ParseFromString(in.payload))
          throw std::runtime_error("numaflow: MultiProc worker got a malformed request");
        out.payload = process_(request).SerializeAsString();
        out.kind = 0;
      } catch (...) {
        out.payload = describe(std::current_exception());
        out.kind = 1;
      }
      if (!write_frame(fd, out)) break;
    }
    ::_exit(0);
  }

  void write_loop(Worker& w) {
    std::unique_lock lock(w.mu);
    for (;;) {
      w.cv.wait(lock, [&] { return w.closing || !w.outbox.empty(); });
      if (w.outbox.empty()) return;  // closing and drained
      Frame frame = std::move(w.outbox.front());
      w.outbox.pop_front();
      lock.unlock();
      bool ok = write_frame(w.fd, frame);
      lock.lock();
      if (!ok) return;  // the reader reports the dead worker
    }
  }

  void read_loop(Worker& w) {
    Frame frame;
    while (read_frame(w.fd, frame)) {
      Done done;
      {
        std::lock_guard lock(w.mu);
        auto it = w.pending.find(frame.seq);
        if (it == w.pending.end()) continue;
        done = std::move(it->second);
        w.pending.erase(it);
      }
      w.load.fetch_sub(1, std::memory_order_relaxed);
      if (frame.kind == 0) {
        Response response;
        if (response.ParseFromString(frame.payload))
          done(nullptr, std::move(response));
        else
          done(std::make_exception_ptr(std::runtime_error("numaflow: malformed response from a MultiProc worker")),
               Response{});
      } else {
        done(std::make_exception_ptr(DescribedError(frame.payload)), Response{});
      }
    }
    int status = 0;
    ::waitpid(w.pid, &status, 0);
    std::map<std::uint64_t, Done> orphans;
    bool expected = false;
    {
      std::lock_guard lock(w.mu);
      expected = w.closing && w.pending.empty();
      orphans.swap(w.pending);
      w.closing = true;
      w.pid = -1;
    }
    w.cv.notify_all();
    if (expected) return;
    std::string const text = "MultiProc worker process " + describe_wait_status(status);
    if (orphans.empty()) {
      runtime_.udf_error(text, text);  // nobody waits on it, but it must not go unnoticed
      return;
    }
    for (auto& [seq, done] : orphans) done(std::make_exception_ptr(DescribedError(text)), Response{});
  }

  Process process_;
  Runtime& runtime_;
  std::size_t count_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::uint64_t> next_seq_{1};
};

}  // namespace numaflow::detail
