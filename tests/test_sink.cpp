#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "support.hpp"

using namespace numaflow;
using numaflow::testing::SinkClient;

namespace {

Datums batch_of(int n, std::string const& prefix = "id-") {
  Datums batch;
  for (int i = 0; i < n; ++i) {
    Datum d;
    d.id = prefix + std::to_string(i);
    d.value = "v" + std::to_string(i);
    batch.push_back(std::move(d));
  }
  return batch;
}

struct Collecting : Sinker {
  std::shared_ptr<std::vector<std::string>> seen = std::make_shared<std::vector<std::string>>();
  SinkResponses handle(Datums const& batch) override {
    SinkResponses out;
    for (auto const& d : batch) {
      seen->push_back(d.value);
      out.push_back(SinkResponse::success(d.id));
    }
    return out;
  }
};

}  // namespace

TEST(SinkSync, EveryStatusRoundTrips) {
  test::Dirs dirs;
  Server<Sink, Sync> server{[](Datums const& batch) {
                              SinkResponses out;
                              out.push_back(SinkResponse::success(batch[0].id));
                              out.push_back(SinkResponse::failure(batch[1].id, "boom"));
                              out.push_back(SinkResponse::fallback(batch[2].id));
                              out.push_back(SinkResponse::serve(batch[3].id, "served"));
                              out.push_back(SinkResponse::on_success(batch[4].id, OnSuccessMessage{"new", {"k"}, {}}));
                              out.push_back(SinkResponse::on_success(batch[5].id));
                              NackOptions nack;
                              nack.reason = "later";
                              nack.delay_ms = 250;
                              out.push_back(SinkResponse::nack(batch[6].id, nack));
                              return out;
                            },
                            dirs.options("sink.sock")};
  server.start();
  SinkClient client{dirs / "sink.sock"};
  auto responses = client.sink(batch_of(7));
  ASSERT_EQ(responses.size(), 7u);
  std::map<std::string, SinkResponse> by_id;
  for (auto& r : responses) by_id[r.id] = r;
  EXPECT_EQ(by_id["id-0"].status, SinkResponse::Status::success);
  EXPECT_EQ(by_id["id-1"].status, SinkResponse::Status::failure);
  EXPECT_EQ(by_id["id-1"].error, "boom");
  EXPECT_EQ(by_id["id-2"].status, SinkResponse::Status::fallback);
  EXPECT_EQ(by_id["id-3"].serve_payload, std::optional<std::string>{"served"});
  ASSERT_TRUE(by_id["id-4"].on_success_message);
  EXPECT_EQ(by_id["id-4"].on_success_message->value, "new");
  EXPECT_EQ(by_id["id-4"].on_success_message->keys, Keys{"k"});
  EXPECT_EQ(by_id["id-5"].status, SinkResponse::Status::on_success);
  EXPECT_FALSE(by_id["id-5"].on_success_message);
  EXPECT_EQ(by_id["id-6"].status, SinkResponse::Status::nack);
  ASSERT_TRUE(by_id["id-6"].nack_options);
  EXPECT_EQ(by_id["id-6"].nack_options->delay_ms, std::optional<std::uint64_t>{250});
  EXPECT_TRUE(client.close().ok());
}

TEST(SinkSync, SequentialBatchesOnOneStreamAndAnEmptyBatch) {
  test::Dirs dirs;
  Collecting sinker;
  auto seen = sinker.seen;
  Server<Sink, Sync> server{sinker, dirs.options("sink.sock")};
  server.start();
  SinkClient client{dirs / "sink.sock"};
  EXPECT_EQ(client.sink(batch_of(500, "a")).size(), 500u);
  EXPECT_EQ(client.sink(batch_of(3, "b")).size(), 3u);
  EXPECT_EQ(client.sink({}).size(), 0u);
  EXPECT_EQ(seen->size(), 503u);
  EXPECT_TRUE(client.close().ok());
}

TEST(SinkAsync, CoroutineHandlerSeesMetadataAndHeaders) {
  test::Dirs dirs;
  Server<Sink, Async> server{
      [](Datums const& batch) -> Task<SinkResponses> {
        SinkResponses out;
        for (auto const& d : batch) {
          bool ok = d.headers.at("h") == "1" && d.system_metadata.value("sink", "retry_count") == "0" &&
                    d.user_metadata.value("g", "k") == "v";
          out.push_back(ok ? SinkResponse::success(d.id) : SinkResponse::failure(d.id, "bad input"));
        }
        co_return out;
      },
      dirs.options("sink.sock")};
  server.start();
  SinkClient client{dirs / "sink.sock"};
  auto batch = batch_of(2);
  for (auto& d : batch) {
    d.headers["h"] = "1";
    d.system_metadata.add("sink", "retry_count", "0");
    d.user_metadata.add("g", "k", "v");
  }
  for (auto const& r : client.sink(batch)) EXPECT_EQ(r.status, SinkResponse::Status::success) << r.error;
}

TEST(SinkRoles, ContainerTypePicksTheSocket) {
  ::setenv("NUMAFLOW_UD_CONTAINER_TYPE", "fb-udsink", 1);
  auto fallback = detail::Functionality<Sink>::endpoint();
  ::setenv("NUMAFLOW_UD_CONTAINER_TYPE", "ons-udsink", 1);
  auto on_success = detail::Functionality<Sink>::endpoint();
  ::setenv("NUMAFLOW_UD_CONTAINER_TYPE", "udsink", 1);
  auto primary = detail::Functionality<Sink>::endpoint();
  ::unsetenv("NUMAFLOW_UD_CONTAINER_TYPE");
  EXPECT_EQ(fallback.socket_path, "/var/run/numaflow/fb-sink.sock");
  EXPECT_EQ(fallback.server_info_path, "/var/run/numaflow/fb-sinker-server-info");
  EXPECT_EQ(on_success.socket_path, "/var/run/numaflow/ons-sink.sock");
  EXPECT_EQ(on_success.server_info_path, "/var/run/numaflow/ons-sinker-server-info");
  EXPECT_EQ(primary.socket_path, "/var/run/numaflow/sink.sock");
  EXPECT_EQ(primary.server_info_path, "/var/run/numaflow/sinker-server-info");
}

// A repeated id within one batch is the client's protocol mistake: INVALID_ARGUMENT for that
// stream, the handler is not blamed, the server keeps serving (found by tests/fuzz).
TEST(SinkErrors, RepeatedRequestIdInOneBatchIsRejectedNotAUdfError) {
  test::Dirs dirs;
  Server<Sink, Sync> server{Collecting{}, dirs.options("sink.sock")};
  server.start();
  auto stub = sink::v1::Sink::NewStub(numaflow::testing::connect(dirs / "sink.sock"));
  {
    numaflow::testing::StreamClient<sink::v1::SinkRequest, sink::v1::SinkResponse> raw(
        [&](grpc::ClientContext* c) { return stub->SinkFn(c); });
    numaflow::testing::send_handshake(raw);
    auto batch = batch_of(3);
    batch[2].id = batch[0].id;
    for (auto const& d : batch) raw.write(SinkClient::request(d));
    raw.write(SinkClient::eot());
    EXPECT_FALSE(raw.read()) << "no part of the batch is answered";
    auto const status = raw.finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("\"id-0\" appears twice"), std::string::npos) << status.error_message();
  }
  SinkClient client{dirs / "sink.sock"};
  EXPECT_EQ(client.sink(batch_of(2)).size(), 2u);
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
  EXPECT_FALSE(std::filesystem::exists(dirs.error_dir()));
}
