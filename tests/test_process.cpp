// Tests that need a real server process: SIGTERM drain, exit codes, MultiProc workers.
#include <gtest/gtest.h>
#include <signal.h>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <filesystem>
#include <set>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::MapClient;
using numaflow::testing::SinkClient;
using numaflow::testing::SourceTransformClient;

namespace {

struct Case {
  std::string tag;
  std::string policy;
};

std::string name_of(::testing::TestParamInfo<Case> const& info) { return info.param.tag + "_" + info.param.policy; }

[[maybe_unused]] void PrintTo(Case const& c, std::ostream* os) { *os << c.tag << "/" << c.policy; }

class UdfProcess {
 public:
  UdfProcess(test::Dirs const& dirs, Case const& c, std::string const& behaviour, std::vector<std::string> extra = {})
      : socket_(dirs / "udf.sock"), process_([&] {
          std::vector<std::string> argv{
              NUMAFLOW_TEST_FIXTURE, "--tag",       c.tag,           "--policy", c.policy,
              "--behaviour",         behaviour,     "--socket",      socket_,    "--server-info",
              dirs / "info",         "--error-dir", dirs.error_dir()};
          argv.insert(argv.end(), extra.begin(), extra.end());
          return argv;
        }()) {
    bool ready = false;
    if (c.tag == "map") ready = numaflow::testing::wait_until_ready<map::v1::Map>(socket_);
    if (c.tag == "transform")
      ready = numaflow::testing::wait_until_ready<sourcetransformer::v1::SourceTransform>(socket_);
    if (c.tag == "sink") ready = numaflow::testing::wait_until_ready<sink::v1::Sink>(socket_);
    if (!ready) throw std::runtime_error("the fixture server did not become ready");
  }
  std::string const& socket() const { return socket_; }
  test::Process& process() { return process_; }

 private:
  std::string socket_;
  test::Process process_;
};

Datums numbered(int n) {
  Datums batch;
  for (int i = 0; i < n; ++i) {
    Datum d;
    d.id = "id-" + std::to_string(i);
    d.value = std::to_string(i);
    d.event_time = Timestamp{1700000000, 0};
    batch.push_back(std::move(d));
  }
  return batch;
}

// Sends `batch` on an open stream of the case's kind, signals the server, then collects the answers.
template <class Client, class Collect>
std::size_t drive_through_sigterm(Client& client, Datums const& batch, test::Process& process, Collect collect) {
  for (auto const& d : batch) client.stream().write(Client::request(d));
  process.signal(SIGTERM);
  return collect();
}

}  // namespace

class SigtermDrain : public ::testing::TestWithParam<Case> {};

TEST_P(SigtermDrain, FiveHundredInFlightAreAllAnsweredThenExitZero) {
  test::Dirs dirs;
  UdfProcess udf{dirs, GetParam(), "slow", {"--delay-ms", "2", "--workers", "2", "--grace-ms", "15000"}};
  auto const batch = numbered(500);
  auto const start = std::chrono::steady_clock::now();
  if (GetParam().tag == "sink") {
    SinkClient client{udf.socket()};
    for (auto const& d : batch) client.stream().write(SinkClient::request(d));
    client.stream().write(SinkClient::eot());
    udf.process().signal(SIGTERM);
    std::set<std::string> answered;
    for (;;) {
      auto response = client.stream().read();
      ASSERT_TRUE(response) << "the stream ended before the batch's EOT";
      if (response->has_status() && response->status().eot()) break;
      for (auto const& r : response->results()) answered.insert(r.id());
    }
    EXPECT_EQ(answered.size(), 500u);
    EXPECT_TRUE(client.close().ok());
  } else if (GetParam().tag == "map") {
    MapClient client{udf.socket()};
    auto n = drive_through_sigterm(client, batch, udf.process(), [&] {
      std::set<std::string> answered;
      while (answered.size() < batch.size()) {
        auto response = client.stream().read();
        if (!response) break;
        answered.insert(response->id());
      }
      return answered.size();
    });
    EXPECT_EQ(n, 500u);
    EXPECT_TRUE(client.close().ok());
  } else {
    SourceTransformClient client{udf.socket()};
    auto n = drive_through_sigterm(client, batch, udf.process(), [&] {
      std::set<std::string> answered;
      while (answered.size() < batch.size()) {
        auto response = client.stream().read();
        if (!response) break;
        answered.insert(response->id());
      }
      return answered.size();
    });
    EXPECT_EQ(n, 500u);
    EXPECT_TRUE(client.close().ok());
  }
  EXPECT_EQ(udf.process().exit_code(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << "must exit within the grace period";
}

INSTANTIATE_TEST_SUITE_P(AllTagsAndPolicies, SigtermDrain,
                         ::testing::Values(Case{"map", "sync"}, Case{"map", "async"}, Case{"map", "multiproc"},
                                           Case{"transform", "sync"}, Case{"transform", "async"},
                                           Case{"transform", "multiproc"}, Case{"sink", "sync"}, Case{"sink", "async"}),
                         name_of);

class HandlerThrows : public ::testing::TestWithParam<Case> {};

TEST_P(HandlerThrows, InternalStatusPersistedErrorAndExitOne) {
  test::Dirs dirs;
  UdfProcess udf{dirs, GetParam(), "throw", {"--grace-ms", "2000"}};
  grpc::Status status;
  try {
    if (GetParam().tag == "map") MapClient{udf.socket()}.map(numbered(3));
    if (GetParam().tag == "transform") SourceTransformClient{udf.socket()}.transform(numbered(3));
    if (GetParam().tag == "sink") SinkClient{udf.socket()}.sink(numbered(3));
    FAIL() << "the stream should have failed";
  } catch (numaflow::testing::ProtocolError const& e) {
    status = e.status();
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("UDF_EXECUTION_ERROR(unknown-container): "), std::string::npos);
  EXPECT_NE(status.error_message().find("fixture failure for"), std::string::npos) << status.error_message();
  EXPECT_EQ(udf.process().exit_code(), 1);
  std::size_t files = 0;
  for (auto const& entry : std::filesystem::directory_iterator(dirs.error_dir() + "/unknown-container")) {
    EXPECT_TRUE(entry.path().filename().string().ends_with("-udf.json"));
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

INSTANTIATE_TEST_SUITE_P(AllTagsAndPolicies, HandlerThrows,
                         ::testing::Values(Case{"map", "sync"}, Case{"map", "async"}, Case{"map", "multiproc"},
                                           Case{"transform", "sync"}, Case{"transform", "async"},
                                           Case{"transform", "multiproc"}, Case{"sink", "sync"}, Case{"sink", "async"}),
                         name_of);

TEST(MultiProc, HandlersRunInTheWorkerProcesses) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"map", "multiproc"}, "pid", {"--workers", "2"}};
  MapClient client{udf.socket()};
  auto results = client.map(numbered(200));
  std::set<std::string> pids;
  for (auto const& [id, messages] : results) pids.insert(messages.at(0).value);
  EXPECT_EQ(pids.size(), 2u) << "requests are spread over both workers";
  EXPECT_EQ(pids.count(std::to_string(udf.process().pid())), 0u) << "the handler never runs in the gRPC process";
  EXPECT_TRUE(client.close().ok());
  udf.process().signal(SIGTERM);
  EXPECT_EQ(udf.process().exit_code(), 0);
}

TEST(MultiProc, TransformResultsMatchSync) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"transform", "multiproc"}, "cat", {"--workers", "2"}};
  SourceTransformClient client{udf.socket()};
  auto results = client.transform(numbered(100));
  ASSERT_EQ(results.size(), 100u);
  EXPECT_EQ(results.at("id-42").at(0).value, "42");
  EXPECT_EQ(results.at("id-42").at(0).event_time, (Timestamp{1700000000, 0}));
}

TEST(MultiProc, CrashedWorkerIsReportedNeverSilent) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"map", "multiproc"}, "crash", {"--workers", "2", "--grace-ms", "2000"}};
  try {
    MapClient{udf.socket()}.map(numbered(1));
    FAIL() << "the stream should have failed";
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_NE(e.status().error_message().find("MultiProc worker process was killed by signal"), std::string::npos)
        << e.status().error_message();
  }
  EXPECT_EQ(udf.process().exit_code(), 1);
}

TEST(Signals, SigintAlsoDrainsAndExitsZero) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"map", "sync"}, "cat"};
  MapClient client{udf.socket()};
  EXPECT_EQ(client.map(numbered(10)).size(), 10u);
  udf.process().signal(SIGINT);
  EXPECT_EQ(client.map(numbered(10)).size(), 10u) << "the open stream keeps working after the signal";
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(udf.process().exit_code(), 0);
}
