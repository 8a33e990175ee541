// The shared runtime: server-info, handshakes, stream lifecycle, the error contract, start-up errors.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <mutex>
#include <set>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::MapClient;
using numaflow::testing::SinkClient;
using numaflow::testing::SourceTransformClient;

namespace {

Messages cat(Datum const& d) { return {Message{d}}; }

Datum value(std::string v) {
  Datum d;
  d.value = std::move(v);
  return d;
}

// The status a failed stream ended with, and the error file written for it.
void expect_udf_error(grpc::Status const& status, std::string const& error_dir, std::string const& text) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("UDF_EXECUTION_ERROR(unknown-container): "), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find(text), std::string::npos) << status.error_message();
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  EXPECT_EQ(rich.code(), 13);
  EXPECT_EQ(rich.message(), status.error_message());
  ASSERT_EQ(rich.details_size(), 1);
  EXPECT_EQ(rich.details(0).type_url(), "type.googleapis.com/google.rpc.DebugInfo");
  google::rpc::DebugInfo debug;
  ASSERT_TRUE(rich.details(0).UnpackTo(&debug));
  EXPECT_NE(debug.detail().find(text), std::string::npos);

  auto const dir = std::filesystem::path{error_dir} / "unknown-container";
  std::vector<std::filesystem::path> files;
  for (auto const& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].filename().string().ends_with("-udf.json")) << files[0];
  std::ifstream in(files[0]);
  std::string json{std::istreambuf_iterator<char>(in), {}};
  EXPECT_TRUE(json.starts_with("{\"container\":\"unknown-container\",\"timestamp\":")) << json;
  EXPECT_NE(json.find("\"code\":\"Internal error\""), std::string::npos) << json;
  EXPECT_NE(json.find(text), std::string::npos) << json;
  EXPECT_NE(json.find("\"details\":"), std::string::npos) << json;
}

std::string read_file(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(ServerInfo, MapWritesTheExactBytesThePlatformParses) {
  test::Dirs dirs;
  auto options = dirs.options("map.sock");
  Server<Map, Sync> server{cat, options};
  server.start();
  EXPECT_EQ(read_file(options.server_info_path),
            "{\"protocol\":\"uds\",\"language\":\"cpp\",\"minimum_numaflow_version\":\"1.4.0-z\",\"version\":\"0.1.0\","
            "\"metadata\":{\"MAP_MODE\":\"unary-map\"}}U+005C__END__");
  EXPECT_FALSE(std::filesystem::exists(options.server_info_path + ".tmp"));
}

TEST(ServerInfo, TransformAndSinkHaveEmptyMetadataAndTheirDefaults) {
  test::Dirs dirs;
  auto t = dirs.options("t.sock");
  Server<SourceTransform, Sync> transform{cat, t};
  transform.start();
  EXPECT_EQ(read_file(t.server_info_path),
            "{\"protocol\":\"uds\",\"language\":\"cpp\",\"minimum_numaflow_version\":\"1.4.0-z\",\"version\":\"0.1.0\","
            "\"metadata\":{}}U+005C__END__");
  auto s = dirs.options("s.sock");
  Server<Sink, Sync> sink{[](Datums const&) { return SinkResponses{}; }, s};
  sink.start();
  EXPECT_TRUE(read_file(s.server_info_path).ends_with("\"metadata\":{}}U+005C__END__"));
  EXPECT_EQ(detail::Functionality<Map>::endpoint().socket_path, "/var/run/numaflow/map.sock");
  EXPECT_EQ(detail::Functionality<Map>::endpoint().server_info_path, "/var/run/numaflow/mapper-server-info");
  EXPECT_EQ(detail::Functionality<SourceTransform>::endpoint().socket_path, "/var/run/numaflow/sourcetransform.sock");
  EXPECT_EQ(detail::Functionality<SourceTransform>::endpoint().server_info_path,
            "/var/run/numaflow/sourcetransformer-server-info");
}

TEST(ServerInfo, IsReadyAnswersTrueOnEveryService) {
  test::Dirs dirs;
  Server<Map, Sync> map{cat, dirs.options("m.sock")};
  Server<SourceTransform, Async> transform{[](Datum const& d) -> Task<Messages> { co_return Messages{Message{d}}; },
                                           dirs.options("t.sock")};
  Server<Sink, Sync> sink{[](Datums const&) { return SinkResponses{}; }, dirs.options("s.sock")};
  map.start();
  transform.start();
  sink.start();
  EXPECT_TRUE(numaflow::testing::wait_until_ready<map::v1::Map>(dirs / "m.sock"));
  EXPECT_TRUE(numaflow::testing::wait_until_ready<sourcetransformer::v1::SourceTransform>(dirs / "t.sock"));
  EXPECT_TRUE(numaflow::testing::wait_until_ready<sink::v1::Sink>(dirs / "s.sock"));
}

TEST(Handshake, DataBeforeHandshakeIsRejectedAndTheServerKeepsServing) {
  test::Dirs dirs;
  Server<Map, Sync> server{cat, dirs.options("map.sock")};
  server.start();
  auto stub = map::v1::Map::NewStub(numaflow::testing::connect(dirs / "map.sock"));
  {
    numaflow::testing::StreamClient<map::v1::MapRequest, map::v1::MapResponse> raw(
        [&](grpc::ClientContext* c) { return stub->MapFn(c); });
    raw.write(MapClient::request([] {
      Datum d;
      d.id = "1";
      return d;
    }()));
    EXPECT_FALSE(raw.read());
    auto status = raw.finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("handshake"), std::string::npos);
  }
  {
    numaflow::testing::StreamClient<map::v1::MapRequest, map::v1::MapResponse> raw(
        [&](grpc::ClientContext* c) { return stub->MapFn(c); });
    map::v1::MapRequest handshake;
    handshake.mutable_handshake()->set_sot(true);
    raw.write(handshake);
    ASSERT_TRUE(raw.read());
    raw.write(handshake);
    EXPECT_FALSE(raw.read());
    EXPECT_EQ(raw.finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  MapClient client{dirs / "map.sock"};
  EXPECT_EQ(client.map_one(value("still serving"))[0].value, "still serving");
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0) << "a client's protocol mistake is not a UDF error";
}

TEST(Handshake, SinkAndTransformRejectDataFirst) {
  test::Dirs dirs;
  Server<Sink, Sync> sink{[](Datums const&) { return SinkResponses{}; }, dirs.options("s.sock")};
  Server<SourceTransform, Sync> transform{cat, dirs.options("t.sock")};
  sink.start();
  transform.start();
  auto sink_stub = sink::v1::Sink::NewStub(numaflow::testing::connect(dirs / "s.sock"));
  numaflow::testing::StreamClient<sink::v1::SinkRequest, sink::v1::SinkResponse> s(
      [&](grpc::ClientContext* c) { return sink_stub->SinkFn(c); });
  s.write(SinkClient::eot());
  EXPECT_EQ(s.finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto transform_stub = sourcetransformer::v1::SourceTransform::NewStub(numaflow::testing::connect(dirs / "t.sock"));
  numaflow::testing::StreamClient<sourcetransformer::v1::SourceTransformRequest,
                                  sourcetransformer::v1::SourceTransformResponse>
      t([&](grpc::ClientContext* c) { return transform_stub->SourceTransformFn(c); });
  t.write(SourceTransformClient::request(value("x")));
  EXPECT_EQ(t.finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(StreamLifecycle, CancelledAndHalfClosedStreamsAreFollowedByNewOnes) {
  test::Dirs dirs;
  Server<Map, Sync> server{[](Datum const& d) {
                             std::this_thread::sleep_for(10ms);
                             return Messages{Message{d}};
                           },
                           dirs.options("map.sock")};
  server.start();
  {
    MapClient client{dirs / "map.sock"};
    Datums batch(50, value("x"));
    for (int i = 0; i < 50; ++i) batch[i].id = std::to_string(i);
    for (auto const& d : batch) client.stream().write(MapClient::request(d));
    client.stream().cancel();  // the platform's stream failed mid-flight
  }
  for (int round = 0; round < 3; ++round) {
    MapClient client{dirs / "map.sock"};
    EXPECT_EQ(client.map_one(value("again"))[0].value, "again");
    EXPECT_TRUE(client.close().ok());
  }
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

// Records how many handler calls ran at once: each call holds the probe for `hold`.
struct ConcurrencyProbe {
  std::atomic<int> running{0}, peak{0};
  void hold(std::chrono::milliseconds hold) {
    int const now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(hold);
    --running;
  }
};

TEST(Concurrency, SyncRunsHandlersInParallelOnTheWorkerPool) {
  test::Dirs dirs;
  auto options = dirs.options("map.sock");
  options.workers = 4;
  ConcurrencyProbe probe;
  Server<Map, Sync> server{[&](Datum const& d) {
                             probe.hold(20ms);
                             return Messages{Message{d}};
                           },
                           options};
  server.start();
  MapClient client{dirs / "map.sock"};
  Datums batch(40, value("x"));
  EXPECT_EQ(client.map(batch).size(), 40u);
  EXPECT_EQ(probe.peak.load(), 4);
}

// Fast handlers run on the gRPC thread (no hand-off); when the handler turns slow the calls go back
// to the worker pool within a few calls, so slow calls run side by side again.
TEST(Concurrency, SyncHandlerThatTurnsSlowRunsOnTheWorkersAgain) {
  test::Dirs dirs;
  auto options = dirs.options("map.sock");
  options.workers = 4;
  std::atomic<bool> slow{false};
  ConcurrencyProbe probe;
  Server<Map, Sync> server{[&](Datum const& d) {
                             if (!slow) return Messages{Message{d}};
                             probe.hold(20ms);
                             return Messages{Message{d}};
                           },
                           options};
  server.start();
  MapClient client{dirs / "map.sock"};
  EXPECT_EQ(client.map(Datums(2000, value("fast"))).size(), 2000u);
  slow = true;
  EXPECT_EQ(client.map(Datums(40, value("slow"))).size(), 40u);
  EXPECT_GE(probe.peak.load(), 3) << "slow calls must be spread over the workers again";
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

// With one worker thread, the threads that ran a fast handler show where it ran: the worker only
// (threshold 0: always handed off), or the worker and then the gRPC thread (the default).
static std::size_t threads_running_a_fast_handler(std::chrono::microseconds inline_threshold) {
  test::Dirs dirs;
  auto options = dirs.options("map.sock");
  options.workers = 1;
  options.inline_handler_threshold = inline_threshold;
  std::mutex threads_mu;
  std::set<std::thread::id> threads;
  Server<Map, Sync> server{[&](Datum const& d) {
                             std::lock_guard lock(threads_mu);
                             threads.insert(std::this_thread::get_id());
                             return Messages{Message{d}};
                           },
                           options};
  server.start();
  MapClient client{dirs / "map.sock"};
  EXPECT_EQ(client.map(Datums(500, value("x"))).size(), 500u);
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
  return threads.size();
}

TEST(Concurrency, SyncFastHandlerRunsInlineUnlessThresholdIsZero) {
  EXPECT_GE(threads_running_a_fast_handler(ServerOptions{}.inline_handler_threshold), 2u);
  EXPECT_EQ(threads_running_a_fast_handler(0us), 1u);
}

TEST(Concurrency, StreamsAreServedSideBySide) {
  test::Dirs dirs;
  Server<Map, Sync> server{cat, dirs.options("map.sock")};
  server.start();
  MapClient a{dirs / "map.sock"}, b{dirs / "map.sock"};
  EXPECT_EQ(a.map_one(value("a"))[0].value, "a");
  EXPECT_EQ(b.map_one(value("b"))[0].value, "b");
  EXPECT_EQ(a.map_one(value("a2"))[0].value, "a2");
}

template <class Make>
void expect_error_contract(Make make_and_drive) {
  test::Dirs dirs;
  auto options = dirs.options("udf.sock");
  options.shutdown_grace = 2s;
  auto [status, exit_code] = make_and_drive(options);
  expect_udf_error(status, dirs.error_dir(), "std::runtime_error: boom");
  EXPECT_EQ(exit_code, 1);
}

TEST(ErrorContract, MapSyncHandlerThrows) {
  expect_error_contract([](ServerOptions const& o) {
    Server<Map, Sync> server{[](Datum const&) -> Messages { throw std::runtime_error("boom"); }, o};
    server.start();
    MapClient client{o.socket_path};
    grpc::Status status;
    try {
      client.map_one(value("x"));
    } catch (numaflow::testing::ProtocolError const& e) {
      status = e.status();
    }
    return std::pair{status, server.wait()};
  });
}

TEST(ErrorContract, MapAsyncHandlerThrows) {
  expect_error_contract([](ServerOptions const& o) {
    Server<Map, Async> server{[](Datum const&) -> Task<Messages> {
                                throw std::runtime_error("boom");
                                co_return Messages{};
                              },
                              o};
    server.start();
    MapClient client{o.socket_path};
    grpc::Status status;
    try {
      client.map_one(value("x"));
    } catch (numaflow::testing::ProtocolError const& e) {
      status = e.status();
    }
    return std::pair{status, server.wait()};
  });
}

TEST(ErrorContract, TransformHandlerThrows) {
  expect_error_contract([](ServerOptions const& o) {
    Server<SourceTransform, Sync> server{[](Datum const&) -> Messages { throw std::runtime_error("boom"); }, o};
    server.start();
    SourceTransformClient client{o.socket_path};
    grpc::Status status;
    try {
      client.transform_one(value("x"));
    } catch (numaflow::testing::ProtocolError const& e) {
      status = e.status();
    }
    return std::pair{status, server.wait()};
  });
}

TEST(ErrorContract, SinkSyncAndAsyncHandlersThrow) {
  expect_error_contract([](ServerOptions const& o) {
    Server<Sink, Sync> server{[](Datums const&) -> SinkResponses { throw std::runtime_error("boom"); }, o};
    server.start();
    SinkClient client{o.socket_path};
    grpc::Status status;
    try {
      client.sink({value("x")});
    } catch (numaflow::testing::ProtocolError const& e) {
      status = e.status();
    }
    return std::pair{status, server.wait()};
  });
  expect_error_contract([](ServerOptions const& o) {
    Server<Sink, Async> server{[](Datums const&) -> Task<SinkResponses> {
                                 throw std::runtime_error("boom");
                                 co_return SinkResponses{};
                               },
                               o};
    server.start();
    SinkClient client{o.socket_path};
    grpc::Status status;
    try {
      client.sink({value("x")});
    } catch (numaflow::testing::ProtocolError const& e) {
      status = e.status();
    }
    return std::pair{status, server.wait()};
  });
}

TEST(ErrorContract, SinkMissingIdIsAnErrorNamingIt) {
  test::Dirs dirs;
  auto o = dirs.options("s.sock");
  Server<Sink, Sync> server{[](Datums const& batch) { return SinkResponses{SinkResponse::success(batch[0].id)}; }, o};
  server.start();
  SinkClient client{o.socket_path};
  Datums batch{value("a"), value("b")};
  batch[0].id = "first";
  batch[1].id = "second";
  try {
    client.sink(batch);
    FAIL() << "expected the stream to fail";
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_EQ(e.status().error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_NE(e.status().error_message().find("missing ids [\"second\"]"), std::string::npos)
        << e.status().error_message();
  }
  EXPECT_EQ(server.wait(), 1);
}

TEST(ErrorContract, NonStandardExceptionIsDescribed) {
  test::Dirs dirs;
  auto o = dirs.options("m.sock");
  Server<Map, Sync> server{[](Datum const&) -> Messages { throw 42; }, o};
  server.start();
  MapClient client{o.socket_path};
  try {
    client.map_one(value("x"));
    FAIL();
  } catch (numaflow::testing::ProtocolError const& e) {
    EXPECT_NE(e.status().error_message().find("non-standard exception of type int"), std::string::npos);
  }
  EXPECT_EQ(server.wait(), 1);
}

TEST(ErrorContract, PersistCriticalErrorRunsOnce) {
  test::Dirs dirs;
  auto path = persist_critical_error("", "disk full", "details here", dirs.error_dir());
  EXPECT_TRUE(std::filesystem::exists(path));
  auto json = read_file(path.string());
  EXPECT_NE(json.find("\"code\":\"Internal error\""), std::string::npos);
  EXPECT_NE(json.find("\"message\":\"disk full\""), std::string::npos);
  EXPECT_THROW(persist_critical_error("c", "m", "d", dirs.error_dir()), std::logic_error);
}

TEST(StartupErrors, PathsAreCheckedAndNamed) {
  test::Dirs dirs;
  auto expect_start_error = [](ServerOptions const& o, std::string const& fragment) {
    Server<Map, Sync> server{cat, o};
    try {
      server.start();
      ADD_FAILURE() << "expected start() to throw for " << fragment;
    } catch (std::runtime_error const& e) {
      EXPECT_NE(std::string{e.what()}.find(fragment), std::string::npos) << e.what();
    }
  };
  auto too_long = dirs.options("x.sock");
  too_long.socket_path = dirs / std::string(120, 'a');
  expect_start_error(too_long, "socket path is too long");
  auto missing_dir = dirs.options("x.sock");
  missing_dir.socket_path = dirs / "nope/x.sock";
  expect_start_error(missing_dir, "socket directory does not exist: " + (dirs / "nope"));
  auto missing_info_dir = dirs.options("x.sock");
  missing_info_dir.server_info_path = dirs / "nope/info";
  expect_start_error(missing_info_dir, "server-info directory does not exist: " + (dirs / "nope"));
  Server<Map, Sync> serve_fails{cat, too_long};
  EXPECT_EQ(serve_fails.serve(), 2);
}

TEST(StartupErrors, StaleSocketIsReplaced) {
  test::Dirs dirs;
  auto o = dirs.options("map.sock");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, o.socket_path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);  // leaves the socket file behind, as a crashed server would
  ASSERT_TRUE(std::filesystem::exists(o.socket_path));
  Server<Map, Sync> server{cat, o};
  server.start();
  EXPECT_EQ(MapClient{o.socket_path}.map_one(value("ok"))[0].value, "ok");
}

TEST(Limits, MessageOverSixtyFourMiBIsRefusedAndTheServerCarriesOn) {
  test::Dirs dirs;
  Server<Map, Sync> server{cat, dirs.options("map.sock")};
  server.start();
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(128 * 1024 * 1024);
  args.SetMaxReceiveMessageSize(128 * 1024 * 1024);
  auto channel = grpc::CreateCustomChannel("unix:" + (dirs / "map.sock"), grpc::InsecureChannelCredentials(), args);
  auto stub = map::v1::Map::NewStub(channel);
  {
    numaflow::testing::StreamClient<map::v1::MapRequest, map::v1::MapResponse> raw(
        [&](grpc::ClientContext* c) { return stub->MapFn(c); });
    numaflow::testing::send_handshake(raw);
    Datum huge;
    huge.id = "huge";
    huge.value.assign(std::size_t{65} * 1024 * 1024, 'x');
    raw.write(MapClient::request(huge));
    EXPECT_FALSE(raw.read());
    EXPECT_EQ(raw.finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  MapClient client{dirs / "map.sock"};
  Datum big;
  big.value.assign(std::size_t{60} * 1024 * 1024, 'y');  // under the limit: fine
  EXPECT_EQ(client.map_one(big).at(0).value.size(), big.value.size());
  EXPECT_TRUE(client.close().ok());
  server.stop();
  EXPECT_EQ(server.wait(), 0);
}

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
  EXPECT_EQ(idle.map_one(test::with_id("1", "fine"))[0].value, "fine");
  numaflow::testing::MapClient failing{dirs / "map.sock"};
  auto const start = std::chrono::steady_clock::now();
  EXPECT_THROW(failing.map_one(test::with_id("2", "boom")), numaflow::testing::ProtocolError);
  EXPECT_EQ(server.wait(), 1);
  auto const took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 10s) << "the 30 s grace period is not waited for after a handler error";
  idle.stream().cancel();
}

// MultiProc's readers hand the workers' answers to the engine through a mailbox: while the
// entrance is open they are delivered in order on the polling thread, where they join its burst;
// once it is closed (the server is draining), on the poster's own thread at once.
TEST(Engine, MailboxDeliversOnThePollingThreadWhileOpenAndInlineOnceClosed) {
  test::Dirs dirs;
  detail::CqEngine engine(1);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + (dirs / "engine.sock"), grpc::InsecureServerCredentials());
  engine.add_queues(builder);
  auto server = builder.BuildAndStart();
  ASSERT_TRUE(server);
  engine.start();

  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, std::thread::id>> delivered;
  detail::CqMailbox<int> mailbox([&](int& item) {
    std::lock_guard lock(mu);
    delivered.emplace_back(item, std::this_thread::get_id());
    cv.notify_all();
  });
  auto delivered_on = [&](std::size_t from, std::size_t to) {
    std::set<std::thread::id> threads;
    for (std::size_t i = from; i < to; ++i) {
      EXPECT_EQ(delivered[i].first, static_cast<int>(i)) << "in the order posted";
      threads.insert(delivered[i].second);
    }
    return threads;
  };
  detail::CqEntrance entrance;

  std::vector<int> items{0, 1, 2};
  mailbox.post(entrance, items);
  EXPECT_TRUE(items.empty());
  ASSERT_EQ(delivered.size(), 3u) << "a closed entrance delivers at once";
  EXPECT_EQ(delivered_on(0, 3), std::set{std::this_thread::get_id()});

  entrance.open(engine);
  constexpr int kPosted = 2000;
  std::thread poster([&] {
    for (int i = 3; i < kPosted; ++i) {
      std::vector<int> one{i};
      mailbox.post(entrance, one);
    }
  });
  auto const poster_id = poster.get_id();
  poster.join();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return delivered.size() == kPosted; })) << delivered.size();
  }
  auto const threads = delivered_on(3, kPosted);
  ASSERT_EQ(threads.size(), 1u) << "one polling thread";
  EXPECT_NE(*threads.begin(), poster_id);
  EXPECT_NE(*threads.begin(), std::this_thread::get_id());

  entrance.close();
  server->Shutdown();
  server->Wait();
  engine.stop();
}
