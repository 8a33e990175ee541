// The reduce-family examples (reduce_counter, reducestream_counter, sessionreduce_counter,
// accumulator_sorter) behave as their READMEs state, driven over their sockets by the test clients.
#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::AccumulatorClient;
using numaflow::testing::ReduceWindowClient;
using numaflow::testing::SessionReduceClient;

namespace {

// Starts build/examples/<name> on a temp socket and waits until it is ready (as in test_examples.cpp).
template <class Service>
class Example {
 public:
  Example(std::string const& name, std::vector<std::string> flags = {})
      : process_([&] {
          std::vector<std::string> argv{std::string{NUMAFLOW_EXAMPLES_DIR} + "/" + name, "--socket", dirs_ / "udf.sock",
                                        "--server-info", dirs_ / "info"};
          argv.insert(argv.end(), flags.begin(), flags.end());
          return argv;
        }()) {
    if (!numaflow::testing::wait_until_ready<Service>(socket()))
      throw std::runtime_error(name + " did not become ready");
  }
  ~Example() {
    process_.signal(SIGTERM);
    EXPECT_EQ(process_.exit_code(), 0);
  }
  std::string socket() const { return dirs_ / "udf.sock"; }

 private:
  test::Dirs dirs_;
  test::Process process_;
};

class PolicyTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> policy() const { return {"--policy", GetParam()}; }
};

Datum keyed(Keys keys, std::string value = "v", std::int64_t event_ms = 1640995200000) {
  Datum d;
  d.keys = std::move(keys);
  d.value = std::move(value);
  d.event_time = Timestamp::from_unix_millis(event_ms);
  d.watermark = Timestamp::from_unix_millis(event_ms);
  return d;
}

std::map<Keys, std::vector<std::string>> values_by_keys(Messages const& messages) {
  std::map<Keys, std::vector<std::string>> out;
  for (auto const& m : messages) out[m.keys].push_back(m.value);
  return out;
}

// The exit status of running an example with `flags` (no server is expected to start).
int run_and_wait(std::string const& name, std::vector<std::string> flags) {
  test::Dirs dirs;
  std::vector<std::string> argv{std::string{NUMAFLOW_EXAMPLES_DIR} + "/" + name, "--socket", dirs / "udf.sock",
                                "--server-info", dirs / "info"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  test::Process process{argv};
  return process.exit_code(10s);
}

}  // namespace

// --- reduce_counter ------------------------------------------------------------------------------

class ReduceCounterExample : public PolicyTest {};

TEST_P(ReduceCounterExample, CountsPerKeysWithPythonFormattedWindowBounds) {
  Example<reduce::v1::Reduce> example{"reduce_counter", policy()};
  // [2022-01-01 00:00:00, 2022-01-01 00:01:00) UTC
  ReduceWindowClient client{example.socket(), {Timestamp{1640995200, 0}, Timestamp{1640995260, 0}}};
  for (int i = 0; i < 5; ++i) client.send(keyed({"a", "b"}));
  for (int i = 0; i < 3; ++i) client.send(keyed({"c"}));
  auto results = values_by_keys(client.close_window());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[(Keys{"a", "b"})],
            std::vector<std::string>{"counter:5 interval_window_start:2022-01-01 00:00:00+00:00 "
                                     "interval_window_end:2022-01-01 00:01:00+00:00"});
  EXPECT_EQ(results[Keys{"c"}], std::vector<std::string>{"counter:3 interval_window_start:2022-01-01 00:00:00+00:00 "
                                                         "interval_window_end:2022-01-01 00:01:00+00:00"});
}

TEST_P(ReduceCounterExample, FractionalBoundsPrintMicrosecondsOfTheWholeMilliseconds) {
  Example<reduce::v1::Reduce> example{"reduce_counter", policy()};
  // 2023-11-14 22:13:20.250 to 2023-11-14 22:13:30.500999999 (ToMilliseconds drops the sub-millisecond part).
  ReduceWindowClient client{example.socket(), {Timestamp{1700000000, 250000000}, Timestamp{1700000010, 500999999}}};
  client.send(keyed({"k"}));
  auto results = client.close_window();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].keys, Keys{"k"});
  EXPECT_EQ(results[0].value,
            "counter:1 interval_window_start:2023-11-14 22:13:20.250000+00:00 "
            "interval_window_end:2023-11-14 22:13:30.500000+00:00");
}

INSTANTIATE_TEST_SUITE_P(Policies, ReduceCounterExample, ::testing::Values("sync", "async"));

// --- reducestream_counter ------------------------------------------------------------------------

class ReduceStreamCounterExample : public PolicyTest {};

TEST_P(ReduceStreamCounterExample, TwelveDatumsGiveCounter11EarlyThenCounter1AtClose) {
  Example<reduce::v1::Reduce> example{"reducestream_counter", policy()};
  ReduceWindowClient client{example.socket(), {Timestamp{1640995200, 0}, Timestamp{1640995260, 0}}};
  for (int i = 0; i < 11; ++i) client.send(keyed({"k"}));
  auto early = client.next_result(10s);  // before the window closes
  ASSERT_TRUE(early);
  EXPECT_EQ(early->value, "counter:11");
  EXPECT_EQ(early->keys, Keys{"k"});
  client.send(keyed({"k"}));
  auto rest = client.close_window();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].value, "counter:1");
  EXPECT_EQ(rest[0].keys, Keys{"k"});
}

TEST_P(ReduceStreamCounterExample, KeysCountSeparately) {
  Example<reduce::v1::Reduce> example{"reducestream_counter", policy()};
  ReduceWindowClient client{example.socket(), {Timestamp{0, 0}, Timestamp{60, 0}}};
  for (int i = 0; i < 12; ++i) client.send(keyed({"a"}));
  for (int i = 0; i < 3; ++i) client.send(keyed({"b"}));
  auto results = values_by_keys(client.close_window());
  EXPECT_EQ(results[Keys{"a"}], (std::vector<std::string>{"counter:11", "counter:1"}));
  EXPECT_EQ(results[Keys{"b"}], std::vector<std::string>{"counter:3"});
}

INSTANTIATE_TEST_SUITE_P(Policies, ReduceStreamCounterExample, ::testing::Values("sync", "async"));

// --- sessionreduce_counter -----------------------------------------------------------------------

namespace {

KeyedWindow session(std::int64_t start_ms, std::int64_t end_ms, std::string key) {
  return {Timestamp::from_unix_millis(start_ms), Timestamp::from_unix_millis(end_ms), "0", {std::move(key)}};
}

}  // namespace

TEST(SessionReduceCounterExample, EmitsTheCountOfEachSessionWithItsKeys) {
  Example<sessionreduce::v1::SessionReduce> example{"sessionreduce_counter"};
  SessionReduceClient client{example.socket()};
  auto a = session(0, 10000, "a"), b = session(0, 10000, "b");
  client.open(a, keyed({"a"}, "v", 1));
  client.open(b, keyed({"b"}, "v", 2));
  for (int i = 0; i < 4; ++i) client.append(a, keyed({"a"}, "v", 3 + i));
  client.close(a);
  auto first = client.until_eofs(1);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_TRUE(first[0].result);
  EXPECT_EQ(first[0].result->value, "5");
  EXPECT_EQ(first[0].result->keys, Keys{"a"});
  EXPECT_EQ(first[0].window, a);
  EXPECT_TRUE(first[1].eof);
  client.close(b);
  auto second = client.until_eofs(1);
  ASSERT_EQ(second.size(), 2u);
  ASSERT_TRUE(second[0].result);
  EXPECT_EQ(second[0].result->value, "1");
  EXPECT_EQ(second[0].result->keys, Keys{"b"});
  EXPECT_TRUE(client.half_close().empty());
}

TEST(SessionReduceCounterExample, MergedSessionsAddTheirCounts) {
  Example<sessionreduce::v1::SessionReduce> example{"sessionreduce_counter"};
  SessionReduceClient client{example.socket()};
  auto early = session(0, 10000, "k"), late = session(5000, 20000, "k"), joined = session(0, 20000, "k");
  client.open(early, keyed({"k"}, "v", 1));
  client.append(early, keyed({"k"}, "v", 2));  // early: 2
  client.open(late, keyed({"k"}, "v", 5000));
  client.append(late, keyed({"k"}, "v", 6000));
  client.append(late, keyed({"k"}, "v", 7000));  // late: 3
  client.merge({late, early});
  client.append(joined, keyed({"k"}, "v", 8000));  // joined: 2 + 3 + 1
  client.close(joined);
  auto responses = client.until_eofs(1);
  ASSERT_EQ(responses.size(), 2u) << "merged-away sessions send neither results nor EOF";
  ASSERT_TRUE(responses[0].result);
  EXPECT_EQ(responses[0].result->value, "6");
  EXPECT_EQ(responses[0].result->keys, Keys{"k"});
  EXPECT_EQ(responses[0].window, joined);
  EXPECT_TRUE(responses[1].eof);
  EXPECT_TRUE(client.half_close().empty());
}

// --- accumulator_sorter --------------------------------------------------------------------------

TEST(AccumulatorSorterExample, OutOfOrderInputIsEmittedUnchangedInEventTimeOrder) {
  Example<accumulator::v1::Accumulator> example{"accumulator_sorter"};
  AccumulatorClient client{example.socket()};
  auto const open = AccumulatorClient::open_window({"k"});
  auto datum = [](std::int64_t event_ms, std::int64_t watermark_ms, std::string id) {
    Datum d = keyed({"k"}, "e" + std::to_string(event_ms), event_ms);
    d.watermark = Timestamp::from_unix_millis(watermark_ms);
    d.headers = {{"h", "header-" + id}};
    d.id = std::move(id);
    return d;
  };
  client.open(open, datum(300, 0, "a"));
  client.append(open, datum(100, 50, "b"));
  client.append(open, datum(200, 60, "c"));
  // Nothing is due yet (the watermark, 60, is below every event time).
  client.append(open, datum(500, 250, "d"));  // releases 100 and 200
  client.append(open, datum(400, 300, "e"));  // releases 300
  client.append(open, datum(150, 300, "f"));  // late: due at once
  KeyedWindow const close{Timestamp{0, 0}, Timestamp::from_unix_millis(1000), "0", {"k"}};
  client.close(close);  // on_close flushes 400 and 500
  auto responses = client.until_eofs(1);
  ASSERT_EQ(responses.size(), 7u);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i + 1 < responses.size(); ++i) {
    ASSERT_TRUE(responses[i].result);
    ids.push_back(responses[i].result->id());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "c", "a", "f", "e", "d"}));
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> const sent{
      {"a", {300, 0}}, {"b", {100, 50}}, {"c", {200, 60}}, {"d", {500, 250}}, {"e", {400, 300}}, {"f", {150, 300}}};
  for (std::size_t i = 0; i + 1 < responses.size(); ++i) {
    auto const& m = *responses[i].result;
    auto const [event_ms, watermark_ms] = sent.at(m.id());
    EXPECT_EQ(m.value, "e" + std::to_string(event_ms)) << m.id();
    EXPECT_EQ(m.keys, Keys{"k"}) << m.id();
    EXPECT_EQ(m.event_time(), Timestamp::from_unix_millis(event_ms)) << m.id();
    EXPECT_EQ(m.watermark(), Timestamp::from_unix_millis(watermark_ms)) << m.id();
    EXPECT_EQ(m.headers().at("h"), "header-" + m.id());
  }
  EXPECT_TRUE(responses.back().eof);
  EXPECT_EQ(responses.back().window, close);
  EXPECT_TRUE(client.half_close().empty());
}

namespace {

// Sends e20 (watermark 0) then e10 (watermark `watermark_ms` >= 10), which releases e10 only, and
// checks that e10 came out: e20 stays buffered in the sorter.
void hold_e20_after_releasing_e10(AccumulatorClient& client, KeyedWindow const& open, std::int64_t watermark_ms) {
  auto datum = [](std::int64_t event_ms, std::int64_t watermark) {
    Datum d = keyed({"k"}, "e" + std::to_string(event_ms), event_ms);
    d.watermark = Timestamp::from_unix_millis(watermark);
    d.id = std::to_string(event_ms);
    return d;
  };
  client.open(open, datum(20, 0));
  client.append(open, datum(10, watermark_ms));
  auto first = client.next(10s);
  ASSERT_TRUE(first && first->result);
  EXPECT_EQ(first->result->value, "e10");
}

}  // namespace

TEST(AccumulatorSorterExample, ReleasesOnlyWhatTheWatermarkHasPassed) {
  Example<accumulator::v1::Accumulator> example{"accumulator_sorter"};
  AccumulatorClient client{example.socket()};
  auto const open = AccumulatorClient::open_window({"k"});
  hold_e20_after_releasing_e10(client, open, 10);
  client.close(open);
  auto rest = client.until_eofs(1);
  ASSERT_EQ(rest.size(), 2u) << "20 stays buffered until the close";
  EXPECT_EQ(rest[0].result->value, "e20");
  EXPECT_TRUE(rest[1].eof);
  EXPECT_TRUE(client.half_close().empty());
}

// At shutdown the platform half-closes without a CLOSE: the sorter emits nothing more (its buffer
// is replayed from the platform's WAL after the restart) and the EOF ends at the output watermark.
TEST(AccumulatorSorterExample, AHalfCloseDropsTheBufferAndEndsAtTheOutputWatermark) {
  Example<accumulator::v1::Accumulator> example{"accumulator_sorter"};
  AccumulatorClient client{example.socket()};
  auto const open = AccumulatorClient::open_window({"k"});
  hold_e20_after_releasing_e10(client, open, 15);
  auto rest = client.half_close();
  ASSERT_EQ(rest.size(), 1U) << "20 stays unemitted";
  EXPECT_TRUE(rest[0].eof);
  EXPECT_EQ(rest[0].window, (KeyedWindow{Timestamp{0, 0}, Timestamp::from_unix_millis(15), "slot-0", {"k"}}));
}

// --- twins of numaflow-go's reduce examples -------------------------------------------------------

TEST(GoTwinReduceExamples, ReduceSumSumsIntegersPerKeysSkippingOthers) {
  Example<reduce::v1::Reduce> example{"reduce_sum"};
  ReduceWindowClient client{example.socket(), {Timestamp{0, 0}, Timestamp{60, 0}}};
  for (auto v : {"1", "2", "oops", "-4", "10"}) client.send(keyed({"a"}, v));
  client.send(keyed({"b"}, "7"));
  auto results = values_by_keys(client.close_window());
  EXPECT_EQ(results[Keys{"a"}], std::vector<std::string>{"9"});
  EXPECT_EQ(results[Keys{"b"}], std::vector<std::string>{"7"});
}

TEST(GoTwinReduceExamples, ReducestreamSumReportsAtOneHundredThenTheRestAtClose) {
  Example<reduce::v1::Reduce> example{"reducestream_sum"};
  ReduceWindowClient client{example.socket(), {Timestamp{0, 0}, Timestamp{60, 0}}};
  for (auto v : {"30", "40", "x", "50"}) client.send(keyed({"k"}, v));
  auto early = client.next_result(10s);  // before the window closes
  ASSERT_TRUE(early);
  EXPECT_EQ(early->value, "120");
  EXPECT_EQ(early->keys, Keys{"k"});
  client.send(keyed({"k"}, "5"));
  auto rest = client.close_window();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].value, "5");
}

TEST(GoTwinReduceExamples, SessionreduceSumAddsMergedSessions) {
  Example<sessionreduce::v1::SessionReduce> example{"sessionreduce_sum"};
  SessionReduceClient client{example.socket()};
  auto early = session(0, 10000, "k"), late = session(5000, 20000, "k"), joined = session(0, 20000, "k");
  client.open(early, keyed({"k"}, "10", 1));
  client.append(early, keyed({"k"}, "5", 2));
  client.open(late, keyed({"k"}, "100", 5000));
  client.merge({late, early});
  client.append(joined, keyed({"k"}, "-1", 8000));
  client.close(joined);
  auto responses = client.until_eofs(1);
  ASSERT_EQ(responses.size(), 2u);
  ASSERT_TRUE(responses[0].result);
  EXPECT_EQ(responses[0].result->value, "114");
  EXPECT_EQ(responses[0].result->keys, Keys{"k"});
  EXPECT_TRUE(responses[1].eof);
  EXPECT_TRUE(client.half_close().empty());
}

TEST(GoTwinReduceExamples, SideinputReduceUdfEmitsOnlyWithASideInputAndAPositiveSum) {
  numaflow::testing::TempDir side_inputs;
  Example<reduce::v1::Reduce> example{"sideinput_reduce_udf", {"--side-input-dir", side_inputs.path()}};
  auto reduce_window = [&](std::int64_t start_s, std::vector<std::string> const& values) {
    ReduceWindowClient client{example.socket(), {Timestamp{start_s, 0}, Timestamp{start_s + 60, 0}}};
    for (auto const& v : values) client.send(keyed({"k"}, v));
    return client.close_window();
  };
  auto before = reduce_window(0, {"1", "2"});
  ASSERT_EQ(before.size(), 1u);
  EXPECT_TRUE(before[0].is_drop()) << "no side input yet";
  // Published the platform's way: a file, then the link renamed over `myticker`.
  std::ofstream{side_inputs.path() / "myticker_1"} << "1";
  std::filesystem::create_symlink(side_inputs.path() / "myticker_1", side_inputs.path() / "myticker_tmp");
  std::filesystem::rename(side_inputs.path() / "myticker_tmp", side_inputs.path() / "myticker");
  bool emitted = false;
  for (int i = 0; i < 250 && !emitted; ++i) {
    auto after = reduce_window(60 * (i + 1), {"1", "2"});
    emitted = after.size() == 1 && after[0].value == "reduce_sideinput" && after[0].keys.empty();
    if (!emitted) std::this_thread::sleep_for(40ms);
  }
  EXPECT_TRUE(emitted);
  auto non_positive = reduce_window(100000, {"-3", "x"});
  ASSERT_EQ(non_positive.size(), 1u);
  EXPECT_TRUE(non_positive[0].is_drop());
}

// --- command lines -------------------------------------------------------------------------------

TEST(ReduceExamplesCli, UnknownFlagsAndUnofferedPoliciesExitWithUsage) {
  EXPECT_EQ(run_and_wait("reduce_counter", {"--bogus"}), 2);
  EXPECT_EQ(run_and_wait("reduce_counter", {"--policy", "multiproc"}), 2);
  EXPECT_EQ(run_and_wait("reducestream_counter", {"--policy", "multiproc"}), 2);
  EXPECT_EQ(run_and_wait("sessionreduce_counter", {"--policy", "sync"}), 2) << "a single policy: no --policy flag";
  EXPECT_EQ(run_and_wait("accumulator_sorter", {"--policy", "async"}), 2);
  EXPECT_EQ(run_and_wait("accumulator_sorter", {"--help"}), 0);
}
