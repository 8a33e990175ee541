// The Redis examples (sink_redis, servingstore_redis, sink_sideinput) against a real redis-server: each example runs
// as its own process on a temp socket, driven by the test kit; what they wrote is read back from
// Redis with the examples' own hiredis client. Skipped when redis-server is not installed.
#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "example_redis.hpp"
#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::ServingStoreClient;
using numaflow::testing::SinkClient;

namespace {

std::optional<std::string> installed_redis_server() {
  std::istringstream path{std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"};
  for (std::string dir; std::getline(path, dir, ':');) {
    auto const candidate = std::filesystem::path{dir} / "redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

// A TCP port on 127.0.0.1 that nothing listens on (now).
int free_port() {
  int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("cannot find a free TCP port");
  ::close(fd);
  return ntohs(address.sin_port);
}

// A redis-server in a temp dir with nothing persisted, on a Unix socket or on 127.0.0.1; stop()
// and start() again keep its address (and lose its data).
class RedisServer {
 public:
  enum class Transport { unix_socket, tcp };

  explicit RedisServer(std::string binary, Transport transport = Transport::unix_socket)
      : binary_(std::move(binary)), port_(transport == Transport::tcp ? free_port() : 0) {
    start();
  }

  void start() {
    process_.emplace(std::vector<std::string>{binary_, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                              "--unixsocket", dirs_ / "redis.sock", "--save", "", "--appendonly", "no",
                                              "--dir", dirs_ / "", "--logfile", dirs_ / "redis.log"});
    auto const deadline = std::chrono::steady_clock::now() + 10s;
    while (!command({"PING"}).ok()) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("redis-server did not start");
      std::this_thread::sleep_for(20ms);
    }
  }

  void stop() {
    process_->signal(SIGTERM);
    EXPECT_EQ(process_->exit_code(10s), 0);
    process_.reset();
  }

  // The REDIS_ADDR the examples get.
  std::string address() const { return port_ ? "127.0.0.1:" + std::to_string(port_) : dirs_ / "redis.sock"; }

  // One command on a fresh connection (an earlier one may have belonged to a stopped server).
  example::RedisReply command(example::RedisCommand const& command) const {
    example::RedisClient client{example::RedisAddress::parse(address()), 1s};
    return client.command(command);
  }

  std::map<std::string, long long> hash(std::string const& key) const {
    auto const reply = command({"HGETALL", key});
    EXPECT_TRUE(reply.ok()) << reply.text;
    std::map<std::string, long long> fields;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2)
      fields[reply.elements[i]] = std::stoll(reply.elements[i + 1]);
    return fields;
  }

 private:
  std::string binary_;
  int port_;
  test::Dirs dirs_;
  std::optional<test::Process> process_;
};

// An example binary serving on a temp socket, with extra environment and flags.
template <class Service>
class ExampleServer {
 public:
  ExampleServer(std::string const& name, std::vector<std::string> env, std::vector<std::string> flags = {})
      : process_(command_line(name, std::move(flags)), std::move(env)) {
    if (!numaflow::testing::wait_until_ready<Service>(socket())) throw std::runtime_error(name + " did not start");
  }
  std::string socket() const { return dirs_ / "udf.sock"; }
  int exit_code() { return process_.exit_code(10s); }
  int stop() {
    process_.signal(SIGTERM);
    return exit_code();
  }

 private:
  std::vector<std::string> command_line(std::string const& name, std::vector<std::string> flags) const {
    std::vector<std::string> line{std::string{NUMAFLOW_EXAMPLES_DIR} + "/" + name, "--socket", socket(),
                                  "--server-info", dirs_ / "info"};
    line.insert(line.end(), flags.begin(), flags.end());
    return line;
  }

  test::Dirs dirs_;
  test::Process process_;
};

using SinkExample = ExampleServer<sink::v1::Sink>;
using StoreExample = ExampleServer<serving::v1::ServingStore>;

// The exit code of an example that is expected to refuse its configuration at start-up.
int start_up_exit_code(std::string const& name, std::vector<std::string> env) {
  test::Dirs dirs;
  test::Process process{{std::string{NUMAFLOW_EXAMPLES_DIR} + "/" + name, "--socket", dirs / "udf.sock"},
                        std::move(env)};
  return process.exit_code(10s);
}

Datums batch_of(std::string const& prefix, std::vector<std::string> const& values) {
  Datums batch;
  for (std::size_t i = 0; i < values.size(); ++i) batch.push_back(test::with_id(prefix + std::to_string(i), values[i]));
  return batch;
}

std::map<std::string, SinkResponse> by_id(SinkResponses const& responses) {
  std::map<std::string, SinkResponse> out;
  for (auto const& r : responses) out[r.id] = r;
  return out;
}

class RedisExamples : public ::testing::Test {
 protected:
  void SetUp() override {
    auto binary = installed_redis_server();
    if (!binary) GTEST_SKIP() << "redis-server is not installed (tools/install-deps installs it)";
    binary_ = *binary;
  }
  std::string binary_;
};

constexpr char const* hash_key = "counts";

}  // namespace

TEST_F(RedisExamples, SinkCountsEveryValueInTheHashOverTcp) {
  RedisServer redis{binary_, RedisServer::Transport::tcp};
  SinkExample sink{"sink_redis", {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address()}};
  SinkClient client{sink.socket()};
  std::string const binary{"\0\xff", 2};
  for (auto const& batch : {batch_of("a", {"x", "y", "x"}), batch_of("b", {"x", "z", "", binary})})
    for (auto const& r : client.sink(batch)) EXPECT_EQ(r.status, SinkResponse::Status::success) << r.id << r.error;
  EXPECT_EQ(redis.hash(hash_key),
            (std::map<std::string, long long>{{"x", 3}, {"y", 1}, {"z", 1}, {"", 1}, {binary, 1}}));
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

TEST_F(RedisExamples, SinkAnswersFailureWhileRedisIsAwayAndWritesAgainWhenItIsBack) {
  RedisServer redis{binary_};
  SinkExample sink{"sink_redis", {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address()}};
  SinkClient client{sink.socket()};
  for (auto const& r : client.sink(batch_of("before", {"a", "b"}))) EXPECT_EQ(r.status, SinkResponse::Status::success);

  redis.stop();
  // The first batch finds the old connection closed, the second cannot connect at all.
  for (auto const& prefix : {"closed", "refused"}) {
    auto const responses = client.sink(batch_of(prefix, {"a", "c", "d"}));
    ASSERT_EQ(responses.size(), 3u);
    for (auto const& r : responses) {
      EXPECT_EQ(r.status, SinkResponse::Status::failure) << r.id;
      EXPECT_NE(r.error.find("not written to Redis"), std::string::npos) << r.error;
    }
  }

  redis.start();  // empty: nothing was persisted
  for (auto const& r : client.sink(batch_of("after", {"a", "e", "a"})))
    EXPECT_EQ(r.status, SinkResponse::Status::success) << r.id << r.error;
  EXPECT_EQ(redis.hash(hash_key), (std::map<std::string, long long>{{"a", 2}, {"e", 1}}));
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

TEST_F(RedisExamples, SinkAnswersFallbackWhenConfiguredSo) {
  RedisServer redis{binary_};
  SinkExample sink{"sink_redis", {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address(), "ON_REDIS_ERROR=fallback"}};
  SinkClient client{sink.socket()};
  redis.stop();
  for (auto const& r : client.sink(batch_of("away", {"a", "b"}))) EXPECT_EQ(r.status, SinkResponse::Status::fallback);
  redis.start();
  for (auto const& r : client.sink(batch_of("back", {"a", "b"}))) EXPECT_EQ(r.status, SinkResponse::Status::success);
  EXPECT_EQ(redis.hash(hash_key), (std::map<std::string, long long>{{"a", 1}, {"b", 1}}));
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

// Redis refuses writes once it is out of memory: each datum's answer is its own command's outcome,
// so exactly the datums answered success are counted.
TEST_F(RedisExamples, SinkAnswersEachDatumByItsOwnReplyWhenRedisRefusesPartOfABatch) {
  RedisServer redis{binary_};
  auto const info = redis.command({"INFO", "memory"}).text;
  auto const used = std::stoll(info.substr(info.find("used_memory:") + 12));
  ASSERT_TRUE(redis.command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}).ok());
  ASSERT_TRUE(redis.command({"CONFIG", "SET", "maxmemory", std::to_string(used + 256LL * 1024)}).ok());

  SinkExample sink{"sink_redis", {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address()}};
  SinkClient client{sink.socket()};
  std::vector<std::string> values;
  values.reserve(200);
  for (int i = 0; i < 200; ++i) values.push_back(std::to_string(i) + std::string(4096, 'v'));
  auto const responses = client.sink(batch_of("big", values));
  ASSERT_TRUE(redis.command({"CONFIG", "SET", "maxmemory", "0"}).ok());

  auto const counted = redis.hash(hash_key);
  std::size_t written = 0, refused = 0;
  for (auto const& r : responses) {
    auto const& value = values[std::stoul(r.id.substr(3))];
    if (r.status == SinkResponse::Status::success) {
      ++written;
      EXPECT_EQ(counted.count(value), 1u) << r.id << " answered success but is not in the hash";
    } else {
      ++refused;
      EXPECT_EQ(r.status, SinkResponse::Status::failure) << r.id;
      EXPECT_NE(r.error.find("OOM"), std::string::npos) << r.error;
      EXPECT_EQ(counted.count(value), 0u) << r.id << " answered failure but is in the hash";
    }
  }
  EXPECT_GT(written, 0u);
  EXPECT_GT(refused, 0u);
  EXPECT_EQ(counted.size(), written);
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

// Redis closes the connection in the middle of a batch (a value longer than proto-max-bulk-len is a
// protocol error): the datums it answered before are success, the rest failure, although the sink
// could not even write them all; the next batch reconnects.
TEST_F(RedisExamples, SinkAnswersExactlyWhenRedisClosesTheConnectionMidBatch) {
  RedisServer redis{binary_};
  ASSERT_TRUE(redis.command({"CONFIG", "SET", "proto-max-bulk-len", "1mb"}).ok());
  SinkExample sink{"sink_redis", {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address()}};
  SinkClient client{sink.socket()};
  std::string const too_long(std::size_t{1536} * 1024, 'h');
  auto const responses = by_id(client.sink(batch_of("cut", {"a", "b", "c", too_long, "d", "e"})));
  for (auto const* id : {"cut0", "cut1", "cut2"})
    EXPECT_EQ(responses.at(id).status, SinkResponse::Status::success) << id;
  for (auto const* id : {"cut3", "cut4", "cut5"})
    EXPECT_EQ(responses.at(id).status, SinkResponse::Status::failure) << id;
  EXPECT_NE(responses.at("cut3").error.find("Protocol error"), std::string::npos) << responses.at("cut3").error;
  EXPECT_EQ(redis.hash(hash_key), (std::map<std::string, long long>{{"a", 1}, {"b", 1}, {"c", 1}}));

  for (auto const& r : client.sink(batch_of("next", {"f"}))) EXPECT_EQ(r.status, SinkResponse::Status::success);
  EXPECT_EQ(redis.hash(hash_key).at("f"), 1);
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

// No Redis needed: the configuration is refused before any connection.
TEST(RedisExampleConfiguration, SinkRefusesABadConfigurationAtStartUp) {
  EXPECT_EQ(start_up_exit_code("sink_redis", {}), 2);  // no SINK_HASH_KEY
  EXPECT_EQ(start_up_exit_code("sink_redis", {"SINK_HASH_KEY=h", "ON_REDIS_ERROR=drop"}), 2);
  EXPECT_EQ(start_up_exit_code("sink_redis", {"SINK_HASH_KEY=h", "REDIS_ADDR=redis"}), 2);  // no port
  EXPECT_EQ(start_up_exit_code("sink_redis", {"SINK_HASH_KEY=h", "REDIS_ADDR=redis:99999"}), 2);
  // A fallback sink cannot hand datums to a fallback sink.
  EXPECT_EQ(start_up_exit_code("sink_redis",
                               {"SINK_HASH_KEY=h", "ON_REDIS_ERROR=fallback", "NUMAFLOW_UD_CONTAINER_TYPE=fb-udsink"}),
            2);
}

TEST_F(RedisExamples, StorePutsAndGetsInPutOrderWithNumaflowGosLayout) {
  RedisServer redis{binary_};
  StoreExample store{"servingstore_redis", {"REDIS_ADDR=" + redis.address()}};
  ServingStoreClient client{store.socket()};
  std::string const binary{"\0\xff\"", 3};
  EXPECT_TRUE(client.put("r1", {{"cat", "one"}}));
  EXPECT_TRUE(client.put("r1", {{"flat", "two"}, {"flat", binary}}));
  EXPECT_EQ(client.get("r1"), (std::vector<ServingPayload>{{"cat", "one"}, {"flat", "two"}, {"flat", binary}}));
  EXPECT_TRUE(client.get("unknown").empty());

  // numaflow-go's redis-store: a list under the id, LPUSHed, one JSON object per payload.
  auto const stored = redis.command({"LRANGE", "r1", "0", "-1"});
  ASSERT_EQ(stored.elements.size(), 3u);
  EXPECT_EQ(stored.elements[2], R"({"origin":"cat","value":"b25l"})");
  EXPECT_EQ(stored.elements[0], R"({"origin":"flat","value":"AP8i"})");
  auto const ttl = redis.command({"TTL", "r1"});
  EXPECT_GT(ttl.integer, 7000);  // the default, 2 h
  EXPECT_LE(ttl.integer, 7200);

  // What numaflow-go's store writes reads back here (Go writes a nil value as null).
  ASSERT_TRUE(redis
                  .command({"LPUSH", "r2", R"({"origin":"go","value":null})",
                            R"( { "value" : "aGk=", "origin" : "g\u00e9\ud83d\ude00", "extra": "x" } )"})
                  .ok());
  EXPECT_EQ(client.get("r2"), (std::vector<ServingPayload>{{"go", ""}, {"g\xc3\xa9\xf0\x9f\x98\x80", "hi"}}));
  EXPECT_EQ(store.stop(), 0);
}

TEST_F(RedisExamples, StoreKeysExpireAfterTheirTtl) {
  RedisServer redis{binary_};
  StoreExample store{"servingstore_redis", {"REDIS_ADDR=" + redis.address(), "REDIS_TTL_SECONDS=1"}};
  ServingStoreClient client{store.socket()};
  EXPECT_TRUE(client.put("short", {{"v", "lived"}}));
  auto const pttl = redis.command({"PTTL", "short"}).integer;
  EXPECT_GT(pttl, 0);
  EXPECT_LE(pttl, 1000);
  EXPECT_EQ(client.get("short"), (std::vector<ServingPayload>{{"v", "lived"}}));
  auto const deadline = std::chrono::steady_clock::now() + 5s;
  while (!client.get("short").empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(client.get("short").empty());
  EXPECT_EQ(redis.command({"EXISTS", "short"}).integer, 0);
  EXPECT_EQ(store.stop(), 0);
}

TEST_F(RedisExamples, StoreFailsTheCallAndExitsWhenRedisIsAway) {
  RedisServer redis{binary_};
  StoreExample store{"servingstore_redis", {"REDIS_ADDR=" + redis.address()}};
  ServingStoreClient client{store.socket(), 5s};
  redis.stop();
  try {
    client.put("r", {{"v", "x"}});
    ADD_FAILURE() << "a put Redis did not store was answered";
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL) << e.what();
    EXPECT_NE(e.status().error_message().find("put of request \"r\" failed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store.exit_code(), 1);  // for the platform to restart it
}

TEST(RedisExampleConfiguration, StoreRefusesABadConfigurationAtStartUp) {
  EXPECT_EQ(start_up_exit_code("servingstore_redis", {"REDIS_TTL_SECONDS=0"}), 2);
  EXPECT_EQ(start_up_exit_code("servingstore_redis", {"REDIS_TTL_SECONDS=soon"}), 2);
  EXPECT_EQ(start_up_exit_code("servingstore_redis", {"REDIS_ADDR=:6379"}), 2);
}

// sink_sideinput: HINCRBY <SINK_HASH_KEY> <the side input's current value> per datum.

TEST_F(RedisExamples, SideInputSinkCountsEachDatumUnderTheCurrentSideInputValue) {
  RedisServer redis{binary_};
  numaflow::testing::TempDir side_inputs;
  test::SideInputPublisher publisher{side_inputs.path(), "myticker"};
  publisher.publish("s1");
  SinkExample sink{"sink_sideinput",
                   {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address()},
                   {"--side-input-dir", side_inputs.path()}};
  SinkClient client{sink.socket()};
  for (auto const& r : client.sink(batch_of("a", {"x", "y"})))
    EXPECT_EQ(r.status, SinkResponse::Status::success) << r.id << r.error;
  EXPECT_EQ(redis.hash(hash_key), (std::map<std::string, long long>{{"s1", 2}}));

  // The watcher follows the new value within moments; every datum is counted under one of the two.
  publisher.publish("s2");
  long long sent = 2;
  for (int i = 0; i < 200 && !redis.hash(hash_key).contains("s2"); ++i) {
    for (auto const& r : client.sink(batch_of("b" + std::to_string(i), {"z"})))
      EXPECT_EQ(r.status, SinkResponse::Status::success) << r.id << r.error;
    ++sent;
    std::this_thread::sleep_for(50ms);
  }
  auto const counts = redis.hash(hash_key);
  ASSERT_TRUE(counts.contains("s2")) << "the new side-input value was never used";
  EXPECT_EQ(counts.at("s1") + counts.at("s2"), sent);
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

TEST_F(RedisExamples, SideInputSinkAnswersFailureWhileRedisIsAwayAndWritesAgainWhenItIsBack) {
  RedisServer redis{binary_};
  numaflow::testing::TempDir side_inputs;  // no side input yet: the field is empty
  SinkExample sink{"sink_sideinput",
                   {"SINK_HASH_KEY=counts", "REDIS_ADDR=" + redis.address()},
                   {"--side-input-dir", side_inputs.path()}};
  SinkClient client{sink.socket()};
  redis.stop();
  auto const responses = client.sink(batch_of("away", {"a", "b"}));
  ASSERT_EQ(responses.size(), 2u);
  for (auto const& r : responses) {
    EXPECT_EQ(r.status, SinkResponse::Status::failure) << r.id << " must not be reported as written";
    EXPECT_NE(r.error.find("not written to Redis"), std::string::npos) << r.error;
  }
  redis.start();
  for (auto const& r : client.sink(batch_of("back", {"a", "b", "c"})))
    EXPECT_EQ(r.status, SinkResponse::Status::success) << r.id << r.error;
  EXPECT_EQ(redis.hash(hash_key), (std::map<std::string, long long>{{"", 3}}));
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(sink.stop(), 0);
}

TEST_F(RedisExamples, SideInputSinkFailsTheBatchWithoutAHashKeyAsGosPanics) {
  RedisServer redis{binary_};
  numaflow::testing::TempDir side_inputs;
  SinkExample sink{"sink_sideinput", {"REDIS_ADDR=" + redis.address()}, {"--side-input-dir", side_inputs.path()}};
  SinkClient client{sink.socket()};
  try {
    client.sink(batch_of("a", {"x"}));
    ADD_FAILURE() << "a batch without SINK_HASH_KEY was answered";
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL) << e.what();
    EXPECT_NE(e.status().error_message().find("SINK_HASH_KEY environment variable is not set."), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(sink.exit_code(), 1) << "a handler error ends the UDF, as the platform's error contract asks";
  EXPECT_TRUE(redis.hash(hash_key).empty());
}
