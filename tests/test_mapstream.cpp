#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>
#include <range/v3/view/transform.hpp>

#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::MapStreamClient;

namespace {

struct Splitter : MapStreamer {
  void handle(Datum const& d, MessageEmitter& out) override {
    for (char c : d.value) out.emit(Message{std::string(1, c)});
  }
};

}  // namespace

TEST(MapStreamSync, EachMessageThenOneEotPerIdInOrder) {
  test::Dirs dirs;
  auto options = dirs.options("ms.sock");
  Server<MapStream, Sync> server{Splitter{}, options};
  server.start();
  MapStreamClient client{options.socket_path};
  Datum d;
  d.value = "abcde";
  auto messages = client.map_stream_one(d);
  ASSERT_EQ(messages.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(messages[i].value, std::string(1, "abcde"[i]));
  EXPECT_TRUE(client.close().ok());
  std::ifstream info(options.server_info_path);
  std::string text{std::istreambuf_iterator<char>(info), {}};
  EXPECT_NE(text.find("\"metadata\":{\"MAP_MODE\":\"stream-map\"}"), std::string::npos) << text;
}

TEST(MapStreamSync, ResultsArriveBeforeTheHandlerFinishes) {
  test::Dirs dirs;
  std::promise<void> first_seen;
  auto released = first_seen.get_future().share();
  Server<MapStream, Sync> server{[released](Datum const& d, MessageEmitter& out) {
                                   out.emit(Message{"first"});
                                   // Blocks until the client has the first message: a server that
                                   // buffered until the handler returned would never get here.
                                   if (released.wait_for(10s) != std::future_status::ready)
                                     throw std::runtime_error("not streamed");
                                   out.emit(Message{d.value});
                                 },
                                 dirs.options("ms.sock")};
  server.start();
  MapStreamClient client{dirs / "ms.sock"};
  bool signalled = false;
  client.on_message = [&](std::string const&, Message const& m) {
    if (m.value == "first" && !signalled) {
      signalled = true;
      first_seen.set_value();
    }
  };
  Datum d;
  d.value = "second";
  auto messages = client.map_stream_one(d);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].value, "second");
}

TEST(MapStreamAsync, TenThousandDatumsKeepPerIdOrder) {
  test::Dirs dirs;
  Server<MapStream, Async> server{[](Datum const& d, MessageEmitter& out) -> Task<void> {
                                    out.emit(Message{d.value + ":1"});
                                    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, 1ms};
                                    co_await timer.async_wait(boost::asio::use_awaitable);
                                    out.emit(Message{d.value + ":2"});
                                  },
                                  dirs.options("ms.sock")};
  server.start();
  MapStreamClient client{dirs / "ms.sock"};
  Datums datums(10000);
  for (std::size_t i = 0; i < datums.size(); ++i) datums[i].value = std::to_string(i);
  auto results = client.map_stream(datums);
  ASSERT_EQ(results.size(), 10000u);
  for (auto const& [id, messages] : results) {
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_TRUE(messages[0].value.ends_with(":1"));
    EXPECT_TRUE(messages[1].value.ends_with(":2"));
  }
  EXPECT_TRUE(client.close().ok());
}

TEST(MapStreamErrors, ThrowAfterSomeMessagesFailsTheStream) {
  test::Dirs dirs;
  Server<MapStream, Sync> server{[](Datum const&, MessageEmitter& out) {
                                   out.emit(Message{"partial"});
                                   throw std::runtime_error("stream boom");
                                 },
                                 dirs.options("ms.sock")};
  server.start();
  MapStreamClient client{dirs / "ms.sock"};
  try {
    client.map_stream_one(Datum{});
    FAIL();
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_NE(e.status().error_message().find("stream boom"), std::string::npos);
  }
  EXPECT_EQ(server.wait(), 1);
}

// An emitter takes a whole range at once: a container or a lazy view.
TEST(MapStreamSync, AnEmitterTakesARange) {
  test::Dirs dirs;
  auto options = dirs.options("ms.sock");
  Server<MapStream, Sync> server{
      [](Datum const& d, MessageEmitter& out) {
        std::vector<Message> const first{Message{"head"}};
        out.emit(first);
        out.emit(d.value | ranges::views::transform([](char c) { return Message{std::string(1, c)}; }));
      },
      options};
  server.start();
  MapStreamClient client{options.socket_path};
  Datum d;
  d.value = "xy";
  EXPECT_EQ(client.map_stream_one(d), (Messages{Message{"head"}, Message{"x"}, Message{"y"}}));
  EXPECT_TRUE(client.close().ok());
}

// Map stream: the same id is re-sent; the platform stops reading an attempt at its FAIL, so what a
// handler emits after it is not sent (it would be read as a result of the retry).
TEST(Retry, MapStreamStopsTheAttemptAtTheFailAndAnswersTheResentId) {
  test::FirstAttemptFails state{{"x"}};
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
  auto first = client.map_stream_one(test::with_id("id-1", "x"));
  auto const log = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(first.size(), 2U) << "the EOT follows the FAIL";
  EXPECT_EQ(first[0].value, "before");
  EXPECT_TRUE(first[1].is_fail());
  EXPECT_NE(log.find("emitted after Message::to_fail()"), std::string::npos) << log;
  auto again = client.map_stream_one(test::with_id("id-1", "x"));
  EXPECT_EQ(again, (Messages{Message{"before"}, Message{"done"}}));
  EXPECT_TRUE(client.close().ok());
}
