#include <gtest/gtest.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <deque>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::SourceClient;

namespace {

// Shared state of the test source, kept outside the (copied) handler object.
struct Ledger {
  std::mutex mu;
  std::uint64_t next = 0;
  std::deque<Offset> redeliver;
  std::set<Offset> acked;
  std::vector<NackedOffset> nacked;
  std::uint64_t limit = 1000000;  // records the source has in total
};

struct CountingSource : Sourcer {
  std::shared_ptr<Ledger> ledger = std::make_shared<Ledger>();

  void read(ReadRequest const& request, SourceEmitter& out) override {
    auto const deadline = std::chrono::steady_clock::now() + request.timeout;
    std::uint64_t sent = 0;
    while (sent < request.count && std::chrono::steady_clock::now() < deadline) {
      SourceMessage m;
      {
        std::lock_guard lock(ledger->mu);
        if (!ledger->redeliver.empty()) {
          m.offset = ledger->redeliver.front();
          ledger->redeliver.pop_front();
        } else if (ledger->next < ledger->limit) {
          m.offset = Offset{std::to_string(ledger->next++)};
        } else {
          m.offset.value.clear();
        }
      }
      if (m.offset.value.empty()) {
        std::this_thread::sleep_for(5ms);  // nothing to read right now
        continue;
      }
      m.value = "payload-" + m.offset.value;
      m.keys = {"k"};
      m.headers = {{"h", "v"}};
      m.user_metadata.add("g", "k", "v");
      out.emit(std::move(m));
      ++sent;
    }
  }
  void ack(std::vector<Offset> const& offsets) override {
    std::lock_guard lock(ledger->mu);
    ledger->acked.insert(offsets.begin(), offsets.end());
  }
  void nack(std::vector<NackedOffset> const& offsets) override {
    std::lock_guard lock(ledger->mu);
    for (auto const& n : offsets) {
      ledger->redeliver.push_back(n.offset);
      ledger->nacked.push_back(n);
    }
  }
  std::int64_t pending() override {
    std::lock_guard lock(ledger->mu);
    return static_cast<std::int64_t>(ledger->limit - ledger->next + ledger->redeliver.size());
  }
};

struct PartitionedSource : CountingSource {
  std::vector<std::int32_t> partitions() override { return {3, 4}; }
  std::optional<std::int32_t> total_partitions() override { return 8; }
};

struct AsyncSource : AsyncSourcer {
  Task<void> read(ReadRequest const& request, SourceEmitter& out) override {
    for (std::uint64_t i = 0; i < request.count; ++i) {
      SourceMessage m;
      m.value = "a" + std::to_string(i);
      m.offset = {std::to_string(i), 0};
      out.emit(std::move(m));
    }
    co_return;
  }
  Task<void> ack(std::vector<Offset> const&) override { co_return; }
  Task<void> nack(std::vector<NackedOffset> const&) override { co_return; }
  Task<std::int64_t> pending() override { co_return -1; }
};

}  // namespace

TEST(SourceSync, ReadAckNackPendingPartitionsRoundTrip) {
  test::Dirs dirs;
  CountingSource source;
  auto ledger = source.ledger;
  auto options = dirs.options("src.sock");
  Server<Source, Sync> server{source, options};
  server.start();
  SourceClient client{options.socket_path};

  auto batch = client.read(5);
  ASSERT_EQ(batch.size(), 5u);
  EXPECT_EQ(batch[0].value, "payload-0");
  EXPECT_EQ(batch[4].offset, (Offset{"4", 0}));
  EXPECT_EQ(batch[0].keys, Keys{"k"});
  EXPECT_EQ(batch[0].headers.at("h"), "v");
  EXPECT_EQ(batch[0].user_metadata.value("g", "k"), "v");

  client.ack({batch[0].offset, batch[1].offset});
  {
    // The handler wrote it on a server thread; the RPC's answer orders that before us, but only
    // inside gRPC, where ThreadSanitizer cannot see it: read under the handler's lock.
    std::lock_guard lock(ledger->mu);
    EXPECT_EQ(ledger->acked.size(), 2u);
  }

  NackOptions options_for_3;
  options_for_3.reason = "downstream busy";
  options_for_3.delay_ms = 100;
  client.nack({{batch[3].offset, options_for_3}, {batch[4].offset, std::nullopt}});
  {
    std::lock_guard lock(ledger->mu);
    ASSERT_EQ(ledger->nacked.size(), 2u);
    EXPECT_EQ(ledger->nacked[0].options->reason, std::optional<std::string>{"downstream busy"});
    EXPECT_FALSE(ledger->nacked[1].options);
  }

  auto again = client.read(3);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again[0].offset.value, "3") << "nacked offsets are re-delivered first";
  EXPECT_EQ(again[1].offset.value, "4");
  EXPECT_EQ(again[2].offset.value, "5");

  EXPECT_EQ(client.pending(), 1000000 - 6);
  auto [partitions, total] = client.partitions();
  EXPECT_EQ(partitions, std::vector<std::int32_t>{0});
  EXPECT_FALSE(total);
  EXPECT_TRUE(client.close().ok());
}

TEST(SourceSync, ReadTimeoutReturnsFewerRecords) {
  test::Dirs dirs;
  CountingSource source;
  source.ledger->limit = 3;
  Server<Source, Sync> server{source, dirs.options("src.sock")};
  server.start();
  SourceClient client{dirs / "src.sock"};
  auto const start = std::chrono::steady_clock::now();
  auto batch = client.read(500, 100);
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_TRUE(client.read(10, 50).empty()) << "zero results then EOT is valid";
}

TEST(SourceSync, PartitionsDefaultToTheReplicaAndCanBeOverridden) {
  ::setenv("NUMAFLOW_REPLICA", "7", 1);
  test::Dirs dirs;
  Server<Source, Sync> by_default{CountingSource{}, dirs.options("a.sock")};
  by_default.start();
  EXPECT_EQ(SourceClient{dirs / "a.sock"}.partitions().first, std::vector<std::int32_t>{7});
  EXPECT_EQ(Offset{"x"}.partition_id, 7);
  ::unsetenv("NUMAFLOW_REPLICA");
  Server<Source, Sync> custom{PartitionedSource{}, dirs.options("b.sock")};
  custom.start();
  auto [partitions, total] = SourceClient{dirs / "b.sock"}.partitions();
  EXPECT_EQ(partitions, (std::vector<std::int32_t>{3, 4}));
  EXPECT_EQ(total, std::optional<std::int32_t>{8});
}

TEST(SourceAsync, CoroutineSource) {
  test::Dirs dirs;
  auto options = dirs.options("src.sock");
  Server<Source, Async> server{AsyncSource{}, options};
  server.start();
  SourceClient client{options.socket_path};
  EXPECT_EQ(client.read(4).size(), 4u);
  client.ack({{"0", 0}});
  EXPECT_EQ(client.pending(), -1);
  EXPECT_EQ(client.partitions().first, std::vector<std::int32_t>{0});
  std::ifstream info(options.server_info_path);
  std::string text{std::istreambuf_iterator<char>(info), {}};
  EXPECT_EQ(text,
            "{\"protocol\":\"uds\",\"language\":\"cpp\",\"minimum_numaflow_version\":\"1.4.0-z\",\"version\":\"0.1.0\","
            "\"metadata\":{}}U+005C__END__");
}

TEST(SourceErrors, ReadBeforeHandshakeIsRejected) {
  test::Dirs dirs;
  Server<Source, Async> server{AsyncSource{}, dirs.options("src.sock")};
  server.start();
  auto stub = source::v1::Source::NewStub(numaflow::testing::connect(dirs / "src.sock"));
  numaflow::testing::StreamClient<source::v1::ReadRequest, source::v1::ReadResponse> raw(
      [&](grpc::ClientContext* c) { return stub->ReadFn(c); });
  source::v1::ReadRequest request;
  request.mutable_request()->set_num_records(1);
  raw.write(request);
  EXPECT_FALSE(raw.read()) << "data before the handshake";
  EXPECT_EQ(raw.finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(SourceErrors, ThrowingAckFollowsTheErrorContract) {
  struct BadAck : CountingSource {
    void ack(std::vector<Offset> const&) override { throw std::runtime_error("ack store down"); }
  };
  test::Dirs dirs;
  Server<Source, Sync> server{BadAck{}, dirs.options("src.sock")};
  server.start();
  SourceClient client{dirs / "src.sock"};
  try {
    client.ack({{"1", 0}});
    FAIL();
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_NE(e.status().error_message().find("ack store down"), std::string::npos);
  }
  EXPECT_EQ(server.wait(), 1);
}

TEST(SourceErrors, ThrowingPendingFailsTheUnaryCall) {
  struct BadPending : CountingSource {
    std::int64_t pending() override { throw std::runtime_error("no idea"); }
  };
  test::Dirs dirs;
  Server<Source, Sync> server{BadPending{}, dirs.options("src.sock")};
  server.start();
  SourceClient client{dirs / "src.sock"};
  try {
    client.pending();
    FAIL();
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_NE(e.status().error_message().find("UDF_EXECUTION_ERROR("), std::string::npos);
  }
  EXPECT_EQ(server.wait(), 1);
}

// The platform reads results until the EOT, whatever their number (num_records only sizes its
// buffer): a generous read delivers everything, then the EOT, and the server keeps serving.
TEST(SourceContract, AReadThatEmitsMoreThanAskedDeliversEveryRecordThenTheEot) {
  struct Generous : CountingSource {
    void read(ReadRequest const& request, SourceEmitter& out) override {
      for (std::uint64_t i = 0; i < 2 * request.count + 1; ++i) {
        SourceMessage m;
        m.offset = {std::to_string(i), 0};
        m.value = "v" + std::to_string(i);
        out.emit(std::move(m));
      }
    }
  };
  test::Dirs dirs;
  Server<Source, Sync> server{Generous{}, dirs.options("src.sock")};
  server.start();
  SourceClient client{dirs / "src.sock"};
  ::testing::internal::CaptureStderr();
  auto const first = client.read(2);
  auto const second = client.read(3);
  auto const log = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(first.size(), 5U);
  ASSERT_EQ(second.size(), 7U);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].value, "v" + std::to_string(i));
  std::string const warning = "emitted more than the";
  auto const at = log.find(warning);
  EXPECT_NE(at, std::string::npos) << log;
  EXPECT_EQ(log.find(warning, at + 1), std::string::npos) << "warned once: " << log;
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

// Every PartitionsResponse carries a result: the platform's source panics on one without.
TEST(SourceContract, AnEmptyPartitionListStillCarriesAResult) {
  struct NoPartitions : CountingSource {
    std::vector<std::int32_t> partitions() override { return {}; }
  };
  test::Dirs dirs;
  Server<Source, Sync> server{NoPartitions{}, dirs.options("src.sock")};
  server.start();
  source::v1::PartitionsResponse response;
  grpc::ClientContext context;
  auto stub = source::v1::Source::NewStub(numaflow::testing::connect(dirs / "src.sock"));
  ASSERT_TRUE(stub->PartitionsFn(&context, google::protobuf::Empty{}, &response).ok());
  EXPECT_TRUE(response.has_result());
  EXPECT_EQ(response.result().partitions_size(), 0);
  EXPECT_FALSE(response.result().has_total_partitions());
}

// An offset built without a partition is in the partition partitions() reports by default.
TEST(SourceContract, AnOffsetWithoutPartitionIsInTheReplicasDefaultPartition) {
  ::setenv("NUMAFLOW_REPLICA", "3", 1);
  test::Dirs dirs;
  Server<Source, Sync> server{CountingSource{}, dirs.options("src.sock")};
  server.start();
  SourceClient client{dirs / "src.sock"};
  auto const partitions = client.partitions().first;
  auto const read = client.read(2);
  ::unsetenv("NUMAFLOW_REPLICA");
  ASSERT_EQ(partitions, std::vector<std::int32_t>{3});
  ASSERT_EQ(read.size(), 2U);
  for (auto const& m : read) EXPECT_EQ(m.offset.partition_id, 3) << m.offset.value;
  EXPECT_EQ((Offset{"x", 5}.partition_id), 5) << "an explicit partition is kept";
  EXPECT_EQ(Offset{"x"}.partition_id, 0) << "NUMAFLOW_REPLICA unset: partition 0";
}
