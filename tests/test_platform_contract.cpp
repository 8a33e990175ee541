// What the platform's data plane (numaflow-core) relies on, driven over real sockets the way it
// drives a UDF: retries through the FAIL tag, the trace context and previous vertex it writes into
// a request's metadata, reduce results without user metadata, and how fast a failed server exits.
// (The source and accumulator parts live beside their tags: test_source.cpp, test_windowed.cpp.)
#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;

namespace {

Datum with_id(std::string id, std::string value) {
  Datum d;
  d.id = std::move(id);
  d.value = std::move(value);
  d.event_time = Timestamp::from_unix_millis(1000);
  d.watermark = Timestamp::from_unix_millis(900);
  return d;
}

// Fails the first attempt of every value listed in `flaky`, succeeds afterwards.
struct FirstAttemptFails {
  std::set<std::string> flaky;
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::map<std::string, int>> attempts = std::make_shared<std::map<std::string, int>>();

  bool fails(Datum const& d) const {
    std::lock_guard lock(*mu);
    return ++(*attempts)[d.value] == 1 && flaky.contains(d.value);
  }
  int attempts_of(std::string const& value) const {
    std::lock_guard lock(*mu);
    return attempts->contains(value) ? attempts->at(value) : 0;
  }
};

}  // namespace

// --- retry: Message::to_fail() ---------------------------------------------------------------------

TEST(Retry, FailBuilderCarriesThePlatformsTag) {
  EXPECT_EQ(Message::to_fail().tags, std::vector<std::string>{"U+005C__FAIL__"});
  EXPECT_TRUE(Message::to_fail().is_fail());
  EXPECT_FALSE(Message::to_drop().is_fail());
  EXPECT_EQ(Message::to_fail(Timestamp::from_unix_millis(5)).event_time, Timestamp::from_unix_millis(5));
}

// Unary map: the platform re-sends the same request, same id, on the same stream.
TEST(Retry, MapAnswersTheResentIdAgainAfterAFail) {
  FirstAttemptFails state{{"x"}};
  test::Dirs dirs;
  Server<Map, Sync> server{[state](Datum const& d) {
                             if (state.fails(d)) return Messages{Message{"partial"}, Message::to_fail()};
                             return Messages{Message{d.value + "!"}};
                           },
                           dirs.options("map.sock")};
  server.start();
  numaflow::testing::MapClient client{dirs / "map.sock"};
  auto first = client.map({with_id("id-1", "x"), with_id("id-2", "y")});
  ASSERT_EQ(first.at("id-1").size(), 2U);
  EXPECT_TRUE(first.at("id-1")[1].is_fail());
  EXPECT_EQ(first.at("id-2"), Messages{Message{"y!"}});
  auto again = client.map({with_id("id-1", "x")});
  EXPECT_EQ(again.at("id-1"), Messages{Message{"x!"}}) << "the same id, answered again";
  EXPECT_EQ(state.attempts_of("x"), 2);
  EXPECT_TRUE(client.close().ok());
}

// Source transformer: same as map; the FAIL result carries an event time like every result.
TEST(Retry, TransformerAnswersTheResentOffsetAgainAfterAFail) {
  FirstAttemptFails state{{"x"}};
  test::Dirs dirs;
  Server<SourceTransform, Sync> server{[state](Datum const& d) {
                                         if (state.fails(d)) return Messages{Message::to_fail(d.event_time)};
                                         return Messages{Message{d}};
                                       },
                                       dirs.options("st.sock")};
  server.start();
  numaflow::testing::SourceTransformClient client{dirs / "st.sock"};
  auto first = client.transform({with_id("offset-1", "x")});
  ASSERT_EQ(first.at("offset-1").size(), 1U);
  EXPECT_TRUE(first.at("offset-1")[0].is_fail());
  EXPECT_EQ(first.at("offset-1")[0].event_time, Timestamp::from_unix_millis(1000));
  auto again = client.transform({with_id("offset-1", "x")});
  ASSERT_EQ(again.at("offset-1").size(), 1U);
  EXPECT_EQ(again.at("offset-1")[0].value, "x");
  EXPECT_TRUE(client.close().ok());
}

// Batch map: the platform re-sends the failed requests as a new batch.
TEST(Retry, BatchMapAnswersTheFailedSubsetAsANewBatch) {
  FirstAttemptFails state{{"b"}};
  test::Dirs dirs;
  Server<BatchMap, Sync> server{[state](Datums const& batch) {
                                  BatchResponses out;
                                  for (auto const& d : batch)
                                    out.push_back(state.fails(d) ? BatchResponse{d.id, {Message::to_fail()}}
                                                                 : BatchResponse{d.id, {Message{d.value + "!"}}});
                                  return out;
                                },
                                dirs.options("bm.sock")};
  server.start();
  numaflow::testing::BatchMapClient client{dirs / "bm.sock"};
  auto first = client.batch_map({with_id("1", "a"), with_id("2", "b"), with_id("3", "c")});
  EXPECT_EQ(first.at("1"), Messages{Message{"a!"}});
  ASSERT_EQ(first.at("2").size(), 1U);
  EXPECT_TRUE(first.at("2")[0].is_fail());
  auto retried = client.batch_map({with_id("2", "b")});
  EXPECT_EQ(retried.at("2"), Messages{Message{"b!"}});
  EXPECT_TRUE(client.close().ok());
}

// Map stream: the same id is re-sent; the platform stops reading an attempt at its FAIL, so what a
// handler emits after it is not sent (it would be read as a result of the retry).
TEST(Retry, MapStreamStopsTheAttemptAtTheFailAndAnswersTheResentId) {
  FirstAttemptFails state{{"x"}};
  test::Dirs dirs;
  Server<MapStream, Sync> server{[state](Datum const& d, MessageEmitter& out) {
                                   out.emit(Message{"before"});
                                   if (state.fails(d)) {
                                     out.emit(Message::to_fail());
                                     out.emit(Message{"after the fail"});  // a handler that did not return
                                     return;
                                   }
                                   out.emit(Message{"done"});
                                 },
                                 dirs.options("ms.sock")};
  server.start();
  numaflow::testing::MapStreamClient client{dirs / "ms.sock"};
  ::testing::internal::CaptureStderr();
  auto first = client.map_stream_one(with_id("id-1", "x"));
  auto const log = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(first.size(), 2U) << "the EOT follows the FAIL";
  EXPECT_EQ(first[0].value, "before");
  EXPECT_TRUE(first[1].is_fail());
  EXPECT_NE(log.find("emitted after Message::to_fail()"), std::string::npos) << log;
  auto again = client.map_stream_one(with_id("id-1", "x"));
  EXPECT_EQ(again, (Messages{Message{"before"}, Message{"done"}}));
  EXPECT_TRUE(client.close().ok());
}

// --- trace context and previous vertex -------------------------------------------------------------

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
  Datum traced = with_id("1", "v");
  traced.system_metadata.add(Datum::tracing_udf_group, "traceparent",
                             "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  traced.system_metadata.add(Datum::tracing_udf_group, "tracestate", "congo=t61rcWkgMzE");
  traced.system_metadata.add("tracing", "traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
  traced.previous_vertex = "in";
  Datum malformed = with_id("2", "v");
  malformed.system_metadata.add(Datum::tracing_udf_group, "traceparent", "not a traceparent");
  Datum untraced = with_id("3", "v");
  auto results = client.map({traced, malformed, untraced});
  EXPECT_EQ(results.at("1")[0].value, "0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331/1/congo=t61rcWkgMzE|in");
  EXPECT_EQ(results.at("2")[0].value, "none|");
  EXPECT_EQ(results.at("3")[0].value, "none|");
  EXPECT_TRUE(client.close().ok());
}

// --- reduce-family results carry no user metadata -------------------------------------------------

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
  Datum d = with_id("", "v");
  d.keys = {"k"};
  client.send(d);
  auto const results = client.close_window();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].value, "1");
  EXPECT_TRUE(results[0].user_metadata.empty());
}

// --- shutdown --------------------------------------------------------------------------------------

TEST(Shutdown, DefaultGraceEndsBeforeKubernetesKillsThePod) {
  ::unsetenv("NUMAFLOW_GRPC_SHUTDOWN_GRACE_PERIOD_SECONDS");
  detail::Runtime runtime{ServerOptions{}};
  EXPECT_EQ(runtime.shutdown_grace(), 15s);
  EXPECT_LT(runtime.shutdown_grace(), 30s) << "Kubernetes' default terminationGracePeriodSeconds";
}

// After a handler error the platform restarts the container: another open stream must not keep the
// server alive for the whole grace period.
TEST(Shutdown, AHandlerErrorExitsPromptlyWhileOtherStreamsAreOpen) {
  test::Dirs dirs;
  auto options = dirs.options("map.sock");
  options.shutdown_grace = 30s;
  Server<Map, Sync> server{[](Datum const& d) {
                             if (d.value == "boom") throw std::runtime_error("boom");
                             return Messages{Message{d}};
                           },
                           options};
  server.start();
  numaflow::testing::MapClient idle{dirs / "map.sock"};  // open, handshaken, never half-closed
  EXPECT_EQ(idle.map_one(with_id("1", "fine"))[0].value, "fine");
  numaflow::testing::MapClient failing{dirs / "map.sock"};
  auto const start = std::chrono::steady_clock::now();
  EXPECT_THROW(failing.map_one(with_id("2", "boom")), numaflow::testing::ProtocolError);
  EXPECT_EQ(server.wait(), 1);
  auto const took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 10s) << "the 30 s grace period is not waited for after a handler error";
  idle.stream().cancel();
}
