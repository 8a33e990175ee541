// sink_redis: counts how often each value arrives, in a Redis hash (field = the value, count =
// HINCRBY 1 per datum), like numaflow-go's redis_sink. Unlike that sink it never reports a datum
// it could not write as written: when Redis fails or is away, those datums are answered FAILURE
// (retried by the platform) or, with ON_REDIS_ERROR=fallback, FALLBACK (handed to the fallback
// sink). The next batch connects again, so writing resumes by itself once Redis is back.
//
// Environment: SINK_HASH_KEY (required), REDIS_ADDR (default redis:6379, or a Unix socket path),
// ON_REDIS_ERROR (failure | fallback). A batch goes to Redis as one pipeline: one reply per datum,
// in order, so every datum's answer is its own command's outcome.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_redis.hpp"

namespace {

// What a datum that was not written is answered with.
enum class Unwritten { failure, fallback };

struct Config {
  example::RedisAddress redis;
  std::string hash_key;
  Unwritten unwritten = Unwritten::failure;
};

std::string environment(char const* name) {
  char const* value = std::getenv(name);
  return value ? value : "";
}

// Throws std::invalid_argument with a message for the operator.
Config config_from_environment() {
  Config config{.redis = example::RedisAddress::from_environment(), .hash_key = environment("SINK_HASH_KEY")};
  if (config.hash_key.empty())
    throw std::invalid_argument("SINK_HASH_KEY is not set: it names the Redis hash to count in");
  auto const on_error = environment("ON_REDIS_ERROR");
  if (on_error == "fallback")
    config.unwritten = Unwritten::fallback;
  else if (!on_error.empty() && on_error != "failure")
    throw std::invalid_argument("ON_REDIS_ERROR is \"" + on_error + "\"; expected failure or fallback");
  // The platform rejects FALLBACK answers from a fallback or on-success sink (a fatal error).
  auto const role = environment("NUMAFLOW_UD_CONTAINER_TYPE");
  if (config.unwritten == Unwritten::fallback && (role == "fb-udsink" || role == "ons-udsink"))
    throw std::invalid_argument("ON_REDIS_ERROR=fallback is not allowed in the " + role +
                                " role: only a primary sink can hand datums to a fallback sink");
  return config;
}

class RedisSink final : public numaflow::Sinker {
 public:
  explicit RedisSink(Config config)
      : redis_(std::make_shared<example::RedisClient>(config.redis)),
        hash_key_(std::move(config.hash_key)),
        unwritten_(config.unwritten) {}

  numaflow::SinkResponses handle(numaflow::Datums const& batch) override {
    std::vector<example::RedisCommand> increments;
    increments.reserve(batch.size());
    for (auto const& d : batch) increments.push_back({"HINCRBY", hash_key_, d.value, "1"});
    auto const replies = batch.empty() ? std::vector<example::RedisReply>{} : redis_->pipeline(increments);

    numaflow::SinkResponses responses;
    responses.reserve(batch.size());
    std::size_t not_written = 0;
    std::string const* first_error = nullptr;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (replies[i].ok()) {
        responses.push_back(numaflow::SinkResponse::success(batch[i].id));
        continue;
      }
      ++not_written;
      if (!first_error) first_error = &replies[i].text;
      responses.push_back(
          unwritten_ == Unwritten::fallback
              ? numaflow::SinkResponse::fallback(batch[i].id)
              : numaflow::SinkResponse::failure(batch[i].id, "not written to Redis: " + replies[i].text));
    }
    report(not_written, batch.size(), first_error);
    return responses;
  }

 private:
  // One line per failing batch, and one when writing works again.
  void report(std::size_t not_written, std::size_t total, std::string const* error) {
    if (not_written > 0) {
      std::fprintf(stderr, "sink_redis: %zu of %zu datums not written (answered %s): %s\n", not_written, total,
                   unwritten_ == Unwritten::fallback ? "fallback" : "failure", error->c_str());
      failing_->store(true);
    } else if (total > 0 && failing_->exchange(false)) {
      std::fprintf(stderr, "sink_redis: writing to Redis at %s again\n", redis_->address().to_string().c_str());
    }
  }

  std::shared_ptr<example::RedisClient> redis_;  // shared: the server may copy the handler
  std::string hash_key_;
  Unwritten unwritten_;
  std::shared_ptr<std::atomic<bool>> failing_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  // hiredis's blocking client cannot serve the Async policy without blocking its event loop.
  auto const args = example::parse(argc, argv, {.program = "sink_redis", .policies = {Policy::sync}});
  Config config;
  try {
    config = config_from_environment();
  } catch (std::invalid_argument const& e) {
    std::fprintf(stderr, "sink_redis: %s\n", e.what());
    return 2;
  }
  // A write to a connection Redis closed must fail the write (and the datums), not end the process.
  std::signal(SIGPIPE, SIG_IGN);
  std::fprintf(stderr, "sink_redis: counting values in hash \"%s\" at %s\n", config.hash_key.c_str(),
               config.redis.to_string().c_str());
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{RedisSink{std::move(config)}, args.options}.serve();
}
