// User-defined serving stores (serving.v1).
#include <gtest/gtest.h>

#include <numaflow/functions/servingstore.hpp>
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>
#include <numaflow/testing/servingstore.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

using namespace numaflow;
using numaflow::testing::ProtocolError;
using numaflow::testing::ServingStoreClient;

namespace {

std::string read_file(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Appends under the id; shared so the test can look inside after the server took its copy.
struct Memory {
  std::mutex mu;
  std::map<std::string, std::vector<ServingPayload>> stored;

  void put(std::string const& id, std::vector<ServingPayload> const& payloads) {
    std::lock_guard lock(mu);
    auto& list = stored[id];
    list.insert(list.end(), payloads.begin(), payloads.end());
  }
  std::vector<ServingPayload> get(std::string const& id) {
    std::lock_guard lock(mu);
    auto it = stored.find(id);
    return it == stored.end() ? std::vector<ServingPayload>{} : it->second;
  }
};

struct Store : ServingStorer {
  std::shared_ptr<Memory> memory = std::make_shared<Memory>();
  void put(std::string const& id, std::vector<ServingPayload> const& payloads) override { memory->put(id, payloads); }
  std::vector<ServingPayload> get(std::string const& id) override { return memory->get(id); }
};

struct AsyncStore : AsyncServingStorer {
  std::shared_ptr<Memory> memory = std::make_shared<Memory>();
  Task<void> put(std::string const& id, std::vector<ServingPayload> const& payloads) override {
    memory->put(id, payloads);
    co_return;
  }
  Task<std::vector<ServingPayload>> get(std::string const& id) override { co_return memory->get(id); }
};

// Two puts under one id come back in order; other ids are separate; an unknown id is OK and empty.
void expect_store_semantics(std::string const& socket) {
  ServingStoreClient client{socket};
  EXPECT_TRUE(client.put("req-1", {{"cat", "first"}}));
  EXPECT_TRUE(client.put("req-2", {{"cat", "other"}}));
  EXPECT_TRUE(client.put("req-1", {{"flatmap", std::string{"sec\0ond", 7}}, {"flatmap", "third"}}));
  EXPECT_EQ(client.get("req-1"), (std::vector<ServingPayload>{
                                     {"cat", "first"}, {"flatmap", std::string{"sec\0ond", 7}}, {"flatmap", "third"}}));
  EXPECT_EQ(client.get("req-2"), (std::vector<ServingPayload>{{"cat", "other"}}));
  EXPECT_TRUE(client.get("unknown").empty());

  // On the wire: Get echoes the id even when nothing is stored; Put answers success=true.
  grpc::ClientContext get_context;
  serving::v1::GetRequest get;
  get.set_id("nothing-here");
  serving::v1::GetResponse got;
  ASSERT_TRUE(client.stub().Get(&get_context, get, &got).ok());
  EXPECT_EQ(got.id(), "nothing-here");
  EXPECT_EQ(got.payloads_size(), 0);
  grpc::ClientContext put_context;
  serving::v1::PutRequest put;
  put.set_id("empty-put");
  serving::v1::PutResponse put_response;
  ASSERT_TRUE(client.stub().Put(&put_context, put, &put_response).ok());
  EXPECT_TRUE(put_response.success());
}

grpc::Status failed_put(std::string const& socket) {
  ServingStoreClient client{socket};
  try {
    client.put("id", {{"v", "x"}});
  } catch (ProtocolError const& e) {
    return e.status();
  }
  ADD_FAILURE() << "the put did not fail";
  return grpc::Status::OK;
}

}  // namespace

TEST(ServingStoreSync, PutAppendsAndGetReturnsEverythingInOrder) {
  test::Dirs dirs;
  Store store;
  auto memory = store.memory;
  Server<ServingStore, Sync> server{store, dirs.options("serving.sock")};
  server.start();
  expect_store_semantics(dirs / "serving.sock");
  EXPECT_EQ(memory->get("req-1").size(), 3u);  // under its lock: gRPC's ordering is invisible to TSan
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

TEST(ServingStoreSync, ConcurrentPutsUnderOneIdAreAllKept) {
  test::Dirs dirs;
  Server<ServingStore, Sync> server{Store{}, dirs.options("serving.sock")};
  server.start();
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      ServingStoreClient client{dirs / "serving.sock"};
      for (int i = 0; i < 10; ++i) client.put("req", {{"v" + std::to_string(t), std::to_string(i)}});
    });
  for (auto& t : threads) t.join();
  auto const all = ServingStoreClient{dirs / "serving.sock"}.get("req");
  ASSERT_EQ(all.size(), 40u);
  // Each writer's puts keep their order.
  std::map<std::string, int> next;
  for (auto const& p : all) EXPECT_EQ(p.value, std::to_string(next[p.origin]++));
}

TEST(ServingStoreAsync, PutAppendsAndGetReturnsEverythingInOrder) {
  test::Dirs dirs;
  Server<ServingStore, Async> server{AsyncStore{}, dirs.options("serving.sock")};
  server.start();
  expect_store_semantics(dirs / "serving.sock");
}

TEST(ServingStoreErrors, SyncPutThrows) {
  struct Failing : ServingStorer {
    void put(std::string const&, std::vector<ServingPayload> const&) override { throw std::runtime_error("boom"); }
    std::vector<ServingPayload> get(std::string const&) override { return {}; }
  };
  test::Dirs dirs;
  auto options = dirs.options("serving.sock");
  Server<ServingStore, Sync> server{Failing{}, options};
  server.start();
  auto const status = failed_put(options.socket_path);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("UDF_EXECUTION_ERROR("), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("boom"), std::string::npos) << status.error_message();
  EXPECT_EQ(server.wait(), 1);
}

TEST(ServingStoreErrors, AsyncPutThrows) {
  struct Failing : AsyncServingStorer {
    Task<void> put(std::string const&, std::vector<ServingPayload> const&) override {
      throw std::runtime_error("boom");
      co_return;
    }
    Task<std::vector<ServingPayload>> get(std::string const&) override { co_return std::vector<ServingPayload>{}; }
  };
  test::Dirs dirs;
  auto options = dirs.options("serving.sock");
  Server<ServingStore, Async> server{Failing{}, options};
  server.start();
  auto const status = failed_put(options.socket_path);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("UDF_EXECUTION_ERROR("), std::string::npos) << status.error_message();
  EXPECT_EQ(server.wait(), 1);
}

TEST(ServingStoreServer, ServerInfoIsReadyAndDefaults) {
  test::Dirs dirs;
  auto options = dirs.options("serving.sock");
  Server<ServingStore, Sync> server{Store{}, options};
  server.start();
  EXPECT_EQ(read_file(options.server_info_path),
            "{\"protocol\":\"uds\",\"language\":\"cpp\",\"minimum_numaflow_version\":\"1.5.0-z\",\"version\":\"0.1.0\","
            "\"metadata\":{}}U+005C__END__");
  EXPECT_TRUE(numaflow::testing::wait_until_ready<serving::v1::ServingStore>(options.socket_path));
  EXPECT_TRUE(ServingStoreClient{options.socket_path}.is_ready());
  EXPECT_EQ(detail::Functionality<ServingStore>::endpoint().socket_path, "/var/run/numaflow/serving.sock");
  EXPECT_EQ(detail::Functionality<ServingStore>::endpoint().server_info_path, "/var/run/numaflow/serving-server-info");
}
