// Session reduce and accumulator: one long-lived stream for every key.
#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::AccumulatorClient;
using numaflow::testing::SessionReduceClient;

namespace {

KeyedWindow session(std::int64_t start_ms, std::int64_t end_ms, std::string key) {
  return {Timestamp::from_unix_millis(start_ms), Timestamp::from_unix_millis(end_ms), "0", {std::move(key)}};
}

Datum at(std::int64_t ms, std::string key, std::string value = "v") {
  Datum d;
  d.keys = {std::move(key)};
  d.value = std::move(value);
  d.event_time = Timestamp::from_unix_millis(ms);
  d.watermark = Timestamp::from_unix_millis(ms);
  return d;
}

struct SessionCounter : SessionReducer {
  long count = 0;
  void on_datum(Keys const&, Datum const&, MessageEmitter&) override { ++count; }
  void on_close(Keys const& keys, MessageEmitter& out) override {
    out.emit(Message{std::to_string(count)}.with_keys(keys));
  }
  std::string accumulator() override { return std::to_string(count); }
  void merge_accumulator(std::string const& accumulator) override { count += std::stol(accumulator); }
};

// Counts its live instances (the server's own copy and one per open session).
struct Counted : SessionCounter {
  static inline std::atomic<int> live{0};
  Counted() { ++live; }
  Counted(Counted const& other) : SessionCounter(other) { ++live; }
  Counted& operator=(Counted const&) = default;
  ~Counted() override { --live; }
};

// Buffers datums and emits them in event-time order once the watermark has passed them.
struct Sorter : AccumulatorHandler {
  std::multimap<Timestamp, Datum> buffer;
  void on_datum(Datum const& d, AccumulatorEmitter& out) override {
    buffer.emplace(d.event_time, d);
    while (!buffer.empty() && buffer.begin()->first <= d.watermark) {
      out.emit(AccumulatorOutput{buffer.begin()->second});
      buffer.erase(buffer.begin());
    }
  }
  void on_close(AccumulatorEmitter& out) override {
    for (auto& [t, d] : buffer) out.emit(AccumulatorOutput{d});
    buffer.clear();
  }
};

}  // namespace

TEST(SessionReduceSync, SessionsOfDifferentKeysCloseIndependently) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{SessionCounter{}, dirs.options("s.sock")};
  server.start();
  SessionReduceClient client{dirs / "s.sock"};
  auto a = session(0, 10000, "a"), b = session(0, 10000, "b");
  client.open(a, at(1, "a"));
  client.open(b, at(2, "b"));
  client.append(a, at(3, "a"));
  client.close(a);
  auto first = client.until_eofs(1);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].result->value, "2");
  EXPECT_EQ(first[0].window, a);
  EXPECT_TRUE(first[1].eof);
  EXPECT_EQ(first[1].window, a) << "the EOF names exactly the closed window";
  client.append(b, at(4, "b"));
  client.close(b);
  auto second = client.until_eofs(1);
  EXPECT_EQ(second[0].result->value, "2");
  EXPECT_EQ(second[1].window, b);
  EXPECT_TRUE(client.half_close().empty());
}

TEST(SessionReduceSync, ExpandRekeysTheSession) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{SessionCounter{}, dirs.options("s.sock")};
  server.start();
  SessionReduceClient client{dirs / "s.sock"};
  auto small = session(0, 10000, "k"), grown = session(0, 25000, "k");
  client.open(small, at(1, "k"));
  client.expand(small, grown, at(15000, "k"));
  client.close(grown);
  auto responses = client.until_eofs(1);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].result->value, "2");
  EXPECT_EQ(responses[0].window, grown);
  EXPECT_EQ(responses[1].window, grown);
}

TEST(SessionReduceSync, MergeOfTwoSessionsAddsTheirCounts) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{SessionCounter{}, dirs.options("s.sock")};
  server.start();
  SessionReduceClient client{dirs / "s.sock"};
  auto early = session(0, 10000, "k"), late = session(5000, 20000, "k"), joined = session(0, 20000, "k");
  client.open(early, at(1, "k"));
  client.append(early, at(2, "k"));
  client.open(late, at(5000, "k"));
  client.append(late, at(6000, "k"));
  client.append(late, at(7000, "k"));
  client.merge({late, early});
  client.append(joined, at(8000, "k"));
  client.close(joined);
  auto responses = client.until_eofs(1);
  ASSERT_EQ(responses.size(), 2u) << "merged sessions send neither results nor EOF";
  EXPECT_EQ(responses[0].result->value, "6");
  EXPECT_EQ(responses[0].result->keys, Keys{"k"});
  EXPECT_EQ(responses[0].window, joined);
  EXPECT_EQ(responses[1].window, joined);
  EXPECT_TRUE(client.half_close().empty());
}

TEST(SessionReduceSync, HalfCloseFlushesOpenSessions) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{SessionCounter{}, dirs.options("s.sock")};
  server.start();
  SessionReduceClient client{dirs / "s.sock"};
  client.open(session(0, 10, "x"), at(1, "x"));
  client.open(session(0, 10, "y"), at(1, "y"));
  auto rest = client.half_close();
  std::size_t eofs = 0, results = 0;
  for (auto const& r : rest) (r.eof ? eofs : results)++;
  EXPECT_EQ(eofs, 2u);
  EXPECT_EQ(results, 2u);
}

TEST(SessionReduceErrors, MergeOfAnUnknownWindowIsRejected) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{SessionCounter{}, dirs.options("s.sock")};
  server.start();
  SessionReduceClient client{dirs / "s.sock"};
  client.merge({session(0, 10, "x"), session(5, 20, "x")});
  EXPECT_FALSE(client.stream().read());
  EXPECT_EQ(client.stream().finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// EXPAND onto a window that another session already has would orphan that session: it never
// closed and the stream never ended (found by tests/fuzz). Rejected; the server carries on.
TEST(SessionReduceErrors, ExpandOntoAnOpenWindowIsRejected) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{SessionCounter{}, dirs.options("s.sock")};
  server.start();
  {
    SessionReduceClient client{dirs / "s.sock"};
    client.open(session(0, 10, "x"), at(1, "x"));
    client.open(session(20, 30, "x"), at(21, "x"));
    client.expand(session(0, 10, "x"), session(20, 30, "x"), at(2, "x"));
    client.stream().writes_done();
    while (client.stream().read()) {
    }
    auto const status = client.stream().finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("EXPAND onto a window that is already open"), std::string::npos);
  }
  SessionReduceClient client{dirs / "s.sock"};
  client.open(session(0, 10, "y"), at(1, "y"));
  client.stream().writes_done();
  int responses = 0;
  while (client.stream().read()) ++responses;
  EXPECT_EQ(responses, 2) << "the count and the EOF";
  EXPECT_TRUE(client.stream().finish().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

// MERGE naming an open window and an unknown one: the open one was taken out of the table before
// the error, never closed, and the stream and the session leaked (found by tests/fuzz under LSan).
TEST(SessionReduceErrors, FailedMergeLeavesNoSessionBehind) {
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{Counted{}, dirs.options("s.sock")};
  int const baseline = Counted::live;
  server.start();
  {
    SessionReduceClient client{dirs / "s.sock"};
    client.open(session(0, 10, "x"), at(1, "x"));
    client.merge({session(0, 10, "x"), session(10, 20, "x")});
    client.stream().writes_done();
    while (client.stream().read()) {
    }
    auto const status = client.stream().finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  }
  auto const deadline = std::chrono::steady_clock::now() + 5s;
  while (Counted::live != baseline && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(Counted::live, baseline) << "the session of the open window must be closed and freed";
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

TEST(SessionReduceErrors, ThrowingSessionFollowsTheErrorContract) {
  struct Bad : SessionCounter {
    void on_datum(Keys const&, Datum const&, MessageEmitter&) override { throw std::runtime_error("bad session"); }
  };
  test::Dirs dirs;
  Server<SessionReduce, Sync> server{Bad{}, dirs.options("s.sock")};
  server.start();
  SessionReduceClient client{dirs / "s.sock"};
  client.open(session(0, 10, "x"), at(1, "x"));
  EXPECT_FALSE(client.stream().read());
  auto status = client.stream().finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("bad session"), std::string::npos);
  EXPECT_EQ(server.wait(), 1);
}

TEST(AccumulatorSync, OutOfOrderInputComesOutSortedAsTheWatermarkPasses) {
  test::Dirs dirs;
  auto options = dirs.options("acc.sock");
  Server<Accumulator, Sync> server{Sorter{}, options};
  server.start();
  AccumulatorClient client{dirs / "acc.sock"};
  auto const open = AccumulatorClient::open_window({"k"}, Timestamp::from_unix_millis(30));
  auto datum = [](std::int64_t event_ms, std::int64_t watermark_ms, std::string id) {
    Datum d = at(event_ms, "k", "e" + std::to_string(event_ms));
    d.watermark = Timestamp::from_unix_millis(watermark_ms);
    d.headers = {{"h", id}};
    d.id = std::move(id);
    return d;
  };
  client.open(open, datum(30, 0, "a"));
  client.append(open, datum(10, 5, "b"));
  client.append(open, datum(20, 25, "c"));  // releases 10 and 20
  client.append(open, datum(40, 26, "d"));
  KeyedWindow const close{Timestamp::from_unix_millis(30), Timestamp::from_unix_millis(100), "0", {"k"}};
  client.close(close);
  auto responses = client.until_eofs(1);
  ASSERT_EQ(responses.size(), 5u);
  std::vector<std::string> order;
  Timestamp previous_end;
  for (std::size_t i = 0; i + 1 < responses.size(); ++i) {
    auto const& m = *responses[i].result;
    order.push_back(m.value);
    EXPECT_EQ(m.headers().at("h"), m.id()) << "an output keeps its datum's id and headers";
    EXPECT_EQ(responses[i].window.keys, Keys{"k"});
    EXPECT_EQ(responses[i].window.slot, "slot-0");
    EXPECT_GE(responses[i].window.end, previous_end) << "the output watermark never goes back";
    previous_end = responses[i].window.end;
  }
  EXPECT_EQ(order, (std::vector<std::string>{"e10", "e20", "e30", "e40"}));
  EXPECT_EQ(responses[0].result->id(), "b");
  EXPECT_EQ(responses[0].result->event_time(), Timestamp::from_unix_millis(10));
  EXPECT_TRUE(responses[4].eof);
  EXPECT_EQ(responses[4].window, close) << "the EOF carries the CLOSE request's window";
  EXPECT_TRUE(client.half_close().empty());
}

TEST(AccumulatorSync, FarFutureWindowEndIsAcceptedAndKeysAreIndependent) {
  test::Dirs dirs;
  Server<Accumulator, Sync> server{Sorter{}, dirs.options("acc.sock")};
  server.start();
  AccumulatorClient client{dirs / "acc.sock"};
  auto const far_a = AccumulatorClient::open_window({"a"});
  auto const far_b = AccumulatorClient::open_window({"b"});
  client.open(far_a, at(5, "a"));
  client.open(far_b, at(6, "b"));
  auto first = client.until_eofs(0);
  client.close(far_a);
  auto closing = client.until_eofs(1);
  ASSERT_FALSE(closing.empty());
  EXPECT_EQ(closing.back().window, far_a);
  auto rest = client.half_close();  // b gets its EOF on half-close
  std::size_t eofs = 0;
  for (auto const& r : rest) eofs += r.eof;
  EXPECT_EQ(eofs, 1u);
  (void)first;
}

// The platform half-closes the stream to shut down while keys are still open (no CLOSE for them).
// It garbage-collects each key's WAL up to the window end of the key's last response, so the EOF
// must carry the key's output watermark (epoch if it emitted nothing), not the open window's far
// future end; and what the handler still holds is not emitted: the platform replays it.
TEST(AccumulatorContract, AHalfCloseWithoutCloseEndsEachKeyAtItsOutputWatermark) {
  struct Tracked : Sorter {
    std::shared_ptr<std::atomic<int>> stream_ends = std::make_shared<std::atomic<int>>(0);
    void on_stream_end() override { ++*stream_ends; }
  };
  Tracked const handler;
  auto const stream_ends = handler.stream_ends;  // shared by the copies the server makes per keys
  test::Dirs dirs;
  Server<Accumulator, Sync> server{handler, dirs.options("acc.sock")};
  server.start();
  AccumulatorClient client{dirs / "acc.sock"};
  auto const open_a = AccumulatorClient::open_window({"a"});  // ends in year 262143, like the platform's
  auto const open_b = AccumulatorClient::open_window({"b"});
  auto datum = [](std::int64_t event_ms, std::int64_t watermark_ms, std::string const& key) {
    Datum d = at(event_ms, key, "e" + std::to_string(event_ms));
    d.watermark = Timestamp::from_unix_millis(watermark_ms);
    d.id = key + std::to_string(event_ms);
    return d;
  };
  client.open(open_a, datum(5, 7, "a"));     // emitted at once
  client.append(open_a, datum(50, 8, "a"));  // held
  client.open(open_b, datum(100, 9, "b"));   // held
  auto const emitted = client.next(10s);
  ASSERT_TRUE(emitted && emitted->result);
  EXPECT_EQ(emitted->result->id(), "a5");
  auto const rest = client.half_close();
  ASSERT_EQ(rest.size(), 2U) << "one EOF per open key and nothing else: held datums are not flushed";
  std::map<Keys, KeyedWindow> eofs;
  for (auto const& r : rest) {
    EXPECT_TRUE(r.eof);
    eofs[r.window.keys] = r.window;
  }
  EXPECT_EQ(eofs.at({"a"}), (KeyedWindow{Timestamp{0, 0}, Timestamp::from_unix_millis(7), "slot-0", {"a"}}))
      << "a's output watermark: the watermark of what it emitted";
  EXPECT_EQ(eofs.at({"b"}), (KeyedWindow{Timestamp{0, 0}, Timestamp{0, 0}, "slot-0", {"b"}}))
      << "b emitted nothing: epoch";
  EXPECT_EQ(stream_ends->load(), 2) << "each open key's handler is told the stream ended";
}

TEST(AccumulatorErrors, ThrowingHandlerFollowsTheErrorContract) {
  struct Bad : Sorter {
    void on_datum(Datum const&, AccumulatorEmitter&) override { throw std::runtime_error("cannot sort"); }
  };
  test::Dirs dirs;
  Server<Accumulator, Sync> server{Bad{}, dirs.options("acc.sock")};
  server.start();
  AccumulatorClient client{dirs / "acc.sock"};
  client.open(session(0, 10, "k"), at(1, "k"));
  EXPECT_FALSE(client.stream().read());
  EXPECT_EQ(client.stream().finish().error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(server.wait(), 1);
}

// Platform timestamps are not validated (PROTOCOL.md §8.2): any seconds, any nanos. The conversions
// saturate instead of overflowing (found by tests/fuzz; UBSan checks it in the sanitizer build).
TEST(Timestamps, ConversionsSaturateForAnyPlatformValue) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr auto nanos_max = std::numeric_limits<std::int32_t>::max();
  constexpr auto nanos_min = std::numeric_limits<std::int32_t>::min();
  EXPECT_EQ((Timestamp{max, nanos_max}.unix_millis()), max);
  EXPECT_EQ((Timestamp{max / 1000, nanos_max}.unix_millis()), max);
  EXPECT_EQ((Timestamp{min, nanos_min}.unix_millis()), min);
  EXPECT_EQ((Timestamp{min / 1000 + 1, nanos_min}.unix_millis()), min);
  EXPECT_EQ((Timestamp{8210298412799, 999999999}.unix_millis()), 8210298412799999);
  EXPECT_EQ((Timestamp{-1, 999000000}.unix_millis()), -1);

  auto const latest = std::chrono::system_clock::time_point::max().time_since_epoch();
  auto const far = Timestamp{8210298412799, 999999999}.time_point().time_since_epoch();
  EXPECT_GT(far, latest - std::chrono::seconds{5});
  EXPECT_EQ((Timestamp{max, nanos_max}.time_point().time_since_epoch()), far + std::chrono::microseconds{1147484});
  EXPECT_LT((Timestamp{min, nanos_min}.time_point().time_since_epoch()),
            std::chrono::system_clock::time_point::min().time_since_epoch() + std::chrono::seconds{5});
  EXPECT_EQ((Timestamp{1700000000, 123456789}.time_point().time_since_epoch()),
            std::chrono::seconds{1700000000} + std::chrono::microseconds{123456});
}
