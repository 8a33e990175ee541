#pragma once

// A small synchronous Redis client (hiredis) shared by the Redis examples, and by their tests to
// read back what the examples wrote.
//
//   REDIS_ADDR=host:port       TCP, e.g. redis:6379 (the default), 127.0.0.1:6380, [::1]:6379
//   REDIS_ADDR=/path/to.sock   a Unix socket (also written unix:/path/to.sock)
//
// Every call borrows one connection from a pool (calls from concurrent handlers never wait for each
// other), sends its commands as one pipeline and reads one reply per command, in order. A
// connection that fails is dropped; the next call connects again, so the examples recover by
// themselves when Redis comes back.

#include <hiredis/hiredis.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/time.h>
#include <unistd.h>

namespace example {

struct RedisAddress {
  std::string host;  // empty for a Unix socket
  int port = 0;
  std::string socket_path;  // empty for TCP

  // Parses REDIS_ADDR's forms (see above); throws std::invalid_argument naming the bad text.
  static RedisAddress parse(std::string_view text) {
    auto bad = [&](char const* why) {
      return std::invalid_argument("bad Redis address \"" + std::string{text} + "\": " + why +
                                   " (expected host:port or a Unix socket path)");
    };
    RedisAddress address;
    if (text.starts_with("unix:")) text.remove_prefix(5);
    if (text.starts_with('/')) {
      address.socket_path = std::string{text};
      return address;
    }
    auto const colon = text.rfind(':');
    if (colon == std::string_view::npos) throw bad("no port");
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) throw bad("no host");
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || address.port < 1 ||
        address.port > 65535)
      throw bad("the port is not a number from 1 to 65535");
    address.host = std::string{host};
    return address;
  }

  // REDIS_ADDR, or redis:6379 (the service name numaflow's examples give Redis) when it is unset or empty.
  static RedisAddress from_environment() {
    char const* text = std::getenv("REDIS_ADDR");
    return parse(text && *text ? text : "redis:6379");
  }

  std::string to_string() const {
    return socket_path.empty() ? host + ":" + std::to_string(port) : "unix:" + socket_path;
  }
};

// One command's outcome in a pipeline.
struct RedisReply {
  enum class Kind {
    value,  // Redis answered: integer, text (string or status) or elements (array of strings)
    error,  // Redis answered with an error (e.g. WRONGTYPE, OOM): this command did nothing
    lost,   // no answer, the connection failed: the command may or may not have run
  };
  Kind kind = Kind::lost;
  long long integer = 0;
  bool nil = false;
  std::string text;  // a string or status reply; the error message for `error` and `lost`
  std::vector<std::string> elements;

  bool ok() const { return kind == Kind::value; }
};

using RedisCommand = std::vector<std::string>;  // binary-safe arguments, e.g. {"HINCRBY", key, field, "1"}

class RedisClient {
 public:
  // `timeout` bounds connecting and every read or write, so a Redis that hangs fails a call instead
  // of blocking it.
  explicit RedisClient(RedisAddress address, std::chrono::milliseconds timeout = std::chrono::seconds{2})
      : address_(std::move(address)), timeout_(timeout) {}

  // Sends `commands` in one pipeline; the replies come back in the same order. When the connection
  // fails (or cannot be made), the commands left without a reply are `lost`. Replies Redis sent
  // before closing the connection are still read, even when the rest of the pipeline could not be
  // written, so a datum whose command Redis answered is never counted among the lost.
  std::vector<RedisReply> pipeline(std::vector<RedisCommand> const& commands) {
    auto connection = borrow();
    std::vector<RedisReply> replies(commands.size());
    std::size_t answered = 0;
    std::string failure;
    if (connect(connection, failure)) {
      for (auto const& command : commands) append(*connection, command);
      failure = send(*connection);
      answered = receive(*connection, replies, failure);
      if (!failure.empty()) connection.reset();  // hiredis cannot use a context after an I/O error
    }
    for (std::size_t i = answered; i < replies.size(); ++i) replies[i].text = failure;
    give_back(std::move(connection));
    return replies;
  }

  RedisReply command(RedisCommand const& command) { return pipeline({command}).front(); }

  RedisAddress const& address() const { return address_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;

  Connection borrow() {
    std::lock_guard lock(mu_);
    if (idle_.empty()) return nullptr;  // connected on first use
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }

  void give_back(Connection connection) {
    if (!connection) return;
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
  }

  bool connect(Connection& connection, std::string& failure) const {
    if (connection) return true;
    timeval const tv = to_timeval(timeout_);
    connection.reset(address_.socket_path.empty() ? redisConnectWithTimeout(address_.host.c_str(), address_.port, tv)
                                                  : redisConnectUnixWithTimeout(address_.socket_path.c_str(), tv));
    if (!connection) {
      failure = "cannot connect to Redis at " + address_.to_string() + ": out of memory";
      return false;
    }
    if (connection->err != 0 || redisSetTimeout(connection.get(), tv) != REDIS_OK) {
      failure = "cannot connect to Redis at " + address_.to_string() + ": " + connection->errstr;
      connection.reset();
      return false;
    }
    if (address_.socket_path.empty()) redisEnableKeepAlive(connection.get());
    return true;
  }

  // Writes every appended command; an error describes why the rest could not be written.
  std::string send(redisContext& connection) const {
    for (int done = 0; !done;)
      if (redisBufferWrite(&connection, &done) != REDIS_OK) return failed(connection.errstr);
    return {};
  }

  // Reads replies into `replies` until each command has one or the connection ends; returns how
  // many arrived and, when not all did, sets `failure` (unless it already says why).
  std::size_t receive(redisContext& connection, std::vector<RedisReply>& replies, std::string& failure) const {
    std::size_t answered = 0;
    char buffer[16 * 1024];
    while (answered < replies.size()) {
      void* raw = nullptr;
      if (redisReaderGetReply(connection.reader, &raw) != REDIS_OK) {
        failure = failed(std::string{"unreadable reply: "} + connection.reader->errstr);
        break;
      }
      if (raw) {
        std::unique_ptr<redisReply, ReplyDeleter> reply{static_cast<redisReply*>(raw)};
        replies[answered++] = convert(*reply);
        continue;
      }
      // Read directly: after a failed write hiredis refuses to read from the context.
      auto const n = ::read(connection.fd, buffer, sizeof buffer);
      if (n > 0) {
        redisReaderFeed(connection.reader, buffer, static_cast<std::size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        if (failure.empty())
          failure = failed(n == 0            ? std::string{"closed by Redis"}
                           : errno == EAGAIN ? std::string{"no reply within the timeout"}
                                             : std::string{std::strerror(errno)});
        break;
      }
    }
    return answered;
  }

  std::string failed(std::string const& why) const {
    return "Redis connection to " + address_.to_string() + " failed: " + why;
  }

  static void append(redisContext& connection, RedisCommand const& command) {
    std::vector<char const*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(command.size());
    lengths.reserve(command.size());
    for (auto const& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    // Only fails when out of memory; the missing reply then shows up as a lost one.
    redisAppendCommandArgv(&connection, static_cast<int>(argv.size()), argv.data(), lengths.data());
  }

  static RedisReply convert(redisReply const& reply) {
    RedisReply out;
    out.kind = reply.type == REDIS_REPLY_ERROR ? RedisReply::Kind::error : RedisReply::Kind::value;
    switch (reply.type) {
      case REDIS_REPLY_INTEGER: out.integer = reply.integer; break;
      case REDIS_REPLY_NIL: out.nil = true; break;
      case REDIS_REPLY_ARRAY:
        out.elements.reserve(reply.elements);
        for (std::size_t i = 0; i < reply.elements; ++i) {
          auto const& element = *reply.element[i];
          out.elements.emplace_back(element.str ? std::string(element.str, element.len) : std::string{});
        }
        break;
      default:  // string, status, error
        if (reply.str) out.text.assign(reply.str, reply.len);
    }
    return out;
  }

  static timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
  }

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::vector<Connection> idle_;
};

}  // namespace example
