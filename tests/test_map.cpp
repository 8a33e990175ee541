#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>
#include <range/v3/range/conversion.hpp>
#include <range/v3/view/split.hpp>
#include <range/v3/view/transform.hpp>

#include <atomic>
#include <fstream>
#include <set>
#include <string>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::MapClient;

namespace {

Messages cat(Datum const& d) { return {Message{d}}; }

struct CatMapper : Mapper {
  Messages handle(Datum const& d) override { return {Message{d}.with_tags({"class"})}; }
};

struct AsyncCat : AsyncMapper {
  Task<Messages> handle(Datum const& d) override { co_return Messages{Message{d}}; }
};

Datum datum(std::string value, Keys keys = {}) {
  Datum d;
  d.value = std::move(value);
  d.keys = std::move(keys);
  d.event_time = Timestamp{1700000000, 5};
  d.watermark = Timestamp{1699999999, 0};
  return d;
}

}  // namespace

TEST(MapSync, LambdaAnswersEveryIdWithItsResults) {
  test::Dirs dirs;
  Server<Map, Sync> server{[](Datum const& d) { return Messages{Message{d.value + "!"}.with_keys(d.keys)}; },
                           dirs.options("map.sock")};
  server.start();
  MapClient client{dirs / "map.sock"};
  Datums batch;
  for (int i = 0; i < 100; ++i) batch.push_back(datum(std::to_string(i), {"k" + std::to_string(i)}));
  auto results = client.map(batch);
  ASSERT_EQ(results.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    auto const& messages = results.at(std::to_string(i));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].value, std::to_string(i) + "!");
    EXPECT_EQ(messages[0].keys, Keys{"k" + std::to_string(i)});
  }
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

// The stream's first response carries gRPC's initial metadata: it must go out although others wait
// behind it (a client that sends everything before reading once hung the stream, found by tests/fuzz).
TEST(MapSync, RequestsSentWithTheHandshakeBeforeAnyReadAreAllAnswered) {
  test::Dirs dirs;
  Server<Map, Sync> server{cat, dirs.options("map.sock")};
  server.start();
  auto stub = map::v1::Map::NewStub(numaflow::testing::connect(dirs / "map.sock"));
  Datums batch;
  for (int i = 0; i < 3; ++i) batch.push_back(test::with_id("id-" + std::to_string(i), std::to_string(i)));
  auto const answered =
      test::sent_before_any_read<MapClient>([&](grpc::ClientContext* c) { return stub->MapFn(c); }, batch);
  EXPECT_TRUE(answered.status.ok()) << answered.status.error_message();
  ASSERT_EQ(answered.responses, 4u);
  EXPECT_TRUE(answered.handshake_first);
  EXPECT_EQ(answered.ids, (std::set<std::string>{"id-0", "id-1", "id-2"}));
}

TEST(MapSync, ClassAndFreeFunctionHandlers) {
  test::Dirs dirs;
  Server<Map, Sync> by_class{CatMapper{}, dirs.options("class.sock")};
  by_class.start();
  EXPECT_EQ(MapClient{dirs / "class.sock"}.map_one(datum("v"))[0].tags, std::vector<std::string>{"class"});
  Server<Map, Sync> by_function{cat, dirs.options("fn.sock")};
  by_function.start();
  EXPECT_EQ(MapClient{dirs / "fn.sock"}.map_one(datum("v"))[0].value, "v");
  Server<Map, Sync> by_constant{fn<&cat>, dirs.options("const.sock")};
  by_constant.start();
  EXPECT_EQ(MapClient{dirs / "const.sock"}.map_one(datum("w"))[0].value, "w");
}

TEST(MapAsync, ThousandRequestsAwaitingTimersRunConcurrently) {
  test::Dirs dirs;
  auto options = dirs.options("map.sock");
  options.workers = 2;
  Server<Map, Async> server{[](Datum const& d) -> Task<Messages> {
                              boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, 50ms};
                              co_await timer.async_wait(boost::asio::use_awaitable);
                              co_return Messages{Message{d}};
                            },
                            options};
  server.start();
  MapClient client{dirs / "map.sock"};
  Datums batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(datum(std::to_string(i)));
  auto const start = std::chrono::steady_clock::now();
  auto results = client.map(batch);
  auto const elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(results.size(), 1000u);
  EXPECT_LT(elapsed, 5s) << "1000 × 50 ms awaits must overlap";
  EXPECT_EQ(results.at("999")[0].value, "999");
}

// A callable may return any range of messages: here a lazy range-v3 view over the datum's value,
// consumed by the server while the datum is alive.
TEST(MapSync, AHandlerMayReturnALazyView) {
  test::Dirs dirs;
  auto split_words = [](Datum const& d) {
    return d.value | ranges::views::split(' ') |
           ranges::views::transform([](auto&& word) { return Message{ranges::to<std::string>(word)}; });
  };
  Server<Map, Sync> server{split_words, dirs.options("map.sock")};
  server.start();
  MapClient client{dirs / "map.sock"};
  EXPECT_EQ(client.map_one(datum("a bb ccc")), (Messages{Message{"a"}, Message{"bb"}, Message{"ccc"}}));
  EXPECT_TRUE(client.map_one(datum("")).empty());
  EXPECT_TRUE(client.close().ok());
}

TEST(SourceTransformSync, AHandlerMayReturnAVectorOfMessages) {
  test::Dirs dirs;
  Server<SourceTransform, Sync> server{[](Datum const& d) {
                                         return std::vector<Message>{Message{d}, Message{d}};
                                       },
                                       dirs.options("st.sock")};
  server.start();
  numaflow::testing::SourceTransformClient client{dirs / "st.sock"};
  auto results = client.transform_one(datum("x"));
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[1].value, "x");
  EXPECT_EQ(results[1].event_time, (Timestamp{1700000000, 5})) << "the input's event time";
  EXPECT_TRUE(client.close().ok());
}

TEST(Retry, FailBuilderCarriesThePlatformsTag) {
  EXPECT_EQ(Message::to_fail().tags, std::vector<std::string>{"U+005C__FAIL__"});
  EXPECT_TRUE(Message::to_fail().is_fail());
  EXPECT_FALSE(Message::to_drop().is_fail());
  EXPECT_EQ(Message::to_fail(Timestamp::from_unix_millis(5)).event_time, Timestamp::from_unix_millis(5));
}

// Unary map: the platform re-sends the same request, same id, on the same stream.
TEST(Retry, MapAnswersTheResentIdAgainAfterAFail) {
  test::FirstAttemptFails state{{"x"}};
  test::Dirs dirs;
  Server<Map, Sync> server{[state](Datum const& d) {
                             if (state.fails(d)) return Messages{Message{"partial"}, Message::to_fail()};
                             return Messages{Message{d.value + "!"}};
                           },
                           dirs.options("map.sock")};
  server.start();
  numaflow::testing::MapClient client{dirs / "map.sock"};
  auto first = client.map({test::with_id("id-1", "x"), test::with_id("id-2", "y")});
  ASSERT_EQ(first.at("id-1").size(), 2U);
  EXPECT_TRUE(first.at("id-1")[1].is_fail());
  EXPECT_EQ(first.at("id-2"), Messages{Message{"y!"}});
  auto again = client.map({test::with_id("id-1", "x")});
  EXPECT_EQ(again.at("id-1"), Messages{Message{"x!"}}) << "the same id, answered again";
  EXPECT_EQ(state.attempts_of("x"), 2);
  EXPECT_TRUE(client.close().ok());
}

TEST(TraceContext, ParsesW3cTraceparentAndRejectsMalformedOnes) {
  auto const tc = parse_trace_context("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=a,other=b");
  ASSERT_TRUE(tc);
  EXPECT_EQ(tc->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(tc->parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(tc->flags, 1);
  EXPECT_TRUE(tc->sampled());
  EXPECT_EQ(tc->tracestate, "vendor=a,other=b");
  EXPECT_EQ(tc->traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_FALSE(parse_trace_context("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")->sampled());
  // A later version is read as version 00, with anything after the flags ignored.
  EXPECT_TRUE(parse_trace_context("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
  for (char const* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // version 00 has nothing more
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff is invalid
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero span id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // uppercase
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",    // bad flags
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // bad separator
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // a later version needs '-' after
       })
    EXPECT_FALSE(parse_trace_context(bad)) << bad;
}

// The platform writes the current stage's context into sys_metadata["tracing_udf"] and the sending
// vertex into Metadata.previous_vertex; a handler reads both from its Datum.
TEST(TraceContext, AMapHandlerSeesTheStagesContextAndThePreviousVertex) {
  test::Dirs dirs;
  Server<Map, Sync> server{[](Datum const& d) {
                             auto const tc = d.trace_context();
                             std::string const seen = tc ? tc->trace_id + "/" + tc->parent_span_id + "/" +
                                                               std::to_string(tc->flags) + "/" + tc->tracestate
                                                         : "none";
                             return Messages{Message{seen + "|" + d.previous_vertex}};
                           },
                           dirs.options("map.sock")};
  server.start();
  numaflow::testing::MapClient client{dirs / "map.sock"};
  Datum traced = test::with_id("1", "v");
  traced.system_metadata.add(Datum::tracing_udf_group, "traceparent",
                             "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  traced.system_metadata.add(Datum::tracing_udf_group, "tracestate", "congo=t61rcWkgMzE");
  traced.system_metadata.add("tracing", "traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
  traced.previous_vertex = "in";
  Datum malformed = test::with_id("2", "v");
  malformed.system_metadata.add(Datum::tracing_udf_group, "traceparent", "not a traceparent");
  Datum untraced = test::with_id("3", "v");
  auto results = client.map({traced, malformed, untraced});
  EXPECT_EQ(results.at("1")[0].value, "0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331/1/congo=t61rcWkgMzE|in");
  EXPECT_EQ(results.at("2")[0].value, "none|");
  EXPECT_EQ(results.at("3")[0].value, "none|");
  EXPECT_TRUE(client.close().ok());
}
