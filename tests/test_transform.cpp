#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <set>
#include <string>

#include "support.hpp"

using namespace numaflow;
using numaflow::testing::SourceTransformClient;

namespace {

struct ToEpoch : SourceTransformer {
  Messages handle(Datum const& d) override { return {Message{d}.with_event_time(Timestamp{0, 0})}; }
};

Datum offset_datum(std::string id, std::string value) {
  Datum d;
  d.id = std::move(id);
  d.value = std::move(value);
  d.event_time = Timestamp{1650000000, 123};
  return d;
}

}  // namespace

TEST(SourceTransformSync, EchoesOffsetIdAndKeepsInputEventTimeByDefault) {
  test::Dirs dirs;
  Server<SourceTransform, Sync> server{[](Datum const& d) { return Messages{Message{d}.with_tags({"t"})}; },
                                       dirs.options("st.sock")};
  server.start();
  SourceTransformClient client{dirs / "st.sock"};
  auto results = client.transform({offset_datum("offset-1", "a"), offset_datum("offset-2", "b")});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results.at("offset-1")[0].value, "a");
  EXPECT_EQ(results.at("offset-2")[0].event_time, (Timestamp{1650000000, 123}));
  EXPECT_EQ(results.at("offset-2")[0].tags, std::vector<std::string>{"t"});
  EXPECT_TRUE(client.close().ok());
}

TEST(SourceTransformSync, ClassHandlerAssignsEventTimeAndDropKeepsOne) {
  test::Dirs dirs;
  Server<SourceTransform, Sync> server{ToEpoch{}, dirs.options("st.sock")};
  server.start();
  SourceTransformClient client{dirs / "st.sock"};
  EXPECT_EQ(client.transform_one(offset_datum("o", "x"))[0].event_time, (Timestamp{0, 0}));

  Server<SourceTransform, Sync> dropper{[](Datum const& d) { return Messages{Message::to_drop(d.event_time)}; },
                                        dirs.options("drop.sock")};
  dropper.start();
  auto dropped = SourceTransformClient{dirs / "drop.sock"}.transform_one(offset_datum("o", "x"));
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_TRUE(dropped[0].is_drop());
  EXPECT_EQ(dropped[0].event_time, (Timestamp{1650000000, 123}));
}

TEST(SourceTransformAsync, CoroutineHandler) {
  test::Dirs dirs;
  Server<SourceTransform, Async> server{
      [](Datum const& d) -> Task<Messages> { co_return Messages{Message{d.value + d.value}}; },
      dirs.options("st.sock")};
  server.start();
  SourceTransformClient client{dirs / "st.sock"};
  EXPECT_EQ(client.transform_one(offset_datum("o", "ab"))[0].value, "abab");
}

// Found by tests/fuzz: requests sent together with the handshake, each answered without suspending
// (an empty value), once hung the stream: its first response waited in gRPC's buffer.
TEST(SourceTransformAsync, RequestsSentWithTheHandshakeBeforeAnyReadAreAllAnswered) {
  test::Dirs dirs;
  Server<SourceTransform, Async> server{[](Datum const& d) -> Task<Messages> { co_return Messages{Message{d}}; },
                                        dirs.options("st.sock")};
  server.start();
  auto stub = sourcetransformer::v1::SourceTransform::NewStub(numaflow::testing::connect(dirs / "st.sock"));
  auto const answered = test::sent_before_any_read<SourceTransformClient>(
      [&](grpc::ClientContext* c) { return stub->SourceTransformFn(c); },
      {offset_datum("o1", ""), offset_datum("o2", ""), offset_datum("o3", "x")});
  EXPECT_TRUE(answered.status.ok()) << answered.status.error_message();
  ASSERT_EQ(answered.responses, 4u);
  EXPECT_TRUE(answered.handshake_first);
  EXPECT_EQ(answered.ids, (std::set<std::string>{"o1", "o2", "o3"}));
}

// Source transformer: same as map; the FAIL result carries an event time like every result.
TEST(Retry, TransformerAnswersTheResentOffsetAgainAfterAFail) {
  test::FirstAttemptFails state{{"x"}};
  test::Dirs dirs;
  Server<SourceTransform, Sync> server{[state](Datum const& d) {
                                         if (state.fails(d)) return Messages{Message::to_fail(d.event_time)};
                                         return Messages{Message{d}};
                                       },
                                       dirs.options("st.sock")};
  server.start();
  numaflow::testing::SourceTransformClient client{dirs / "st.sock"};
  auto first = client.transform({test::with_id("offset-1", "x")});
  ASSERT_EQ(first.at("offset-1").size(), 1U);
  EXPECT_TRUE(first.at("offset-1")[0].is_fail());
  EXPECT_EQ(first.at("offset-1")[0].event_time, Timestamp::from_unix_millis(1000));
  auto again = client.transform({test::with_id("offset-1", "x")});
  ASSERT_EQ(again.at("offset-1").size(), 1U);
  EXPECT_EQ(again.at("offset-1")[0].value, "x");
  EXPECT_TRUE(client.close().ok());
}
