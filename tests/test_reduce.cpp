#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <thread>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::ReduceWindowClient;

namespace {

IntervalWindow window_at(std::int64_t start_ms, std::int64_t length_ms = 60000) {
  return {Timestamp::from_unix_millis(start_ms), Timestamp::from_unix_millis(start_ms + length_ms)};
}

Datum keyed(std::string key, std::string value) {
  Datum d;
  d.keys = {std::move(key)};
  d.value = std::move(value);
  d.event_time = Timestamp::from_unix_millis(60000);
  return d;
}

Messages count(Keys const& keys, Datums const& datums, IntervalWindow const& w) {
  return {Message{"count:" + std::to_string(datums.size()) + " start:" + std::to_string(w.start.unix_millis()) +
                  " end:" + std::to_string(w.end.unix_millis())}
              .with_keys(keys)};
}

std::map<std::string, std::string> by_key(Messages const& messages) {
  std::map<std::string, std::string> out;
  for (auto const& m : messages) out[m.keys.at(0)] = m.value;
  return out;
}

struct Summer : AsyncReducer {
  Task<Messages> handle(Keys const& keys, DatumStream& datums, IntervalWindow const&) override {
    long total = 0;
    while (auto d = co_await datums.next()) total += std::stol(d->value);
    co_return Messages{Message{std::to_string(total)}.with_keys(keys)};
  }
};

struct Chunker : ReduceStreamer {
  int n = 0;
  void on_datum(Keys const& keys, Datum const&, IntervalWindow const&, MessageEmitter& out) override {
    if (++n > 2) {
      out.emit(Message{"chunk:" + std::to_string(n)}.with_keys(keys));
      n = 0;
    }
  }
  void on_close(Keys const& keys, IntervalWindow const&, MessageEmitter& out) override {
    out.emit(Message{"rest:" + std::to_string(n)}.with_keys(keys));
  }
};

}  // namespace

TEST(ReduceSync, KeysOfOneWindowAreReducedSeparatelyThenOneEof) {
  test::Dirs dirs;
  Server<Reduce, Sync> server{fn<&count>, dirs.options("r.sock")};
  server.start();
  ReduceWindowClient client{dirs / "r.sock", window_at(60000)};
  for (int i = 0; i < 5; ++i) client.send(keyed("a", "1"));
  for (int i = 0; i < 3; ++i) client.send(keyed("b", "1"));
  auto results = by_key(client.close_window());
  EXPECT_EQ(results.size(), 2u);
  EXPECT_EQ(results["a"], "count:5 start:60000 end:120000");
  EXPECT_EQ(results["b"], "count:3 start:60000 end:120000");
}

TEST(ReduceSync, WindowsOnSeparateStreamsInterleaveAndCloseIndependently) {
  test::Dirs dirs;
  Server<Reduce, Sync> server{fn<&count>, dirs.options("r.sock")};
  server.start();
  ReduceWindowClient first{dirs / "r.sock", window_at(0)};
  ReduceWindowClient second{dirs / "r.sock", window_at(60000)};
  for (int i = 0; i < 10; ++i) {
    first.send(keyed("k", "x"));
    second.send(keyed("k", "y"));
    second.send(keyed("j", "y"));
  }
  EXPECT_EQ(by_key(first.close_window())["k"], "count:10 start:0 end:60000");
  second.send(keyed("k", "late"));  // still open while the first closed
  auto results = by_key(second.close_window());
  EXPECT_EQ(results["k"], "count:11 start:60000 end:120000");
  EXPECT_EQ(results["j"], "count:10 start:60000 end:120000");
}

TEST(ReduceAsync, CoroutineReadsDatumsAsTheyArrive) {
  test::Dirs dirs;
  Server<Reduce, Async> server{Summer{}, dirs.options("r.sock")};
  server.start();
  ReduceWindowClient client{dirs / "r.sock", window_at(0)};
  for (int i = 1; i <= 100; ++i) client.send(keyed(i % 2 ? "odd" : "even", std::to_string(i)));
  auto results = by_key(client.close_window());
  EXPECT_EQ(results["odd"], "2500");
  EXPECT_EQ(results["even"], "2550");
}

// Datums a handler never reads, queued before it returned or arriving after, must not keep the
// window's stream open: it still ends with the result and the EOF.
TEST(ReduceAsync, HandlerThatStopsReadingEarlyStillClosesTheWindow) {
  test::Dirs dirs;
  Server<Reduce, Async> server{[](Keys const& keys, DatumStream& datums, IntervalWindow const&) -> Task<Messages> {
                                 auto first = co_await datums.next();
                                 co_return Messages{Message{"first:" + first->value}.with_keys(keys)};
                               },
                               dirs.options("r.sock")};
  server.start();
  ReduceWindowClient client{dirs / "r.sock", window_at(0)};
  for (int i = 1; i <= 50; ++i) client.send(keyed("a", std::to_string(i)));
  auto results = client.close_window();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].value, "first:1");
}

TEST(ReduceStreamSync, ResultsBeforeTheWindowCloses) {
  test::Dirs dirs;
  Server<ReduceStream, Sync> server{Chunker{}, dirs.options("rs.sock")};
  server.start();
  ReduceWindowClient client{dirs / "rs.sock", window_at(0)};
  for (int i = 0; i < 3; ++i) client.send(keyed("a", "v"));
  auto early = client.next_result(10s);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->value, "chunk:3");
  client.send(keyed("a", "v"));
  auto rest = client.close_window();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].value, "rest:1");
}

TEST(ReduceStreamAsync, CoroutineEmitsAsItGoes) {
  test::Dirs dirs;
  Server<ReduceStream, Async> server{
      [](Keys const& keys, DatumStream& in, IntervalWindow const&, MessageEmitter& out) -> Task<void> {
        while (auto d = co_await in.next()) out.emit(Message{"echo:" + d->value}.with_keys(keys));
      },
      dirs.options("rs.sock")};
  server.start();
  ReduceWindowClient client{dirs / "rs.sock", window_at(0)};
  client.send(keyed("a", "1"));
  auto early = client.next_result(10s);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->value, "echo:1");
  client.send(keyed("a", "2"));
  auto rest = client.close_window();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].value, "echo:2");
}

TEST(ReduceErrors, ThrowingKeyedTaskFollowsTheErrorContract) {
  test::Dirs dirs;
  Server<Reduce, Sync> server{[](Keys const& keys, Datums const&, IntervalWindow const&) -> Messages {
                                if (keys.at(0) == "bad") throw std::runtime_error("cannot reduce bad");
                                return {};
                              },
                              dirs.options("r.sock")};
  server.start();
  ReduceWindowClient client{dirs / "r.sock", window_at(0)};
  client.send(keyed("good", "1"));
  client.send(keyed("bad", "1"));
  try {
    client.close_window();
    FAIL();
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_NE(e.status().error_message().find("cannot reduce bad"), std::string::npos) << e.status().error_message();
  }
  EXPECT_EQ(server.wait(), 1);
}

TEST(ReduceErrors, WrongWindowCountIsRejected) {
  test::Dirs dirs;
  Server<Reduce, Sync> server{fn<&count>, dirs.options("r.sock")};
  server.start();
  auto stub = reduce::v1::Reduce::NewStub(numaflow::testing::connect(dirs / "r.sock"));
  numaflow::testing::StreamClient<reduce::v1::ReduceRequest, reduce::v1::ReduceResponse> raw(
      [&](grpc::ClientContext* c) { return stub->ReduceFn(c); });
  reduce::v1::ReduceRequest r;
  r.mutable_payload()->set_value("x");
  raw.write(r);  // no window at all
  EXPECT_EQ(raw.finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

TEST(ReduceAsync, TenThousandKeysInOneWindowDoNotStallTheStream) {
  // Every open keyed task keeps the stream open, but must not count against the read high-water
  // mark (1024): otherwise reading stops before the window can close.
  test::Dirs dirs;
  Server<Reduce, Async> server{Summer{}, dirs.options("r.sock")};
  server.start();
  ReduceWindowClient client{dirs / "r.sock", window_at(0)};
  for (int k = 0; k < 10000; ++k) client.send(keyed("key-" + std::to_string(k), "1"));
  EXPECT_EQ(client.close_window().size(), 10000u);
}

TEST(ReduceSync, ThreeThousandKeysInOneWindow) {
  test::Dirs dirs;
  Server<Reduce, Sync> server{fn<&count>, dirs.options("r.sock")};
  server.start();
  ReduceWindowClient client{dirs / "r.sock", window_at(0)};
  for (int k = 0; k < 3000; ++k) client.send(keyed("key-" + std::to_string(k), "1"));
  EXPECT_EQ(client.close_window().size(), 3000u);
}

// The platform drops a reduce result's metadata, so the SDK does not send it (nobody can come to
// rely on it); map results keep theirs.
TEST(ReduceMetadata, ReduceResultsAreSentWithoutUserMetadata) {
  test::Dirs dirs;
  Server<Reduce, Sync> server{
      [](Keys const& keys, Datums const& datums, IntervalWindow const&) {
        Metadata metadata;
        metadata.add("group", "key", "value");
        return Messages{Message{std::to_string(datums.size())}.with_keys(keys).with_user_metadata(metadata)};
      },
      dirs.options("reduce.sock")};
  server.start();
  IntervalWindow const window{Timestamp::from_unix_millis(0), Timestamp::from_unix_millis(60000)};
  numaflow::testing::ReduceWindowClient client{dirs / "reduce.sock", window};
  Datum d = test::with_id("", "v");
  d.keys = {"k"};
  client.send(d);
  auto const results = client.close_window();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].value, "1");
  EXPECT_TRUE(results[0].user_metadata.empty());
}
