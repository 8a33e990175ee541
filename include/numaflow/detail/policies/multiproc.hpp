#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "numaflow/detail/policies/sync.hpp"
#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/runtime/udf_error.hpp"

namespace numaflow::detail {

// Frames between the server and its worker processes: [u32 size][u64 seq][u8 kind][size bytes].
// kind, worker → server: 0 = response, 1 = handler error text.
//
// Frames travel in batches: whoever writes appends every frame it has ready to one buffer and sends
// it with one syscall, and whoever reads takes whatever the socket holds and splits it into frames.
// At 500 requests in flight that is a few syscalls per batch instead of four per message (a header
// and a payload each way), and a side is woken only when its socket goes from empty to non-empty.
inline constexpr std::size_t kFrameHeaderSize = 13;

// Sends what the socket takes without blocking; the number of bytes sent, or -1 if the peer is gone.
inline std::ptrdiff_t send_some(int fd, char const* data, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) return -1;
    sent += static_cast<std::size_t>(n);
  }
  return static_cast<std::ptrdiff_t>(sent);
}

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

// Appends one frame to `out`; `append_payload(std::string&)` appends the payload's bytes.
template <class AppendPayload>
void append_frame(std::string& out, std::uint64_t seq, std::uint8_t kind, AppendPayload&& append_payload) {
  std::size_t const at = out.size();
  out.resize(at + kFrameHeaderSize);
  append_payload(out);
  auto const size = static_cast<std::uint32_t>(out.size() - at - kFrameHeaderSize);
  std::memcpy(out.data() + at, &size, 4);
  std::memcpy(out.data() + at + 4, &seq, 8);
  out[at + 12] = static_cast<char>(kind);
}

// The frames of one socket, read in as large pieces as the socket offers.
class FrameReader {
 public:
  struct Frame {
    std::uint64_t seq = 0;
    std::uint8_t kind = 0;
    std::string_view payload;  // valid until the next fill()
  };

  explicit FrameReader(int fd) : fd_(fd) {}

  // The next complete frame already read, if any.
  std::optional<Frame> next() {
    if (buffered() < kFrameHeaderSize) return std::nullopt;
    char const* at = buffer_.data() + begin_;
    std::uint32_t size = 0;
    Frame frame;
    std::memcpy(&size, at, 4);
    std::memcpy(&frame.seq, at + 4, 8);
    frame.kind = static_cast<std::uint8_t>(at[12]);
    if (buffered() < kFrameHeaderSize + size) {
      wanted_ = kFrameHeaderSize + size;
      return std::nullopt;
    }
    frame.payload = std::string_view(at + kFrameHeaderSize, size);
    begin_ += kFrameHeaderSize + size;
    wanted_ = 0;
    return frame;
  }

  // Blocks until the socket has more bytes and reads what it holds; false at end of input or on
  // an error.
  bool fill() {
    // Keep the unread tail at the start, and room for a whole frame whose header says it is large;
    // a buffer grown for one large frame is given back once it is empty.
    if (begin_ == end_) {
      begin_ = end_ = 0;
      if (buffer_.size() > 4 * kReadChunk) buffer_ = std::string();
    } else if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, buffered());
      end_ -= begin_;
      begin_ = 0;
    }
    std::size_t const room = std::max<std::size_t>({kReadChunk, wanted_, end_ + kReadChunk / 4});
    if (buffer_.size() < room) buffer_.resize(room);
    ssize_t n = 0;
    do n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    end_ += static_cast<std::size_t>(n);
    return true;
  }

 private:
  static constexpr std::size_t kReadChunk = 256 * 1024;
  std::size_t buffered() const { return end_ - begin_; }

  int fd_;
  std::string buffer_;
  std::size_t begin_ = 0, end_ = 0, wanted_ = 0;
};

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

  // What is owed to a request sent to a worker. Workers answer in the order they were asked.
  struct Pending {
    std::uint64_t seq;
    Done done;
  };

  // A worker's answer, read and decoded on its reader thread, on its way to a completion-queue
  // thread (`answers_`), where `done` runs.
  struct Answered {
    Done done;
    std::exception_ptr error;
    Response response;
  };

  struct Worker;

  // Sends a worker's outbox from the completion-queue thread once its burst is over: every request
  // of the burst in one `send`, without waking the writer thread.
  struct FlushAtBurstEnd final : BurstEndAction {
    explicit FlushAtBurstEnd(Worker& worker) : worker(worker) {}
    void at_burst_end() override { flush_without_blocking(worker); }
    Worker& worker;
  };

  // Frames reach a worker's socket from one sender at a time (`sending`): the completion-queue
  // thread at the end of a burst, without blocking, or the writer thread, which takes over (`handoff`)
  // what the socket would not take at once and what threads outside the engine submit.
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::thread reader, writer;
    std::mutex mu;
    std::condition_variable cv;
    std::string outbox;  // framed requests not yet sent
    bool flush_planned = false;
    bool sending = false;
    bool handoff = false;
    FlushAtBurstEnd flush{*this};
    std::deque<Pending> pending;
    std::atomic<std::size_t> load{0};
    std::uint64_t next_seq = 1;  // a request's number, unique per worker
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
    {
      std::unique_lock lock(target->mu);
      if (!target->closing && target->pid >= 0) {
        auto const seq = target->next_seq++;
        append_frame(target->outbox, seq, 0, [&](std::string& out) { request.AppendToString(&out); });
        target->pending.push_back(Pending{seq, Done(std::forward<Done_>(done))});
        target->load.fetch_add(1, std::memory_order_relaxed);
        if (target->flush_planned || target->handoff) return;
        target->flush_planned = CqEngine::at_burst_end(target->flush);
        if (!target->flush_planned) {
          target->handoff = true;
          lock.unlock();
          target->cv.notify_one();
        }
        return;
      }
    }
    done(std::make_exception_ptr(std::runtime_error("numaflow: MultiProc worker is not running")), Response{});
  }

  std::size_t worker_count() const { return count_; }

 private:
  // A worker answers every request it already holds before it sends the answers as one batch,
  // unless the batch grows large or its first answer has waited this long (a slow handler must not
  // hold back the answers it already has).
  static constexpr std::size_t kWorkerBatchBytes = 256 * 1024;
  static constexpr auto kWorkerBatchDelay = std::chrono::microseconds(200);

  [[noreturn]] void worker_main(int fd) {
    // The server process handles SIGTERM and closes our socket when it is done with us.
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    FrameReader reader(fd);
    std::string answers;
    std::chrono::steady_clock::time_point first_answer;
    Request request;
    for (;;) {
      auto frame = reader.next();
      if (!frame) {
        if (!answers.empty() && !write_all(fd, answers.data(), answers.size())) break;
        answers.clear();
        if (!reader.fill()) break;
        continue;
      }
      if (answers.empty()) first_answer = std::chrono::steady_clock::now();
      try {
        if (!request.ParseFromArray(frame->payload.data(), static_cast<int>(frame->payload.size())))
          throw std::runtime_error("numaflow: MultiProc worker got a malformed request");
        Response const response = process_(request);
        append_frame(answers, frame->seq, 0, [&](std::string& out) { response.AppendToString(&out); });
      } catch (...) {
        append_frame(answers, frame->seq, 1, [&](std::string& out) { out += describe(std::current_exception()); });
      }
      if (answers.size() >= kWorkerBatchBytes || std::chrono::steady_clock::now() - first_answer >= kWorkerBatchDelay) {
        if (!write_all(fd, answers.data(), answers.size())) break;
        answers.clear();
      }
    }
    ::_exit(0);
  }

  static void flush_without_blocking(Worker& w) {
    std::string batch;
    {
      std::lock_guard lock(w.mu);
      w.flush_planned = false;
      // The writer thread is on it: it sends what it finds once it is done.
      if (w.sending || w.handoff || w.outbox.empty()) return;
      w.sending = true;
      batch.swap(w.outbox);
    }
    auto const sent = send_some(w.fd, batch.data(), batch.size());
    bool wake_writer = false;
    {
      std::lock_guard lock(w.mu);
      w.sending = false;
      // A dead worker is the reader's to report; what it was sent fails with it.
      if (sent >= 0 && static_cast<std::size_t>(sent) < batch.size()) {
        w.outbox.insert(0, batch, static_cast<std::size_t>(sent));
        w.handoff = true;
      }
      wake_writer = w.handoff;
    }
    if (wake_writer) w.cv.notify_one();
  }

  void write_loop(Worker& w) {
    std::string batch;
    std::unique_lock lock(w.mu);
    for (;;) {
      w.cv.wait(lock, [&] { return !w.sending && (w.closing || w.handoff); });
      if (w.outbox.empty()) {
        w.handoff = false;
        if (w.closing) return;  // drained
        continue;
      }
      w.sending = true;
      batch.clear();
      batch.swap(w.outbox);
      lock.unlock();
      bool const ok = write_all(w.fd, batch.data(), batch.size());
      lock.lock();
      w.sending = false;
      if (!ok) return;  // the reader reports the dead worker
    }
  }

  void read_loop(Worker& w) {
    FrameReader reader(w.fd);
    std::vector<std::pair<Done, FrameReader::Frame>> owed_answers;
    std::vector<Answered> answered;
    for (;;) {
      if (!reader.fill()) break;
      {
        std::lock_guard lock(w.mu);
        while (auto frame = reader.next()) {
          auto owed =
              std::find_if(w.pending.begin(), w.pending.end(), [&](Pending const& p) { return p.seq == frame->seq; });
          if (owed == w.pending.end()) continue;
          owed_answers.emplace_back(std::move(owed->done), *frame);
          w.pending.erase(owed);
        }
      }
      // Frames stay valid until the next fill(); they are decoded outside the lock.
      w.load.fetch_sub(owed_answers.size(), std::memory_order_relaxed);
      for (auto& [done, frame] : owed_answers) answered.push_back(decode(std::move(done), frame));
      owed_answers.clear();
      answers_.post(runtime_.entrance(), answered);
    }
    int status = 0;
    ::waitpid(w.pid, &status, 0);
    std::deque<Pending> orphans;
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
    for (auto& p : orphans) p.done(std::make_exception_ptr(DescribedError(text)), Response{});
  }

  static Answered decode(Done done, FrameReader::Frame const& frame) {
    Answered answered{std::move(done), nullptr, Response{}};
    if (frame.kind != 0)
      answered.error = std::make_exception_ptr(DescribedError(std::string(frame.payload)));
    else if (!answered.response.ParseFromArray(frame.payload.data(), static_cast<int>(frame.payload.size())))
      answered.error =
          std::make_exception_ptr(std::runtime_error("numaflow: malformed response from a MultiProc worker"));
    return answered;
  }

  Process process_;
  Runtime& runtime_;
  std::size_t count_;
  std::vector<std::unique_ptr<Worker>> workers_;
  CqMailbox<Answered> answers_{[](Answered& a) { a.done(std::move(a.error), std::move(a.response)); }};
};

}  // namespace numaflow::detail
