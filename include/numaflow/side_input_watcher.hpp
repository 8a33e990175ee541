#pragma once

// Reading side inputs inside a UDF. In every pod of a vertex that declares a
// side input, the platform keeps the latest value in `<side_input_dir>/<name>`: a symbolic link
// re-pointed atomically (temp link + rename) to a new file `<name>_<unix-nanos>` whenever the value
// changes. read_side_input() reads it once; SideInputWatcher follows its changes:
//
//   numaflow::SideInputWatcher ticker{"myticker", [](std::string const& value) { … }};
//   … ticker.latest() …

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

namespace numaflow {

// Where the platform mounts the side-input values in UDF containers.
inline constexpr char const* side_input_dir = "/var/numaflow/side-inputs";

namespace detail {

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

inline std::string side_input_path(std::string const& name, std::string const& dir) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace detail

// The current value of side input `name` (raw bytes), following the symbolic link; nullopt when it
// does not exist (yet). Throws std::system_error when it exists but cannot be read.
inline std::optional<std::string> read_side_input(std::string const& name, std::string const& dir = side_input_dir) {
  auto const path = detail::side_input_path(name, dir);
  detail::UniqueFd fd;
  // The platform deletes the previous file right after re-pointing the link: a path resolved just
  // before that can vanish under us, so ENOENT is retried while the link itself is still there.
  for (int attempt = 0;; ++attempt) {
    fd = detail::UniqueFd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.get() >= 0) break;
    int const error = errno;
    if (error == EINTR) continue;
    if (error == ENOENT) {
      struct stat st {};
      if (attempt >= 3 || ::lstat(path.c_str(), &st) != 0) return std::nullopt;
      continue;
    }
    throw std::system_error(error, std::generic_category(), "numaflow: cannot open side input " + path);
  }
  std::string value;
  char buffer[8192];
  for (;;) {
    auto const n = ::read(fd.get(), buffer, sizeof buffer);
    if (n > 0) {
      value.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return value;
    } else if (errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "numaflow: cannot read side input " + path);
    }
  }
}

// Follows one side input: delivers its current value when constructed (if it exists), then each
// new value as the platform publishes it; a value equal to the last one delivered is not delivered
// again. The first delivery runs on the constructing thread (an exception from it leaves the
// constructor), later ones on the watcher's own thread, never two at once; a callback that throws
// there is reported on stderr and the watcher goes on.
//
// Works with inotify on the directory (link renamed over, created, or a file written in place) and
// a poll() with a short timeout, so stop() and the destructor return within about 100 ms. A
// directory that does not exist yet is watched as soon as it appears.
class SideInputWatcher {
 public:
  using Callback = std::function<void(std::string const& value)>;

  SideInputWatcher(std::string name, Callback callback, std::string dir = side_input_dir)
      : name_(std::move(name)), dir_(std::move(dir)), callback_(std::move(callback)) {
    inotify_ = detail::UniqueFd{::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
    if (inotify_.get() < 0) throw std::system_error(errno, std::generic_category(), "numaflow: inotify_init1");
    wake_ = detail::UniqueFd{::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
    if (wake_.get() < 0) throw std::system_error(errno, std::generic_category(), "numaflow: eventfd");
    // Watch first, then read: a change between the two is seen as an event, and delivered once.
    try_watch();
    refresh();
    // The thread must not take SIGTERM/SIGINT (the server waits for them in its own thread) nor
    // any other asynchronous signal: it is created with every signal blocked.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    try {
      thread_ = std::thread([this] { run(); });
    } catch (...) {
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      throw;
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  ~SideInputWatcher() { stop(); }

  SideInputWatcher(SideInputWatcher const&) = delete;
  SideInputWatcher& operator=(SideInputWatcher const&) = delete;

  // Stops watching; returns once the watcher's thread ended (within about one poll timeout, or
  // after a callback that is running returns). Idempotent. Must not be called from the callback.
  void stop() {
    stopping_.store(true);
    std::uint64_t const one = 1;
    if (wake_.get() >= 0) {
      auto const written = ::write(wake_.get(), &one, sizeof one);  // wakes poll(); failure only delays it
      static_cast<void>(written);
    }
    if (thread_.joinable()) thread_.join();
  }

  // The last value seen; nullopt while the side input never existed.
  std::optional<std::string> latest() const {
    std::lock_guard lock(mu_);
    return latest_;
  }

  std::string const& name() const { return name_; }
  std::string const& dir() const { return dir_; }

 private:
  static constexpr int poll_timeout_ms = 100;

  bool try_watch() {
    if (watch_ >= 0) return true;
    watch_ = ::inotify_add_watch(inotify_.get(), dir_.empty() ? "." : dir_.c_str(),
                                 IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    return watch_ >= 0;
  }

  // Delivers the current value if it differs from the last one.
  void refresh() {
    std::optional<std::string> value;
    try {
      value = read_side_input(name_, dir_);
    } catch (std::exception const& e) {
      std::fprintf(stderr, "numaflow: side input %s: %s\n", name_.c_str(), e.what());
      return;
    }
    if (!value) return;
    {
      std::lock_guard lock(mu_);
      if (latest_ == value) return;
      latest_ = value;
    }
    callback_(*value);
  }

  // An event about the link (`name`) or a file it may point to (`name_…`)?
  bool concerns_us(inotify_event const& event) const {
    if (event.len == 0) return false;
    std::string_view const file{event.name};
    if (file == name_) {
      // A regular file created in place is read once it is closed (IN_CLOSE_WRITE), not half-written.
      if (event.mask & IN_CREATE) {
        struct stat st {};
        return ::lstat(detail::side_input_path(name_, dir_).c_str(), &st) == 0 && S_ISLNK(st.st_mode);
      }
      return true;
    }
    return file.size() > name_.size() && file.starts_with(name_) && file[name_.size()] == '_' &&
           (event.mask & IN_CLOSE_WRITE);
  }

  // Drains the inotify queue; true if the side input may have changed.
  bool drain_events() {
    alignas(inotify_event) char buffer[16 * (sizeof(inotify_event) + NAME_MAX + 1)];
    bool changed = false;
    for (;;) {
      auto const n = ::read(inotify_.get(), buffer, sizeof buffer);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        return changed;  // EAGAIN: drained
      }
      for (char const* p = buffer; p < buffer + n;) {
        auto const* event = reinterpret_cast<inotify_event const*>(p);
        if (event->mask & IN_Q_OVERFLOW) changed = true;
        if (event->wd == watch_ && (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))) {
          // The directory went away (or moved): watch the path again once it exists.
          if (!(event->mask & IN_IGNORED)) ::inotify_rm_watch(inotify_.get(), watch_);
          watch_ = -1;
        } else if (concerns_us(*event)) {
          changed = true;
        }
        p += sizeof(inotify_event) + event->len;
      }
    }
  }

  void run() {
    while (!stopping_.load()) {
      pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
      int const ready = ::poll(fds, 2, poll_timeout_ms);
      if (stopping_.load()) break;
      if (ready < 0) {
        if (errno == EINTR) continue;
        std::fprintf(stderr, "numaflow: side input %s: poll failed: %s\n", name_.c_str(), std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds{poll_timeout_ms});
        continue;
      }
      bool changed = false;
      if (fds[0].revents & POLLIN) changed = drain_events();
      if (watch_ < 0 && try_watch()) changed = true;  // the directory (re)appeared
      if (!changed) continue;
      try {
        refresh();
      } catch (std::exception const& e) {
        std::fprintf(stderr, "numaflow: side input %s: the callback threw: %s\n", name_.c_str(), e.what());
      } catch (...) {
        std::fprintf(stderr, "numaflow: side input %s: the callback threw a non-standard exception\n", name_.c_str());
      }
    }
  }

  std::string const name_;
  std::string const dir_;
  Callback callback_;
  detail::UniqueFd inotify_;
  detail::UniqueFd wake_;
  int watch_ = -1;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::optional<std::string> latest_;
  std::thread thread_;
};

}  // namespace numaflow
