#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <atomic>
#include <fstream>

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
