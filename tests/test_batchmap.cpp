#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <fstream>

#include "support.hpp"

using namespace numaflow;
using numaflow::testing::BatchMapClient;

namespace {

Datums batch_of(int n, std::string const& prefix) {
  Datums batch;
  for (int i = 0; i < n; ++i) {
    Datum d;
    d.id = prefix + std::to_string(i);
    d.value = std::to_string(i);
    batch.push_back(std::move(d));
  }
  return batch;
}

BatchResponses double_each(Datums const& batch) {
  BatchResponses out;
  for (auto const& d : batch) out.emplace_back(d.id, Messages{Message{d.value}, Message{d.value}});
  return out;
}

struct Doubler : AsyncBatchMapper {
  Task<BatchResponses> handle(Datums const& batch) override { co_return double_each(batch); }
};

}  // namespace

TEST(BatchMapSync, EveryIdAnsweredThenEotAcrossSequentialBatches) {
  test::Dirs dirs;
  auto options = dirs.options("bm.sock");
  Server<BatchMap, Sync> server{fn<&double_each>, options};
  server.start();
  BatchMapClient client{options.socket_path};
  auto first = client.batch_map(batch_of(500, "a"));
  ASSERT_EQ(first.size(), 500u);
  EXPECT_EQ(first.at("a499").size(), 2u);
  EXPECT_EQ(first.at("a499")[1].value, "499");
  EXPECT_EQ(client.batch_map(batch_of(3, "b")).size(), 3u);
  EXPECT_TRUE(client.close().ok());
  std::ifstream info(options.server_info_path);
  std::string text{std::istreambuf_iterator<char>(info), {}};
  EXPECT_NE(text.find("\"metadata\":{\"MAP_MODE\":\"batch-map\"}"), std::string::npos) << text;
  EXPECT_EQ(detail::Functionality<BatchMap>::endpoint().socket_path, "/var/run/numaflow/batchmap.sock");
}

TEST(BatchMapAsync, ClassHandler) {
  test::Dirs dirs;
  Server<BatchMap, Async> server{Doubler{}, dirs.options("bm.sock")};
  server.start();
  BatchMapClient client{dirs / "bm.sock"};
  EXPECT_EQ(client.batch_map(batch_of(10, "x")).at("x3").size(), 2u);
}

TEST(BatchMapErrors, OmittedIdFailsWithoutSendingAnyPartOfTheBatch) {
  test::Dirs dirs;
  auto options = dirs.options("bm.sock");
  Server<BatchMap, Sync> server{[](Datums const& batch) {
                                  auto out = double_each(batch);
                                  out.pop_back();  // forgets the last id
                                  return out;
                                },
                                options};
  server.start();
  BatchMapClient client{options.socket_path};
  for (auto const& d : batch_of(3, "id-")) client.stream().write(numaflow::testing::MapClient::request(d));
  map::v1::MapRequest eot;
  eot.mutable_status()->set_eot(true);
  client.stream().write(eot);
  EXPECT_FALSE(client.stream().read()) << "nothing of the incomplete batch may be sent";
  auto status = client.stream().finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("UDF_EXECUTION_ERROR("), std::string::npos);
  EXPECT_NE(status.error_message().find("missing ids [\"id-2\"]"), std::string::npos) << status.error_message();
  EXPECT_EQ(server.wait(), 1);
}

TEST(BatchMapErrors, DuplicateAndUnknownIdsAreNamed) {
  test::Dirs dirs;
  Server<BatchMap, Sync> server{[](Datums const& batch) {
                                  auto out = double_each(batch);
                                  out.emplace_back(batch[0].id);
                                  out.emplace_back("stranger");
                                  return out;
                                },
                                dirs.options("bm.sock")};
  server.start();
  BatchMapClient client{dirs / "bm.sock"};
  try {
    client.batch_map(batch_of(2, "id-"));
    FAIL();
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_NE(e.status().error_message().find("duplicate ids [\"id-0\"]"), std::string::npos)
        << e.status().error_message();
    EXPECT_NE(e.status().error_message().find("unknown ids [\"stranger\"]"), std::string::npos);
  }
  EXPECT_EQ(server.wait(), 1);
}

// A repeated id within one batch is the client's protocol mistake: INVALID_ARGUMENT for that
// stream, the handler is not blamed, the server keeps serving (found by tests/fuzz).
TEST(BatchMapErrors, RepeatedRequestIdInOneBatchIsRejectedNotAUdfError) {
  test::Dirs dirs;
  Server<BatchMap, Sync> server{fn<&double_each>, dirs.options("bm.sock")};
  server.start();
  auto stub = map::v1::Map::NewStub(numaflow::testing::connect(dirs / "bm.sock"));
  {
    numaflow::testing::StreamClient<map::v1::MapRequest, map::v1::MapResponse> raw(
        [&](grpc::ClientContext* c) { return stub->MapFn(c); });
    numaflow::testing::send_handshake(raw);
    auto const batch = batch_of(1, "same");
    raw.write(numaflow::testing::MapClient::request(batch[0]));
    raw.write(numaflow::testing::MapClient::request(batch[0]));
    map::v1::MapRequest eot;
    eot.mutable_status()->set_eot(true);
    raw.write(eot);
    EXPECT_FALSE(raw.read()) << "no part of the batch is answered";
    auto const status = raw.finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("\"same0\" appears twice"), std::string::npos) << status.error_message();
  }
  BatchMapClient client{dirs / "bm.sock"};
  EXPECT_EQ(client.batch_map(batch_of(2, "a")).size(), 2u);
  EXPECT_EQ(client.batch_map(batch_of(2, "a")).size(), 2u) << "the same ids again in the next batch are fine";
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
  EXPECT_FALSE(std::filesystem::exists(dirs.error_dir()));
}

// Batch map: the platform re-sends the failed requests as a new batch.
TEST(Retry, BatchMapAnswersTheFailedSubsetAsANewBatch) {
  test::FirstAttemptFails state{{"b"}};
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
  auto first = client.batch_map({test::with_id("1", "a"), test::with_id("2", "b"), test::with_id("3", "c")});
  EXPECT_EQ(first.at("1"), Messages{Message{"a!"}});
  ASSERT_EQ(first.at("2").size(), 1U);
  EXPECT_TRUE(first.at("2")[0].is_fail());
  auto retried = client.batch_map({test::with_id("2", "b")});
  EXPECT_EQ(retried.at("2"), Messages{Message{"b!"}});
  EXPECT_TRUE(client.close().ok());
}
