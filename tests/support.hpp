#pragma once

#include <numaflow/options.hpp>
#include <numaflow/testing/stream_client.hpp>  // TempDir

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace test {

// Temp paths for one server: socket, server-info file and error directory.
struct Dirs {
  numaflow::testing::TempDir tmp;
  std::string operator/(std::string const& name) const { return tmp / name; }
  std::string info_path() const { return tmp / "server-info"; }
  std::string error_dir() const { return tmp / "errors"; }
  numaflow::ServerOptions options(std::string const& socket) const {
    numaflow::ServerOptions o;
    o.socket_path = tmp / socket;
    o.server_info_path = tmp / (socket + "-info");
    o.error_dir = error_dir();
    o.shutdown_grace = std::chrono::seconds{5};
    return o;
  }
};

// A datum as the platform sends it, with its request id.
inline numaflow::Datum with_id(std::string id, std::string value) {
  numaflow::Datum d;
  d.id = std::move(id);
  d.value = std::move(value);
  d.event_time = numaflow::Timestamp::from_unix_millis(1000);
  d.watermark = numaflow::Timestamp::from_unix_millis(900);
  return d;
}

// Publishes side-input values into `dir` as the platform does: a new file, then a symbolic link
// `name` re-pointed to it atomically (a temporary link renamed over it).
class SideInputPublisher {
 public:
  SideInputPublisher(std::filesystem::path dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}
  void publish(std::string const& value) {
    auto const file = dir_ / (name_ + "_" + std::to_string(++published_));
    std::ofstream{file, std::ios::binary} << value;
    auto const tmp = dir_ / (name_ + "_tmp");
    std::filesystem::create_symlink(file, tmp);
    std::filesystem::rename(tmp, dir_ / name_);
  }

 private:
  std::filesystem::path dir_;
  std::string name_;
  int published_ = 0;
};

// For retry tests: fails the first attempt of every value listed in `flaky`, succeeds afterwards.
// Copies (the server keeps one) share the attempt counts.
struct FirstAttemptFails {
  std::set<std::string> flaky;
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::map<std::string, int>> attempts = std::make_shared<std::map<std::string, int>>();

  bool fails(numaflow::Datum const& d) const {
    std::lock_guard lock(*mu);
    return ++(*attempts)[d.value] == 1 && flaky.contains(d.value);
  }
  int attempts_of(std::string const& value) const {
    std::lock_guard lock(*mu);
    return attempts->contains(value) ? attempts->at(value) : 0;
  }
};

// What a stream answered when the client sent its handshake, `datums` and its half-close all at once,
// before reading anything: the server reads them in one burst, so the stream's first response (the
// handshake's, which carries gRPC's initial metadata) is written while others wait behind it.
struct AnsweredBeforeAnyRead {
  grpc::Status status;
  std::size_t responses = 0;
  bool handshake_first = false;
  std::set<std::string> ids;  // of the responses after the first
};

// `Client` is a typed client of the test kit (its Request and request(datum)); `open` starts the
// stream. Throws numaflow::testing::ProtocolError when the stream does not end within 10 s.
template <class Client, class Open>
AnsweredBeforeAnyRead sent_before_any_read(Open&& open, numaflow::Datums const& datums) {
  numaflow::testing::StreamClient<typename Client::Request, typename Client::Response> stream(open);
  typename Client::Request handshake;
  handshake.mutable_handshake()->set_sot(true);
  stream.write(handshake);
  for (auto const& d : datums) stream.write(Client::request(d));
  stream.writes_done();
  AnsweredBeforeAnyRead answered;
  answered.status = stream.finish(std::chrono::seconds{10});
  while (auto r = stream.read(std::chrono::milliseconds{0})) {
    if (answered.responses++ == 0)
      answered.handshake_first = r->has_handshake();
    else
      answered.ids.insert(r->id());
  }
  return answered;
}

}  // namespace test

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace test {

// A child process running one of our binaries; killed if still running at destruction.
class Process {
 public:
  explicit Process(std::vector<std::string> argv, std::vector<std::string> extra_env = {}) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::vector<std::string> env_strings = std::move(extra_env);
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    std::vector<char*> env;
    env.reserve(env_strings.size() + 1);
    for (auto& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);
    if (::posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), env.data()) != 0)
      throw std::runtime_error("cannot spawn " + argv[0]);
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Process(Process const&) = delete;
  Process& operator=(Process const&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }

  // The raw wait status, or -1 if the process did not end within `timeout` (it is then killed).
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds{30}) {
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return -1;
  }

  // The exit code, or -1 for a timeout or a death by signal.
  int exit_code(std::chrono::milliseconds timeout = std::chrono::seconds{30}) {
    int status = wait(timeout);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace test
