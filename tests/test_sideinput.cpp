// SideInput generators (sideinput.v1) and the side-input watcher UDFs use to read them.
#include <gtest/gtest.h>

#include <numaflow/functions/sideinput.hpp>
#include <numaflow/numaflow.hpp>
#include <numaflow/side_input_watcher.hpp>
#include <numaflow/testing.hpp>
#include <numaflow/testing/sideinput.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::ProtocolError;
using numaflow::testing::SideInputClient;

namespace {

std::string read_file(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Broadcasts "value-<n>" on even calls and skips odd ones.
SideInputResponse alternate(std::atomic<int>& calls) {
  int const n = calls.fetch_add(1);
  return n % 2 == 0 ? SideInputResponse::broadcast("value-" + std::to_string(n)) : SideInputResponse::no_broadcast();
}

void expect_alternation(SideInputClient& client) {
  EXPECT_EQ(client.retrieve(), SideInputResponse::broadcast("value-0"));
  EXPECT_EQ(client.retrieve(), SideInputResponse::no_broadcast());
  EXPECT_EQ(client.retrieve(), SideInputResponse::broadcast("value-2"));
  EXPECT_EQ(client.retrieve(), SideInputResponse::no_broadcast());
}

struct Alternating : SideInputRetriever {
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  SideInputResponse retrieve() override { return alternate(*calls); }
};

struct AsyncAlternating : AsyncSideInputRetriever {
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  Task<SideInputResponse> retrieve() override { co_return alternate(*calls); }
};

// The status a failed retrieve ended with.
grpc::Status failed_retrieve(std::string const& socket) {
  SideInputClient client{socket};
  try {
    client.retrieve();
  } catch (ProtocolError const& e) {
    return e.status();
  }
  ADD_FAILURE() << "the retrieve did not fail";
  return grpc::Status::OK;
}

void expect_udf_error(grpc::Status const& status) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("UDF_EXECUTION_ERROR("), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("boom"), std::string::npos) << status.error_message();
}

}  // namespace

TEST(SideInputSync, LambdaAlternatesBroadcastAndNoBroadcast) {
  test::Dirs dirs;
  std::atomic<int> calls{0};
  Server<SideInput, Sync> server{[&calls] { return alternate(calls); }, dirs.options("si.sock")};
  server.start();
  SideInputClient client{dirs / "si.sock"};
  expect_alternation(client);
  EXPECT_EQ(calls.load(), 4);
}

TEST(SideInputSync, ClassHandlerAndTheWireFields) {
  test::Dirs dirs;
  Alternating retriever;
  auto calls = retriever.calls;
  Server<SideInput, Sync> server{retriever, dirs.options("si.sock")};
  server.start();
  SideInputClient client{dirs / "si.sock"};
  // On the wire: a broadcast carries the value and no_broadcast=false; a skip an empty value.
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    sideinput::v1::SideInputResponse response;
    ASSERT_TRUE(client.stub().RetrieveSideInput(&context, google::protobuf::Empty{}, &response).ok());
    EXPECT_EQ(response.no_broadcast(), i == 1);
    EXPECT_EQ(response.value(), i == 0 ? "value-0" : "");
  }
  EXPECT_EQ(client.retrieve(), SideInputResponse::broadcast("value-2"));
  EXPECT_EQ(calls->load(), 3);
}

TEST(SideInputAsync, CoroutineLambdaAlternates) {
  test::Dirs dirs;
  std::atomic<int> calls{0};
  Server<SideInput, Async> server{[&calls]() -> Task<SideInputResponse> { co_return alternate(calls); },
                                  dirs.options("si.sock")};
  server.start();
  SideInputClient client{dirs / "si.sock"};
  expect_alternation(client);
}

TEST(SideInputAsync, ClassHandlerAlternates) {
  test::Dirs dirs;
  Server<SideInput, Async> server{AsyncAlternating{}, dirs.options("si.sock")};
  server.start();
  SideInputClient client{dirs / "si.sock"};
  expect_alternation(client);
}

TEST(SideInputSync, ConcurrentRetrievesAllAnswered) {
  test::Dirs dirs;
  std::atomic<int> calls{0};
  Server<SideInput, Sync> server{[&calls] { return alternate(calls); }, dirs.options("si.sock")};
  server.start();
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> broadcasts{0}, skips{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      SideInputClient client{dirs / "si.sock"};
      for (int i = 0; i < 10; ++i) (client.retrieve().skip ? skips : broadcasts).fetch_add(1);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(broadcasts.load(), 20);
  EXPECT_EQ(skips.load(), 20);
}

TEST(SideInputErrors, SyncHandlerThrows) {
  test::Dirs dirs;
  auto options = dirs.options("si.sock");
  Server<SideInput, Sync> server{[]() -> SideInputResponse { throw std::runtime_error("boom"); }, options};
  server.start();
  expect_udf_error(failed_retrieve(options.socket_path));
  EXPECT_EQ(server.wait(), 1);
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path{dirs.error_dir()} / "unknown-container"));
}

TEST(SideInputErrors, AsyncHandlerThrows) {
  test::Dirs dirs;
  auto options = dirs.options("si.sock");
  Server<SideInput, Async> server{[]() -> Task<SideInputResponse> {
                                    throw std::runtime_error("boom");
                                    co_return SideInputResponse{};
                                  },
                                  options};
  server.start();
  expect_udf_error(failed_retrieve(options.socket_path));
  EXPECT_EQ(server.wait(), 1);
}

TEST(SideInputServer, ServerInfoIsReadyAndDefaults) {
  test::Dirs dirs;
  auto options = dirs.options("si.sock");
  Server<SideInput, Sync> server{[] { return SideInputResponse::no_broadcast(); }, options};
  server.start();
  EXPECT_EQ(read_file(options.server_info_path),
            "{\"protocol\":\"uds\",\"language\":\"cpp\",\"minimum_numaflow_version\":\"1.4.0-z\",\"version\":\"0.1.0\","
            "\"metadata\":{}}U+005C__END__");
  EXPECT_TRUE(numaflow::testing::wait_until_ready<sideinput::v1::SideInput>(options.socket_path));
  EXPECT_TRUE(SideInputClient{options.socket_path}.is_ready());
  EXPECT_EQ(detail::Functionality<SideInput>::endpoint().socket_path, "/var/run/numaflow/sideinput.sock");
  EXPECT_EQ(detail::Functionality<SideInput>::endpoint().server_info_path, "/var/run/numaflow/sideinput-server-info");
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

// ---------------------------------------------------------------------------------------------
// The watcher, on real files laid out as the platform's synchronizer lays them out.

namespace {

// Publishes `value` like the platform: a new file <name>_<n>, a temp link to it renamed over
// <name>, the previous file removed.
class Publisher {
 public:
  Publisher(std::filesystem::path dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}

  void publish(std::string const& value) {
    namespace fs = std::filesystem;
    auto const n = std::to_string(++counter_);
    auto const file = dir_ / (name_ + "_" + n);
    {
      std::ofstream out(file, std::ios::binary);
      out << value;
    }
    auto const link = dir_ / name_;
    std::optional<fs::path> previous;
    if (fs::is_symlink(link)) previous = fs::read_symlink(link);
    auto const tmp = dir_ / (name_ + "_temp_" + n);
    fs::create_symlink(file, tmp);
    fs::rename(tmp, link);
    if (previous) fs::remove(*previous);
  }

 private:
  std::filesystem::path dir_;
  std::string name_;
  int counter_ = 0;
};

// Collects what a watcher delivers and waits (bounded) for a given count.
struct Deliveries {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> values;

  SideInputWatcher::Callback callback() {
    return [this](std::string const& value) {
      {
        std::lock_guard lock(mu);
        values.push_back(value);
      }
      cv.notify_all();
    };
  }

  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return values.size() >= count; });
  }

  std::vector<std::string> snapshot() {
    std::lock_guard lock(mu);
    return values;
  }
};

}  // namespace

TEST(SideInputFiles, ReadSideInputFollowsTheLinkAndMissingIsNullopt) {
  numaflow::testing::TempDir dir;
  EXPECT_EQ(read_side_input("myticker", dir.path().string()), std::nullopt);
  Publisher publisher{dir.path(), "myticker"};
  publisher.publish(std::string{"a\0b", 3});
  EXPECT_EQ(read_side_input("myticker", dir.path().string()), std::optional<std::string>(std::string{"a\0b", 3}));
  publisher.publish("");
  EXPECT_EQ(read_side_input("myticker", dir.path().string() + "/"), std::optional<std::string>(""));
  EXPECT_EQ(read_side_input("other", dir.path().string()), std::nullopt);
  EXPECT_STREQ(side_input_dir, "/var/numaflow/side-inputs");
}

TEST(SideInputFiles, WatcherDeliversTheCurrentValueThenEachChangeOnce) {
  numaflow::testing::TempDir dir;
  Publisher publisher{dir.path(), "myticker"};
  publisher.publish("first");
  Deliveries got;
  SideInputWatcher watcher{"myticker", got.callback(), dir.path().string()};
  // The current value is delivered before the constructor returns.
  EXPECT_EQ(got.snapshot(), std::vector<std::string>{"first"});
  EXPECT_EQ(watcher.latest(), std::optional<std::string>{"first"});

  publisher.publish("second");
  ASSERT_TRUE(got.wait_for(2)) << "the change was not delivered within 5 s";
  EXPECT_EQ(watcher.latest(), std::optional<std::string>{"second"});

  // The same value re-pointed to a new file is not delivered again; the next change is, right
  // after "second" (events are handled in order, so a duplicate would come before it).
  publisher.publish("second");
  publisher.publish("third");
  ASSERT_TRUE(got.wait_for(3));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(got.snapshot(), (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(watcher.latest(), std::optional<std::string>{"third"});

  auto const before = std::chrono::steady_clock::now();
  watcher.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  publisher.publish("after stop");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(got.snapshot().size(), 3u);
  watcher.stop();  // idempotent
}

TEST(SideInputFiles, WatcherWaitsForAValueAndForTheDirectory) {
  numaflow::testing::TempDir tmp;
  auto const dir = tmp.path() / "side-inputs";  // does not exist yet
  Deliveries got;
  SideInputWatcher watcher{"cfg", got.callback(), dir.string()};
  EXPECT_EQ(watcher.latest(), std::nullopt);
  EXPECT_TRUE(got.snapshot().empty());
  std::filesystem::create_directory(dir);
  Publisher publisher{dir, "cfg"};
  publisher.publish("v1");
  ASSERT_TRUE(got.wait_for(1)) << "the first value was not delivered within 5 s";
  EXPECT_EQ(got.snapshot(), std::vector<std::string>{"v1"});
  // A file written in place (not through a link) is read once it is closed.
  {
    std::ofstream out(dir / "plain", std::ios::binary);
    out << "in place";
  }
  Deliveries plain;
  SideInputWatcher plain_watcher{"plain", plain.callback(), dir.string()};
  EXPECT_EQ(plain.snapshot(), std::vector<std::string>{"in place"});
  {
    std::ofstream out(dir / "plain", std::ios::binary | std::ios::trunc);
    out << "rewritten";
  }
  ASSERT_TRUE(plain.wait_for(2));
  EXPECT_EQ(plain_watcher.latest(), std::optional<std::string>{"rewritten"});
}

TEST(SideInputFiles, DestructorReturnsPromptly) {
  numaflow::testing::TempDir dir;
  auto const before = std::chrono::steady_clock::now();
  {
    SideInputWatcher watcher{"x", [](std::string const&) {}, dir.path().string()};
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}
