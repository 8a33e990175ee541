// Every example behaves as its issue and README state, driven over its socket by the test client.
#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <cstring>

#include "support.hpp"

using namespace numaflow;
using numaflow::testing::MapClient;
using numaflow::testing::SinkClient;
using numaflow::testing::SourceTransformClient;

namespace {

// Starts build/examples/<name> on a temp socket and waits until it is ready.
template <class Service>
class Example {
 public:
  Example(std::string const& name, std::vector<std::string> flags = {}, std::vector<std::string> env = {})
      : process_(
            [&] {
              std::vector<std::string> argv{std::string{NUMAFLOW_EXAMPLES_DIR} + "/" + name, "--socket",
                                            dirs_ / "udf.sock", "--server-info", dirs_ / "info"};
              argv.insert(argv.end(), flags.begin(), flags.end());
              return argv;
            }(),
            env) {
    if (!numaflow::testing::wait_until_ready<Service>(socket()))
      throw std::runtime_error(name + " did not become ready");
  }
  ~Example() {
    process_.signal(SIGTERM);
    EXPECT_EQ(process_.exit_code(), 0);
  }
  std::string socket() const { return dirs_ / "udf.sock"; }
  std::string info() const { return dirs_ / "info"; }

 private:
  test::Dirs dirs_;
  test::Process process_;
};

Datum with_value(std::string value, Keys keys = {}) {
  Datum d;
  d.value = std::move(value);
  d.keys = std::move(keys);
  d.event_time = Timestamp{1700000000, 0};
  return d;
}

std::string little_endian(std::uint64_t n) {
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &n, 8);  // x86-64 and arm64 are little-endian
  return bytes;
}

class PolicyTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> policy() const { return {"--policy", GetParam()}; }
};

}  // namespace

class MapExamples : public PolicyTest {};

TEST_P(MapExamples, MapCatForwardsValueAndKeys) {
  Example<map::v1::Map> example{"map_cat", policy()};
  MapClient client{example.socket()};
  auto messages = client.map_one(with_value("hello", {"a", "b"}));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, "hello");
  EXPECT_EQ(messages[0].keys, (Keys{"a", "b"}));
  EXPECT_TRUE(messages[0].tags.empty());
  EXPECT_TRUE(client.close().ok());
}

TEST_P(MapExamples, MapEvenOddRoutesByParity) {
  Example<map::v1::Map> example{"map_even_odd", policy()};
  MapClient client{example.socket()};
  for (std::uint64_t n : {1u, 2u, 3u, 4u}) {
    auto messages = client.map_one(with_value(little_endian(n)));
    ASSERT_EQ(messages.size(), 1u);
    bool const even = n % 2 == 0;
    EXPECT_EQ(messages[0].value, little_endian(n));
    EXPECT_EQ(messages[0].keys, Keys{even ? "even" : "odd"});
    EXPECT_EQ(messages[0].tags, std::vector<std::string>{even ? "even-tag" : "odd-tag"});
  }
  EXPECT_TRUE(client.close().ok());
}

TEST_P(MapExamples, MapFlatmapSplitsOnCommasKeepingEmptyParts) {
  Example<map::v1::Map> example{"map_flatmap", policy()};
  MapClient client{example.socket()};
  auto messages = client.map_one(with_value("x,,y", {"k"}));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].value, "x");
  EXPECT_EQ(messages[1].value, "");
  EXPECT_EQ(messages[2].value, "y");
  for (auto const& m : messages) {
    EXPECT_TRUE(m.keys.empty());
    EXPECT_TRUE(m.tags.empty());
  }
  EXPECT_TRUE(client.close().ok());
}

TEST_P(MapExamples, MapMultiprocPrimeForwards) {
  Example<map::v1::Map> example{"map_multiproc_prime", policy()};
  MapClient client{example.socket()};
  auto results = client.map({with_value("p1", {"k"}), with_value("p2", {"k"})});
  EXPECT_EQ(results.size(), 2u);
  for (auto const& [id, messages] : results) {
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].keys, Keys{"k"});
  }
  EXPECT_TRUE(client.close().ok());
}

TEST_P(MapExamples, EventTimeFilterDropsAndRetimes) {
  Example<sourcetransformer::v1::SourceTransform> example{"sourcetransform_event_time_filter", policy()};
  SourceTransformClient client{example.socket()};
  auto at = [](std::int64_t ms) {
    auto d = with_value("v", {"k"});
    d.event_time = Timestamp::from_unix_millis(ms);
    return d;
  };
  auto before = client.transform_one(at(1640995199999));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_TRUE(before[0].is_drop());
  EXPECT_EQ(before[0].event_time, Timestamp::from_unix_millis(1640995199999));
  auto within = client.transform_one(at(1654041600000));
  ASSERT_EQ(within.size(), 1u);
  EXPECT_EQ(within[0].value, "v");
  EXPECT_EQ(within[0].tags, std::vector<std::string>{"within_year_2022"});
  EXPECT_EQ(within[0].event_time, Timestamp::from_unix_millis(1640995200000));
  auto after = client.transform_one(at(1700000000000));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].tags, std::vector<std::string>{"after_year_2022"});
  EXPECT_EQ(after[0].event_time, Timestamp::from_unix_millis(1672531200000));
  EXPECT_TRUE(client.close().ok());
}

INSTANTIATE_TEST_SUITE_P(Policies, MapExamples, ::testing::Values("sync", "async", "multiproc"));

class SinkExamples : public PolicyTest {};

TEST_P(SinkExamples, SinkLogAnswersSuccess) {
  Example<sink::v1::Sink> example{"sink_log", policy()};
  SinkClient client{example.socket()};
  auto responses = client.sink({with_value("a"), with_value("b"), with_value("c")});
  ASSERT_EQ(responses.size(), 3u);
  for (auto const& r : responses) EXPECT_EQ(r.status, SinkResponse::Status::success);
  EXPECT_TRUE(client.close().ok());
}

TEST_P(SinkExamples, SinkAllSendsOnSuccessOrFallback) {
  Example<sink::v1::Sink> example{"sink_all", policy()};
  SinkClient client{example.socket()};
  auto batch = Datums{with_value("all good", {"k"}), with_value("please fail")};
  batch[0].id = "good";
  batch[1].id = "bad";
  std::map<std::string, SinkResponse> by_id;
  for (auto& r : client.sink(batch)) by_id[r.id] = r;
  EXPECT_EQ(by_id["good"].status, SinkResponse::Status::on_success);
  ASSERT_TRUE(by_id["good"].on_success_message);
  EXPECT_EQ(by_id["good"].on_success_message->keys, Keys{"on_success"});
  EXPECT_EQ(by_id["good"].on_success_message->value, "all good");
  EXPECT_EQ(by_id["bad"].status, SinkResponse::Status::fallback);
  EXPECT_TRUE(client.close().ok());
}

TEST_P(SinkExamples, SinkAllInTheFallbackRoleAnswersSuccess) {
  Example<sink::v1::Sink> example{"sink_all", policy(), {"NUMAFLOW_UD_CONTAINER_TYPE=fb-udsink"}};
  SinkClient client{example.socket()};
  for (auto const& r : client.sink({with_value("please fail")})) EXPECT_EQ(r.status, SinkResponse::Status::success);
  EXPECT_TRUE(client.close().ok());
}

INSTANTIATE_TEST_SUITE_P(Policies, SinkExamples, ::testing::Values("sync", "async"));

class BatchAndStreamExamples : public PolicyTest {};

TEST_P(BatchAndStreamExamples, BatchmapFlatmapSplitsEachValue) {
  Example<map::v1::Map> example{"batchmap_flatmap", policy()};
  numaflow::testing::BatchMapClient client{example.socket()};
  Datums batch{with_value("x,,y"), with_value("solo")};
  batch[0].id = "a";
  batch[1].id = "b";
  auto results = client.batch_map(batch);
  ASSERT_EQ(results.at("a").size(), 3u);
  EXPECT_EQ(results.at("a")[1].value, "");
  EXPECT_EQ(results.at("a")[2].value, "y");
  EXPECT_EQ(results.at("b").size(), 1u);
  EXPECT_TRUE(client.close().ok());
}

TEST_P(BatchAndStreamExamples, MapstreamFlatmapStreamsEachPartInOrder) {
  Example<map::v1::Map> example{"mapstream_flatmap", policy()};
  numaflow::testing::MapStreamClient client{example.socket()};
  auto messages = client.map_stream_one(with_value("x,,y", {"k"}));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].value, "x");
  EXPECT_EQ(messages[1].value, "");
  EXPECT_EQ(messages[2].value, "y");
  EXPECT_TRUE(messages[0].keys.empty());
  EXPECT_TRUE(client.close().ok());
}

TEST_P(BatchAndStreamExamples, SourceSimpleReadsAcksAndRedeliversNacks) {
  Example<source::v1::Source> example{"source_simple", policy()};
  numaflow::testing::SourceClient client{example.socket()};
  auto batch = client.read(3);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].value, "0");
  EXPECT_EQ(batch[2].value, "2");
  client.ack({batch[0].offset});
  client.nack({{batch[1].offset, std::nullopt}});
  EXPECT_EQ(client.pending(), 1);
  auto again = client.read(2);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].value, "1") << "the nacked offset comes back first";
  EXPECT_EQ(again[1].value, "3");
  EXPECT_EQ(client.partitions().first, std::vector<std::int32_t>{0});
  EXPECT_TRUE(client.close().ok());
}

TEST_P(BatchAndStreamExamples, SideinputSimpleAlternatesBroadcastAndSkip) {
  Example<sideinput::v1::SideInput> example{"sideinput_simple", policy()};
  numaflow::testing::SideInputClient client{example.socket()};
  auto first = client.retrieve();
  EXPECT_TRUE(first.value.starts_with("an example: ")) << first.value;
  EXPECT_FALSE(first.skip);
  EXPECT_TRUE(client.retrieve().skip);
  EXPECT_FALSE(client.retrieve().skip);
}

TEST_P(BatchAndStreamExamples, ServingstoreMemoryAppendsAndReturnsEverything) {
  Example<serving::v1::ServingStore> example{"servingstore_memory", policy()};
  numaflow::testing::ServingStoreClient client{example.socket()};
  client.put("r1", {{"cat", "one"}});
  client.put("r1", {{"flat", "two"}});
  auto stored = client.get("r1");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].value, "one");
  EXPECT_EQ(stored[1].origin, "flat");
  EXPECT_TRUE(client.get("unknown").empty());
}

INSTANTIATE_TEST_SUITE_P(Policies, BatchAndStreamExamples, ::testing::Values("sync", "async"));
