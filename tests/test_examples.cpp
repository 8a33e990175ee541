// Every example behaves as its issue and README state, driven over its socket by the test client.
#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <chrono>
#include <vector>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

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

// ---- Twins of numaflow-go's examples (examples/README.md has the table) ----------------------------

namespace {

Datum with_id(std::string id, std::string value, Keys keys = {}) {
  Datum d = with_value(std::move(value), std::move(keys));
  d.id = std::move(id);
  return d;
}

using test::SideInputPublisher;

// Calls `attempt` every 20 ms until it returns true, for at most 10 s.
template <class Attempt>
bool eventually(Attempt attempt) {
  for (int i = 0; i < 500; ++i) {
    if (attempt()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return false;
}

}  // namespace

TEST(GoTwinMapExamples, MapCatMetadataAddsItsEntryAndKeepsTheDatumsMetadata) {
  Example<map::v1::Map> example{"map_cat_metadata"};
  MapClient client{example.socket()};
  auto d = with_value("hello", {"k"});
  d.user_metadata.add("src", "a", "1");
  auto messages = client.map_one(d);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, "hello");
  EXPECT_EQ(messages[0].keys, Keys{"k"});
  EXPECT_EQ(messages[0].user_metadata.value("map-group", "map-key"), "map-value");
  EXPECT_EQ(messages[0].user_metadata.value("src", "a"), "1");
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinMapExamples, MapRetryFailsTwiceThenForwards) {
  Example<map::v1::Map> example{"map_retry"};
  MapClient client{example.socket()};
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto messages = client.map_one(with_value("m", {"k"}));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].is_fail(), attempt < 3) << "attempt " << attempt;
    if (attempt == 3) {
      EXPECT_EQ(messages[0].value, "m");
      EXPECT_TRUE(messages[0].tags.empty());
    }
  }
  EXPECT_TRUE(client.map_one(with_value("other"))[0].is_fail()) << "counted per value";
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinMapExamples, MapRetryRejectsAnUnknownMode) {
  test::Dirs dirs;
  test::Process process{{std::string{NUMAFLOW_EXAMPLES_DIR} + "/map_retry", "--socket", dirs / "udf.sock",
                         "--server-info", dirs / "info"},
                        {"RETRY_WITH=sometimes"}};
  EXPECT_EQ(process.exit_code(), 2);
}

TEST(GoTwinMapExamples, MapRetryTagsRetryTwiceThenForwards) {
  Example<map::v1::Map> example{"map_retry", {}, {"RETRY_WITH=tag"}};
  MapClient client{example.socket()};
  for (int round = 0; round < 2; ++round) {  // the count is forgotten after the success
    for (int attempt = 1; attempt <= 3; ++attempt) {
      auto messages = client.map_one(with_value("m", {"k"}));
      ASSERT_EQ(messages.size(), 1u);
      EXPECT_EQ(messages[0].value, "m");
      EXPECT_TRUE(messages[0].keys.empty());
      EXPECT_EQ(messages[0].tags, attempt < 3 ? std::vector<std::string>{"retry"} : std::vector<std::string>{})
          << "attempt " << attempt;
    }
  }
  EXPECT_EQ(client.map_one(with_value("other"))[0].tags, std::vector<std::string>{"retry"}) << "counted per value";
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinMapExamples, MapSlowCatSleepsSleepSecondsThenForwards) {
  Example<map::v1::Map> example{"map_slow_cat", {}, {"SLEEP_SECONDS=1"}};
  MapClient client{example.socket()};
  auto const start = std::chrono::steady_clock::now();
  auto messages = client.map_one(with_value("slow", {"k"}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds{950});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, "slow");
  EXPECT_EQ(messages[0].keys, Keys{"k"});
  EXPECT_TRUE(client.close().ok());
}

#ifdef NUMAFLOW_EXAMPLES_JSON
TEST(GoTwinMapExamples, MapFilterKeepsOnlyMatchingPayloads) {
  Example<map::v1::Map> example{"map_filter"};
  MapClient client{example.socket()};
  auto keep = [&](std::string payload) {
    auto messages = client.map_one(with_value(payload, {"k"}));
    EXPECT_EQ(messages.size(), 1u) << payload;
    if (messages.empty() || messages[0].is_drop()) return false;
    EXPECT_EQ(messages[0].value, payload);
    EXPECT_TRUE(messages[0].keys.empty());
    return true;
  };
  EXPECT_TRUE(keep(R"({"id": 1, "msg": "hello", "desc": "a good one"})"));
  EXPECT_TRUE(keep(R"({"id": "99", "msg": "hello", "desc": "goodness"})")) << "an id in a string counts";
  EXPECT_FALSE(keep(R"({"id": 100, "msg": "hello", "desc": "good"})"));
  EXPECT_FALSE(keep(R"({"id": 1, "msg": "hello!", "desc": "good"})"));
  EXPECT_FALSE(keep(R"({"id": 1, "msg": "hello", "desc": "bad"})"));
  EXPECT_FALSE(keep(R"({"id": 1, "msg": "hello"})")) << "no desc: nothing to contain good";
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinMapExamples, MapTickgenReformatsGeneratorPayloads) {
  Example<map::v1::Map> example{"map_tickgen"};
  MapClient client{example.socket()};
  auto messages =
      client.map_one(with_value(R"({"Data":{"value":5,"padding":"AAAA"},"Createdts":1700000000123456789})", {"k"}));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, R"({"Value":5,"Time":"2023-11-14T22:13:20Z"})");
  EXPECT_EQ(messages[0].keys, Keys{"k"});
  EXPECT_EQ(client.map_one(with_value(R"({"data":{"Value":7}})"))[0].value,
            R"({"Value":7,"Time":"1970-01-01T00:00:00Z"})")
      << "names in any case; missing fields are 0";
  EXPECT_TRUE(client.map_one(with_value("not json")).empty());
  EXPECT_TRUE(client.map_one(with_value(R"({"Data":{"value":"5"}})")).empty()) << "a value of the wrong type";
  EXPECT_TRUE(client.close().ok());
}
#endif

TEST(GoTwinSinkExamples, SinkFailureFailsEveryDatum) {
  Example<sink::v1::Sink> example{"sink_failure"};
  SinkClient client{example.socket()};
  auto responses = client.sink({with_id("a", "x"), with_id("b", "y")});
  ASSERT_EQ(responses.size(), 2u);
  for (auto const& r : responses) {
    EXPECT_EQ(r.status, SinkResponse::Status::failure);
    EXPECT_EQ(r.error, "test retry strategy for id: " + r.id);
  }
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSinkExamples, SinkFallbackSendsEveryDatumToTheFallback) {
  Example<sink::v1::Sink> example{"sink_fallback"};
  SinkClient client{example.socket()};
  auto responses = client.sink({with_id("a", "x"), with_id("b", "y")});
  ASSERT_EQ(responses.size(), 2u);
  for (auto const& r : responses) EXPECT_EQ(r.status, SinkResponse::Status::fallback);
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSinkExamples, SinkLogMetadataAnswersSuccess) {
  Example<sink::v1::Sink> example{"sink_log_metadata"};
  SinkClient client{example.socket()};
  auto d = with_id("a", "x");
  d.user_metadata.add("g", "k", "v");
  auto responses = client.sink({d, with_id("b", "y")});
  ASSERT_EQ(responses.size(), 2u);
  for (auto const& r : responses) EXPECT_EQ(r.status, SinkResponse::Status::success);
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSinkExamples, SinkOnSuccessLogSendsTheFixedMessageOn) {
  Example<sink::v1::Sink> example{"sink_on_success_log"};
  SinkClient client{example.socket()};
  auto responses = client.sink({with_id("a", "x", {"k"})});
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, SinkResponse::Status::on_success);
  ASSERT_TRUE(responses[0].on_success_message);
  EXPECT_EQ(responses[0].on_success_message->value, "on-success-message");
  EXPECT_TRUE(responses[0].on_success_message->keys.empty());
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSinkExamples, SinkOnSuccessAnswersOnSuccessOrFallbackAtRandom) {
  Example<sink::v1::Sink> example{"sink_on_success"};
  SinkClient client{example.socket()};
  Datums batch;
  for (int i = 0; i < 64; ++i) batch.push_back(with_id(std::to_string(i), "v"));
  std::map<SinkResponse::Status, int> seen;
  for (auto const& r : client.sink(batch)) {
    ++seen[r.status];
    if (r.status == SinkResponse::Status::on_success) {
      ASSERT_TRUE(r.on_success_message);
      EXPECT_EQ(r.on_success_message->value, "primary sink write succeeded");
    }
  }
  EXPECT_EQ(seen[SinkResponse::Status::on_success] + seen[SinkResponse::Status::fallback], 64);
  // One in 2^63 runs sees one outcome only.
  EXPECT_GT(seen[SinkResponse::Status::on_success], 0);
  EXPECT_GT(seen[SinkResponse::Status::fallback], 0);
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSinkExamples, SinkServeServesEachValue) {
  Example<sink::v1::Sink> example{"sink_serve"};
  SinkClient client{example.socket()};
  std::map<std::string, SinkResponse> by_id;
  for (auto& r : client.sink({with_id("a", "first"), with_id("b", std::string{"\0bin", 4})})) by_id[r.id] = r;
  EXPECT_EQ(by_id["a"].status, SinkResponse::Status::serve);
  EXPECT_EQ(by_id["a"].serve_payload, "first");
  EXPECT_EQ(by_id["b"].serve_payload, std::string("\0bin", 4));
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinTransformExamples, AssignEventTimeStampsTheCurrentTime) {
  Example<sourcetransformer::v1::SourceTransform> example{"sourcetransform_assign_event_time"};
  SourceTransformClient client{example.socket()};
  auto const before = Timestamp::now();
  auto messages = client.transform_one(with_value("v", {"k"}));
  auto const after = Timestamp::now();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, "v");
  EXPECT_EQ(messages[0].keys, Keys{"k"});
  ASSERT_TRUE(messages[0].event_time);
  EXPECT_LE(before, *messages[0].event_time);
  EXPECT_LE(*messages[0].event_time, after);
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinTransformExamples, MetadataEventTimeRecordsTheAssignedTime) {
  Example<sourcetransformer::v1::SourceTransform> example{"sourcetransform_metadata_event_time"};
  SourceTransformClient client{example.socket()};
  auto d = with_value("v", {"k"});
  d.user_metadata.add("src", "a", "1");
  auto messages = client.transform_one(d);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].value, "v");
  ASSERT_TRUE(messages[0].event_time);
  EXPECT_EQ(messages[0].user_metadata.value("event-time-group", "event-time"),
            to_rfc3339({messages[0].event_time->seconds, 0}));
  EXPECT_EQ(messages[0].user_metadata.value("src", "a"), "1");
  EXPECT_TRUE(client.close().ok());
}

#ifdef NUMAFLOW_EXAMPLES_JSON
TEST(GoTwinTransformExamples, FilterKeepsMatchingPayloadsAndDropsAtTheEventTime) {
  Example<sourcetransformer::v1::SourceTransform> example{"sourcetransform_filter"};
  SourceTransformClient client{example.socket()};
  auto kept = client.transform_one(with_value(R"({"id": 3, "msg": "hello", "desc": "good"})", {"k"}));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept[0].is_drop());
  EXPECT_EQ(kept[0].keys, Keys{"k"});
  EXPECT_EQ(kept[0].event_time, (Timestamp{1700000000, 0}));
  auto dropped = client.transform_one(with_value(R"({"id": 300, "msg": "hello", "desc": "good"})", {"k"}));
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_TRUE(dropped[0].is_drop());
  EXPECT_EQ(dropped[0].event_time, (Timestamp{1700000000, 0}));
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinTransformExamples, EventTimeExtractorReadsItemOneTime) {
  Example<sourcetransformer::v1::SourceTransform> example{"sourcetransform_event_time_extractor"};
  SourceTransformClient client{example.socket()};
  auto extracted = [&](std::string payload) {
    auto messages = client.transform_one(with_value(std::move(payload), {"k"}));
    EXPECT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages.at(0).keys, Keys{"k"});
    return messages.at(0).event_time.value_or(Timestamp{});
  };
  EXPECT_EQ(extracted(R"({"item":[{"time":"2000-01-01T00:00:00Z"},{"time":"2022-01-01T00:00:00Z"}]})"),
            (Timestamp{1640995200, 0}));
  EXPECT_EQ(extracted(R"({"item":[{},{"time":"2023-06-01T12:30:00.5+02:00"}]})"), (Timestamp{1685615400, 500000000}));
  EXPECT_EQ(extracted(R"({"item":[{},{"time":"2022-01-01 00:00:01"}]})"), (Timestamp{1640995201, 0})) << "no zone: UTC";
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinTransformExamples, TimeExtractionFilterKeepsSmallIdsWithTheirTime) {
  Example<sourcetransformer::v1::SourceTransform> example{"sourcetransform_time_extraction_filter"};
  SourceTransformClient client{example.socket()};
  auto kept = client.transform_one(with_value(R"({"id": 7, "time": "2021-12-31T23:59:59Z"})", {"k"}));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept[0].is_drop());
  EXPECT_EQ(kept[0].value, R"({"id": 7, "time": "2021-12-31T23:59:59Z"})");
  EXPECT_EQ(kept[0].event_time, (Timestamp{1640995199, 0}));
  auto dropped = client.transform_one(with_value(R"({"id": 700, "time": "not read"})", {"k"}));
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_TRUE(dropped[0].is_drop());
  EXPECT_EQ(dropped[0].event_time, (Timestamp{1700000000, 0}));
  EXPECT_TRUE(client.close().ok());
}
#endif

TEST(GoTwinSideInputExamples, GeneratorsBroadcastTheirSequences) {
  auto retrieve_three = [](std::string const& name) {
    Example<sideinput::v1::SideInput> example{name};
    numaflow::testing::SideInputClient client{example.socket()};
    std::vector<std::string> values;
    for (int i = 0; i < 3; ++i) {
      auto r = client.retrieve();
      EXPECT_FALSE(r.skip);
      values.push_back(r.value);
    }
    return values;
  };
  EXPECT_EQ(retrieve_three("sideinput_map"), (std::vector<std::string>{"odd", "even", "odd"}));
  EXPECT_EQ(retrieve_three("sideinput_function"), (std::vector<std::string>{"e2e-odd", "e2e-even", "e2e-odd"}));
  EXPECT_EQ(retrieve_three("sideinput_reduce"), (std::vector<std::string>{"1", "2", "3"}));
}

TEST(GoTwinSideInputExamples, SideinputMapUdfFollowsTheSideInput) {
  numaflow::testing::TempDir side_inputs;
  SideInputPublisher publisher{side_inputs.path(), "myticker"};
  Example<map::v1::Map> example{"sideinput_map_udf", {"--side-input-dir", side_inputs.path()}};
  MapClient client{example.socket()};
  auto map_x = [&] { return client.map_one(with_value("x", {"k"})); };
  auto before = map_x();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_TRUE(before[0].is_drop()) << "no side input yet";
  publisher.publish("even");
  EXPECT_TRUE(eventually([&] { return map_x()[0].value == "x-even-data"; }));
  EXPECT_TRUE(map_x()[0].keys.empty());
  publisher.publish("odd");
  EXPECT_TRUE(eventually([&] { return map_x()[0].value == "x-odd-data"; }));
  publisher.publish("neither");
  EXPECT_TRUE(eventually([&] { return map_x()[0].is_drop(); }));
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSideInputExamples, SideinputUdfAttachesTheSideInput) {
  numaflow::testing::TempDir side_inputs;
  SideInputPublisher publisher{side_inputs.path(), "ticker"};
  Example<map::v1::Map> example{"sideinput_udf", {"--side-input-dir", side_inputs.path(), "--side-input-name=ticker"}};
  MapClient client{example.socket()};
  auto map_x = [&] { return client.map_one(with_value("x", {"k"})); };
  auto before = map_x();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].value, "x");
  EXPECT_TRUE(before[0].user_metadata.empty()) << "no side input yet";
  publisher.publish("tick-1");
  EXPECT_TRUE(eventually([&] { return map_x()[0].user_metadata.value("side_input", "ticker") == "tick-1"; }));
  EXPECT_EQ(map_x()[0].keys, Keys{"k"});
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSideInputExamples, SourceSideinputEmitsEachValueOnceAcked) {
  numaflow::testing::TempDir side_inputs;
  SideInputPublisher publisher{side_inputs.path(), "myticker"};
  Example<source::v1::Source> example{"source_sideinput", {"--side-input-dir", side_inputs.path()}};
  numaflow::testing::SourceClient client{example.socket()};
  EXPECT_TRUE(client.read(1, 100).empty()) << "nothing published yet";
  publisher.publish("v1");
  std::vector<SourceMessage> first;
  ASSERT_TRUE(eventually([&] { return !(first = client.read(1, 100)).empty(); }));
  EXPECT_EQ(first[0].value, "v1");
  EXPECT_EQ(first[0].offset.value, "0");
  publisher.publish("v2");
  std::this_thread::sleep_for(std::chrono::milliseconds{300});  // the watcher has queued v2
  EXPECT_TRUE(client.read(1, 100).empty()) << "v1 is not acknowledged yet";
  client.ack({first[0].offset});
  auto second = client.read(1, 2000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].value, "v2");
  EXPECT_EQ(second[0].offset.value, "1");
  EXPECT_EQ(client.pending(), 0);
  EXPECT_TRUE(client.close().ok());
}

TEST(GoTwinSourceExamples, SourceSimpleMetadataEmitsAHundredWithUuidsAndRedeliversNacks) {
  Example<source::v1::Source> example{"source_simple_metadata"};
  numaflow::testing::SourceClient client{example.socket()};
  auto batch = client.read(3);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].value, "0");
  EXPECT_EQ(batch[2].offset.value, "2");
  for (auto const& m : batch) {
    EXPECT_EQ(m.headers.at("x-txn-id").size(), 36u);
    EXPECT_EQ(m.user_metadata.value("simple-source", "txn-id").value_or("").size(), 36u);
    EXPECT_NE(m.headers.at("x-txn-id"), m.user_metadata.value("simple-source", "txn-id").value_or(""));
  }
  EXPECT_EQ(client.pending(), 3);
  EXPECT_TRUE(client.read(3).empty()) << "nothing new while messages wait for their ack";
  client.ack({batch[0].offset, batch[2].offset});
  client.nack({{batch[1].offset, std::nullopt}});
  auto again = client.read(3);
  ASSERT_EQ(again.size(), 1u) << "the redelivery only: 1 is unacknowledged again";
  EXPECT_EQ(again[0].value, "1");
  client.ack({again[0].offset});
  std::size_t total = 3;
  for (int reads = 0; reads < 50; ++reads) {
    auto next = client.read(10);
    if (next.empty()) break;
    total += next.size();
    std::vector<Offset> offsets;
    for (auto const& m : next) offsets.push_back(m.offset);
    client.ack(offsets);
  }
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(client.pending(), 0);
  EXPECT_TRUE(client.close().ok());
}
