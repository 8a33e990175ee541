// servingstore_redis: a serving store kept in Redis, with numaflow-go's redis-store key layout: the
// results of a request are a Redis list under the request id, one JSON element per payload
// (stored_payload.hpp), pushed with LPUSH, and the list expires REDIS_TTL_SECONDS (default 7200)
// after its last put. get returns the payloads in the order they were put (LPUSH stores them
// newest first), and an empty list for an id with nothing stored (or expired).
//
// Environment: REDIS_ADDR (default redis:6379, or a Unix socket path), REDIS_TTL_SECONDS.
// A put or get that Redis cannot answer throws: the call fails with INTERNAL and the store exits
// with 1 for the platform to restart it (numaflow-go's store exits too), because a put reported
// as done must be stored.

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <numaflow/functions/servingstore.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_redis.hpp"
#include "stored_payload.hpp"

namespace {

constexpr std::uint64_t default_ttl_seconds = 7200;

class RedisStore final : public numaflow::ServingStorer {
 public:
  RedisStore(example::RedisAddress address, std::uint64_t ttl_seconds)
      : redis_(std::make_shared<example::RedisClient>(std::move(address))), ttl_(std::to_string(ttl_seconds)) {}

  void put(std::string const& id, std::vector<numaflow::ServingPayload> const& payloads) override {
    if (payloads.empty()) return;  // LPUSH needs at least one element
    example::RedisCommand push{"LPUSH", id};
    for (auto const& p : payloads) push.push_back(stored_payload::encode(p));
    auto const replies = redis_->pipeline({push, {"EXPIRE", id, ttl_}});
    for (auto const& reply : replies)
      if (!reply.ok()) throw std::runtime_error("put of request \"" + id + "\" failed: " + reply.text);
  }

  std::vector<numaflow::ServingPayload> get(std::string const& id) override {
    auto const reply = redis_->command({"LRANGE", id, "0", "-1"});
    if (!reply.ok()) throw std::runtime_error("get of request \"" + id + "\" failed: " + reply.text);
    std::vector<numaflow::ServingPayload> payloads;
    payloads.reserve(reply.elements.size());
    std::for_each(reply.elements.rbegin(), reply.elements.rend(),
                  [&](std::string const& element) { payloads.push_back(stored_payload::decode(element)); });
    return payloads;
  }

 private:
  std::shared_ptr<example::RedisClient> redis_;  // shared: the server may copy the handler
  std::string ttl_;                              // seconds, as EXPIRE takes them
};

std::uint64_t ttl_from_environment() {
  char const* text = std::getenv("REDIS_TTL_SECONDS");
  if (!text) return default_ttl_seconds;
  std::uint64_t seconds = 0;
  if (!example::parse_uint(text, seconds) || seconds < 1)
    throw std::invalid_argument(std::string{"REDIS_TTL_SECONDS is \""} + text + "\"; expected whole seconds >= 1");
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  // hiredis's blocking client cannot serve the Async policy without blocking its event loop.
  auto const args = example::parse(argc, argv, {.program = "servingstore_redis", .policies = {Policy::sync}});
  example::RedisAddress address;
  std::uint64_t ttl_seconds = 0;
  try {
    address = example::RedisAddress::from_environment();
    ttl_seconds = ttl_from_environment();
  } catch (std::invalid_argument const& e) {
    std::fprintf(stderr, "servingstore_redis: %s\n", e.what());
    return 2;
  }
  // A write to a connection Redis closed must fail the call, not end the process by a signal.
  std::signal(SIGPIPE, SIG_IGN);
  std::fprintf(stderr, "servingstore_redis: storing in Redis at %s, ttl %llu s\n", address.to_string().c_str(),
               static_cast<unsigned long long>(ttl_seconds));
  return numaflow::Server<numaflow::ServingStore, numaflow::Sync>{RedisStore{std::move(address), ttl_seconds},
                                                                  args.options}
      .serve();
}
