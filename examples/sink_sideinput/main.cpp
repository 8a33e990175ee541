// sink_sideinput: a sink that counts, in Redis, how many datums arrived under each side-input
// value. A numaflow::SideInputWatcher follows the side input (default "myticker" in
// /var/numaflow/side-inputs) and logs every new value; for every datum the sink runs
// HINCRBY <SINK_HASH_KEY> <current side-input value> 1 (an empty field before the first value)
// and answers success, whether or not Redis took it (a Redis error is logged).
//
// Environment: SINK_HASH_KEY, the Redis hash (required: a batch without it is a UDF error, as Go's
// example panics); REDIS_ADDR, host:port of Redis (default redis:6379, the address numaflow-go's
// example uses; an addition of ours, so the tests can point it at a local server).
//
// Handler: a lambda over the batch, policy sync. One Redis connection per batch, written with a
// minimal RESP exchange (one command, one integer reply).
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_side_input.hpp"
#include "example_sink.hpp"

namespace {

// One TCP connection to Redis that sends commands and reads integer replies.
class RedisConnection {
 public:
  explicit RedisConnection(std::string const& address) {
    auto const colon = address.rfind(':');
    std::string const host = address.substr(0, colon);
    std::string const port = colon == std::string::npos ? "6379" : address.substr(colon + 1);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found)
      throw std::runtime_error("cannot resolve " + address);
    for (auto* a = found; a && fd_ < 0; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      timeval timeout{5, 0};  // a Redis that stops answering must not hold the batch forever
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0)
        fd_ = fd;
      else
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error("cannot connect to " + address);
  }
  RedisConnection(RedisConnection const&) = delete;
  RedisConnection& operator=(RedisConnection const&) = delete;
  ~RedisConnection() { ::close(fd_); }

  // Sends the command (as a RESP array of bulk strings) and returns its integer reply.
  long long command(std::vector<std::string_view> const& words) {
    std::string request = "*" + std::to_string(words.size()) + "\r\n";
    for (auto w : words) request += "$" + std::to_string(w.size()) + "\r\n" + std::string{w} + "\r\n";
    for (std::size_t sent = 0; sent < request.size();) {
      auto n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("write to Redis failed");
      sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    char c = 0;
    while (!reply.ends_with("\r\n")) {
      if (::recv(fd_, &c, 1, 0) != 1) throw std::runtime_error("no reply from Redis");
      reply += c;
    }
    reply.resize(reply.size() - 2);
    if (!reply.starts_with(':')) throw std::runtime_error("Redis answered " + reply);
    return std::stoll(reply.substr(1));
  }

 private:
  int fd_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
  example::Spec const spec{.program = "sink_sideinput", .policies = {example::Policy::sync}};
  auto const side_input = example::take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);

  auto const watcher = example::watch_side_input(side_input);
  char const* redis_address = std::getenv("REDIS_ADDR");
  std::string const address = redis_address && *redis_address ? redis_address : "redis:6379";

  auto count_in_redis = [&watcher, &address](numaflow::Datums const& batch) {
    char const* hash_key = std::getenv("SINK_HASH_KEY");
    if (!hash_key || !*hash_key) throw std::runtime_error("SINK_HASH_KEY environment variable is not set.");
    std::optional<RedisConnection> redis;
    return example::respond_each(batch, [&](numaflow::Datum const& d) {
      std::string const content = watcher.latest().value_or("");
      try {
        if (!redis) redis.emplace(address);
        redis->command({"HINCRBY", hash_key, content, "1"});
        example::print_line("Incremented by 1 the no. of occurrences of " + example::escaped(content) +
                            " under hash key " + hash_key);
      } catch (std::exception const& e) {
        redis.reset();  // connect again for the next datum
        example::print_line(std::string{"Set Error - "} + e.what());
      }
      return numaflow::SinkResponse::success(d.id);
    });
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{count_in_redis, args.options}.serve();
}
