// sink_sideinput: a sink that counts, in Redis, how many datums arrived under each side-input
// value. A numaflow::SideInputWatcher follows the side input (default "myticker" in
// /var/numaflow/side-inputs) and logs every new value; for every datum the sink runs
// HINCRBY <SINK_HASH_KEY> <current side-input value> 1 (an empty field before the first value).
// Unlike numaflow-go's example, which answers success and only logs a Redis error, a datum whose
// increment Redis did not take is answered FAILURE with Redis's reason, so the platform retries it
// instead of losing it.
//
// Environment: SINK_HASH_KEY, the Redis hash (required: a batch without it is a UDF error, as Go's
// example panics); REDIS_ADDR, host:port or a Unix socket path of Redis (default redis:6379, the
// address numaflow-go's example uses; an addition of ours, so the tests can point it at a local
// server).
//
// Handler: a lambda over the batch, policy sync. The batch goes to Redis as one pipeline through
// the examples' shared hiredis client (common/example_redis.hpp), one reply per datum.
// Extra flags: --side-input-name NAME, --side-input-dir DIR.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_redis.hpp"
#include "example_side_input.hpp"

int main(int argc, char** argv) {
  example::Spec const spec{.program = "sink_sideinput", .policies = {example::Policy::sync}};
  auto const side_input = example::take_side_input_flags(argc, argv, spec);
  auto const args = example::parse(argc, argv, spec);
  example::RedisAddress address;
  try {
    address = example::RedisAddress::from_environment();
  } catch (std::invalid_argument const& e) {
    std::fprintf(stderr, "sink_sideinput: %s\n", e.what());
    return 2;
  }
  // A write to a connection Redis closed must fail the datums, not end the process.
  std::signal(SIGPIPE, SIG_IGN);

  auto const watcher = example::watch_side_input(side_input);
  example::RedisClient redis{address};

  auto count_in_redis = [&watcher, &redis](numaflow::Datums const& batch) {
    char const* hash_key = std::getenv("SINK_HASH_KEY");
    if (!hash_key || !*hash_key) throw std::runtime_error("SINK_HASH_KEY environment variable is not set.");
    std::vector<std::string> fields;
    std::vector<example::RedisCommand> increments;
    fields.reserve(batch.size());
    increments.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      fields.push_back(watcher.latest().value_or(""));
      increments.push_back({"HINCRBY", hash_key, fields.back(), "1"});
    }
    auto const replies = batch.empty() ? std::vector<example::RedisReply>{} : redis.pipeline(increments);

    numaflow::SinkResponses responses;
    responses.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (replies[i].ok()) {
        example::print_line("Incremented by 1 the no. of occurrences of " + example::escaped(fields[i]) +
                            " under hash key " + hash_key);
        responses.push_back(numaflow::SinkResponse::success(batch[i].id));
      } else {
        example::print_line("Set Error - " + replies[i].text);
        responses.push_back(numaflow::SinkResponse::failure(batch[i].id, "not written to Redis: " + replies[i].text));
      }
    }
    return responses;
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{count_in_redis, args.options}.serve();
}
