// Tests that need a real server process: SIGTERM drain, exit codes, MultiProc workers.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/hana/filter.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/unpack.hpp>
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <filesystem>
#include <iterator>
#include <set>

#include "support.hpp"

using namespace numaflow;
using namespace std::chrono_literals;
using numaflow::testing::AccumulatorClient;
using numaflow::testing::BatchMapClient;
using numaflow::testing::MapClient;
using numaflow::testing::MapStreamClient;
using numaflow::testing::ProtocolError;
using numaflow::testing::ReduceWindowClient;
using numaflow::testing::ServingStoreClient;
using numaflow::testing::SessionReduceClient;
using numaflow::testing::SideInputClient;
using numaflow::testing::SinkClient;
using numaflow::testing::SourceClient;
using numaflow::testing::SourceTransformClient;

// One case of the typed tests. Outside the anonymous namespace: the test names carry the type
// (e.g. HandlerThrows.InternalStatusPersistedErrorAndExitOne<TagPolicyPair<numaflow::Map,
// numaflow::Sync> >), and gtest_discover_tests only understands the numbered names of typed tests,
// not names made by a name generator.
template <class TagType, class PolicyType>
struct TagPolicyPair {
  using Tag = TagType;
  using Policy = PolicyType;
};

namespace {

namespace hana = boost::hana;

template <class Service>
bool ready(std::string const& socket) {
  return numaflow::testing::wait_until_ready<Service>(socket);
}

// How to start the fixture for one pair: its --tag and --policy, and how to tell it is ready.
struct Case {
  std::string tag;
  std::string policy;
  bool (*ready)(std::string const& socket);
};

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
    if (!c.ready(socket_)) throw std::runtime_error("the fixture server did not become ready");
  }
  std::string const& socket() const { return socket_; }
  test::Process& process() { return process_; }

 private:
  std::string socket_;
  test::Process process_;
};

Timestamp const first_event_time{1700000000, 0};

Datums numbered(int n) {
  Datums batch;
  for (int i = 0; i < n; ++i) {
    Datum d;
    d.id = "id-" + std::to_string(i);
    d.value = std::to_string(i);
    d.event_time = first_event_time;
    batch.push_back(std::move(d));
  }
  return batch;
}

// The windowed tags group datums by keys: every datum of these tests has the keys {"k"}.
Datums keyed(Datums batch) {
  for (auto& d : batch) d.keys = {"k"};
  return batch;
}

IntervalWindow const minute{first_event_time, Timestamp{first_event_time.seconds + 60, 0}};
KeyedWindow const session{first_event_time, Timestamp{first_event_time.seconds + 60, 0}, "0", {"k"}};

// The status an exchange failed with: the ProtocolError's or, when a write found the stream
// already ended by the server (the error then carries no status), the stream's own. OK when the
// exchange succeeded.
template <class Client, class Exchange>
grpc::Status failure_of(Client& client, Exchange exchange) {
  try {
    exchange(client);
  } catch (ProtocolError const& e) {
    if constexpr (requires { client.stream().finish(); })
      if (e.status().ok()) return client.stream().finish();
    return e.status();
  }
  return grpc::Status::OK;
}

// What SigtermDrain observes: how many datums were answered, and the status the stream closed
// with.
struct Drained {
  std::size_t answered = 0;
  grpc::Status closed;
};

// Per-request streams (map, transformer): every id answered once.
template <class Client>
Drained drain_per_request(std::string const& socket, Datums const& batch, test::Process& process) {
  Client client{socket};
  for (auto const& d : batch) client.stream().write(Client::request(d));
  process.signal(SIGTERM);
  std::set<std::string> answered;
  while (answered.size() < batch.size()) {
    auto response = client.stream().read();
    if (!response) break;
    answered.insert(response->id());
  }
  return {answered.size(), client.close()};
}

// One driver per tag: the service whose IsReady tells the fixture is up; failure(), one exchange
// as the platform makes it, returning the status it failed with; and drain(), for the tags whose
// requests can all be put in flight from the test's thread before the signal, the SIGTERM drain.
template <class Tag>
struct Driver;

template <>
struct Driver<Map> {
  using Service = map::v1::Map;
  static grpc::Status failure(std::string const& socket) {
    MapClient client{socket};
    return failure_of(client, [](auto& c) { c.map(numbered(3)); });
  }
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    return drain_per_request<MapClient>(socket, batch, process);
  }
};

template <>
struct Driver<SourceTransform> {
  using Service = sourcetransformer::v1::SourceTransform;
  static grpc::Status failure(std::string const& socket) {
    SourceTransformClient client{socket};
    return failure_of(client, [](auto& c) { c.transform(numbered(3)); });
  }
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    return drain_per_request<SourceTransformClient>(socket, batch, process);
  }
};

template <>
struct Driver<BatchMap> {
  using Service = map::v1::Map;
  static grpc::Status failure(std::string const& socket) {
    BatchMapClient client{socket};
    return failure_of(client, [](auto& c) { c.batch_map(numbered(3)); });
  }
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    BatchMapClient client{socket};
    for (auto const& d : batch) client.stream().write(MapClient::request(d));
    MapClient::Request eot;
    eot.mutable_status()->set_eot(true);
    client.stream().write(eot);
    process.signal(SIGTERM);
    std::set<std::string> answered;
    for (;;) {
      auto response = client.stream().read();
      if (!response || (response->has_status() && response->status().eot())) break;
      answered.insert(response->id());
    }
    return {answered.size(), client.close()};
  }
};

template <>
struct Driver<MapStream> {
  using Service = map::v1::Map;
  static grpc::Status failure(std::string const& socket) {
    MapStreamClient client{socket};
    return failure_of(client, [](auto& c) { c.map_stream(numbered(3)); });
  }
  // A datum counts as answered when its EOT arrives (after its one message).
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    MapStreamClient client{socket};
    for (auto const& d : batch) client.stream().write(MapClient::request(d));
    process.signal(SIGTERM);
    std::set<std::string> ended;
    while (ended.size() < batch.size()) {
      auto response = client.stream().read();
      if (!response) break;
      if (response->has_status() && response->status().eot()) ended.insert(response->id());
    }
    return {ended.size(), client.close()};
  }
};

template <>
struct Driver<Sink> {
  using Service = sink::v1::Sink;
  static grpc::Status failure(std::string const& socket) {
    SinkClient client{socket};
    return failure_of(client, [](auto& c) { c.sink(numbered(3)); });
  }
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    SinkClient client{socket};
    for (auto const& d : batch) client.stream().write(SinkClient::request(d));
    client.stream().write(SinkClient::eot());
    process.signal(SIGTERM);
    std::set<std::string> answered;
    for (;;) {
      auto response = client.stream().read();
      if (!response || (response->has_status() && response->status().eot())) break;
      for (auto const& r : response->results()) answered.insert(r.id());
    }
    return {answered.size(), client.close()};
  }
};

// No drain: a read is one call of the kit that returns once all of its records arrived, so the
// test's thread cannot signal while they are in flight.
template <>
struct Driver<Source> {
  using Service = source::v1::Source;
  static grpc::Status failure(std::string const& socket) {
    SourceClient client{socket};
    return failure_of(client, [](auto& c) { c.read(3); });
  }
};

// No drain for the unary calls: the test cannot tell when a call has reached the server, so its
// signal could come before the call instead of during it.
template <>
struct Driver<SideInput> {
  using Service = sideinput::v1::SideInput;
  static grpc::Status failure(std::string const& socket) {
    SideInputClient client{socket};
    return failure_of(client, [](auto& c) { c.retrieve(); });
  }
};

template <>
struct Driver<ServingStore> {
  using Service = serving::v1::ServingStore;
  static grpc::Status failure(std::string const& socket) {
    ServingStoreClient client{socket};
    return failure_of(client, [](auto& c) { c.put("request-1", {{"vertex", "0"}, {"vertex", "1"}}); });
  }
};

// Reduce and reduce stream: one stream per window, the window closed by the half-close. No drain
// for Reduce: reduce.v1 has no handshake and a reduce answers only when its window closes, so
// nothing tells the test that the server has taken the stream (a signal that overtakes the stream
// rightly has it refused), and all of its results come after the half-close, which is when the
// draining server may already be closing the connection (see ReduceStream's drain).
struct WindowDriver {
  using Service = reduce::v1::Reduce;
  static grpc::Status failure(std::string const& socket) {
    ReduceWindowClient client{socket, minute};
    return failure_of(client, [](auto& c) {
      for (auto const& d : keyed(numbered(3))) c.send(d);
      c.close_window();
    });
  }
};

template <>
struct Driver<Reduce> : WindowDriver {};

// A reduce stream answers each datum as it goes: its first result shows the server has the stream
// before the signal. Every result is read before the half-close, as the platform reads them: when
// the server ended the stream and exited while the client still had results to read, the client
// was seen to fail with "Broken pipe" instead of the stream's OK (about one run in twenty).
template <>
struct Driver<ReduceStream> : WindowDriver {
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    ReduceWindowClient client{socket, minute};
    for (auto const& d : keyed(batch)) client.send(d);
    Drained drained;
    drained.closed = failure_of(client, [&](auto& c) {
      if (c.next_result()) ++drained.answered;
      process.signal(SIGTERM);
      while (drained.answered < batch.size() && c.next_result()) ++drained.answered;
      drained.answered += c.close_window().size();
    });
    return drained;
  }
};

// Session reduce and accumulator: one long-lived stream for every key. The fixture answers each
// datum at once, so, as for a reduce stream, the first result shows the server has the stream and
// every result is read before the key is closed and the stream half-closed.
template <class Client>
Drained drain_keyed_stream(std::string const& socket, Datums const& batch, test::Process& process,
                           KeyedWindow const& open_window) {
  Client client{socket};
  auto const datums = keyed(batch);
  Drained drained;
  drained.closed = failure_of(client, [&](auto& c) {
    c.open(open_window, datums.front());
    for (auto it = datums.begin() + 1; it != datums.end(); ++it) c.append(open_window, *it);
    auto const answers = [&] {
      auto response = c.next();
      return response && !response->eof;
    };
    if (answers()) ++drained.answered;
    process.signal(SIGTERM);
    while (drained.answered < datums.size() && answers()) ++drained.answered;
    c.close(session);
    c.until_eofs(1);
    c.half_close();
  });
  return drained;
}

template <>
struct Driver<SessionReduce> {
  using Service = sessionreduce::v1::SessionReduce;
  static grpc::Status failure(std::string const& socket) {
    SessionReduceClient client{socket};
    return failure_of(client, [](auto& c) {
      auto const batch = keyed(numbered(3));
      c.open(session, batch.front());
      for (auto it = batch.begin() + 1; it != batch.end(); ++it) c.append(session, *it);
      c.close(session);
      c.until_eofs(1);
    });
  }
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    return drain_keyed_stream<SessionReduceClient>(socket, batch, process, session);
  }
};

template <>
struct Driver<Accumulator> {
  using Service = accumulator::v1::Accumulator;
  static grpc::Status failure(std::string const& socket) {
    AccumulatorClient client{socket};
    return failure_of(client, [](auto& c) {
      auto const batch = keyed(numbered(3));
      auto const open = AccumulatorClient::open_window({"k"}, first_event_time);
      c.open(open, batch.front());
      for (auto it = batch.begin() + 1; it != batch.end(); ++it) c.append(open, *it);
      c.close(session);
      c.until_eofs(1);
    });
  }
  static Drained drain(std::string const& socket, Datums const& batch, test::Process& process) {
    return drain_keyed_stream<AccumulatorClient>(socket, batch, process,
                                                 AccumulatorClient::open_window({"k"}, first_event_time));
  }
};

template <class Tag>
constexpr bool drains = requires {
  &Driver<Tag>::drain;
};

template <class P>
Case fixture_case() {
  return {P::Tag::name, P::Policy::name, &ready<typename Driver<typename P::Tag>::Service>};
}

// Every pair of the registry, as hana::type<TagPolicyPair<Tag, Policy>>: adding a tag or a policy
// to the registry adds its cases here.
constexpr auto registry_pairs = hana::flatten(hana::transform(detail::registry, [](auto entry) {
  using Tag = typename decltype(+hana::first(entry))::type;
  return hana::transform(hana::second(entry),
                         [](auto policy) { return hana::type_c<TagPolicyPair<Tag, typename decltype(policy)::type>>; });
}));

constexpr auto as_test_types = [](auto... pairs) {
  return hana::type_c<::testing::Types<typename decltype(pairs)::type...>>;
};

using RegistryPairs = typename decltype(hana::unpack(registry_pairs, as_test_types))::type;

constexpr auto drained_pairs =
    hana::filter(registry_pairs, [](auto pair) { return hana::bool_c<drains<typename decltype(pair)::type::Tag>>; });

using DrainedPairs = typename decltype(hana::unpack(drained_pairs, as_test_types))::type;

}  // namespace

template <class P>
class SigtermDrain : public ::testing::Test {};
TYPED_TEST_SUITE(SigtermDrain, DrainedPairs);

TYPED_TEST(SigtermDrain, FiveHundredInFlightAreAllAnsweredThenExitZero) {
  using Tag = typename TypeParam::Tag;
  test::Dirs dirs;
  UdfProcess udf{dirs, fixture_case<TypeParam>(), "slow", {"--delay-ms", "2", "--workers", "2", "--grace-ms", "15000"}};
  auto const start = std::chrono::steady_clock::now();
  auto const drained = Driver<Tag>::drain(udf.socket(), numbered(500), udf.process());
  EXPECT_EQ(drained.answered, 500u);
  EXPECT_TRUE(drained.closed.ok()) << drained.closed.error_message();
  EXPECT_EQ(udf.process().exit_code(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << "must exit within the grace period";
}

template <class P>
class HandlerThrows : public ::testing::Test {};
TYPED_TEST_SUITE(HandlerThrows, RegistryPairs);

TYPED_TEST(HandlerThrows, InternalStatusPersistedErrorAndExitOne) {
  using Tag = typename TypeParam::Tag;
  test::Dirs dirs;
  UdfProcess udf{dirs, fixture_case<TypeParam>(), "throw", {"--grace-ms", "2000"}};
  auto const status = Driver<Tag>::failure(udf.socket());
  ASSERT_FALSE(status.ok()) << "the exchange should have failed";
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

TEST(MultiProc, HandlersRunInTheWorkerProcesses) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"map", "multiproc", &ready<map::v1::Map>}, "pid", {"--workers", "2"}};
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
  UdfProcess udf{
      dirs, {"transform", "multiproc", &ready<sourcetransformer::v1::SourceTransform>}, "cat", {"--workers", "2"}};
  SourceTransformClient client{udf.socket()};
  auto results = client.transform(numbered(100));
  ASSERT_EQ(results.size(), 100u);
  EXPECT_EQ(results.at("id-42").at(0).value, "42");
  EXPECT_EQ(results.at("id-42").at(0).event_time, (Timestamp{1700000000, 0}));
}

// Frames travel to and from the workers in batches read in large pieces: many small requests and a
// few far larger than one piece (up to 20 MiB) share one stream, and each comes back intact.
TEST(MultiProc, SmallAndLargeRequestsInOneStreamEachComeBackIntact) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"map", "multiproc", &ready<map::v1::Map>}, "cat", {"--workers", "2"}};
  Datums batch = numbered(600);
  std::size_t const large[] = {300 * 1024, 1024 * 1024, 5 * 1024 * 1024, 20 * 1024 * 1024};
  for (std::size_t i = 0; i < std::size(large); ++i) {
    auto& d = batch.at(100 + 150 * i);
    d.value.assign(large[i], static_cast<char>('a' + i));
    d.value.back() = '$';
  }
  MapClient client{udf.socket()};
  auto results = client.map(batch);
  ASSERT_EQ(results.size(), batch.size());
  for (auto const& d : batch) {
    auto const& messages = results.at(d.id);
    ASSERT_EQ(messages.size(), 1u) << d.id;
    EXPECT_TRUE(messages.at(0).value == d.value)
        << d.id << ": " << messages.at(0).value.size() << " bytes back, " << d.value.size() << " sent";
  }
  EXPECT_TRUE(client.close().ok());
  udf.process().signal(SIGTERM);
  EXPECT_EQ(udf.process().exit_code(), 0);
}

TEST(MultiProc, CrashedWorkerIsReportedNeverSilent) {
  test::Dirs dirs;
  UdfProcess udf{dirs, {"map", "multiproc", &ready<map::v1::Map>}, "crash", {"--workers", "2", "--grace-ms", "2000"}};
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
  UdfProcess udf{dirs, {"map", "sync", &ready<map::v1::Map>}, "cat"};
  MapClient client{udf.socket()};
  EXPECT_EQ(client.map(numbered(10)).size(), 10u);
  udf.process().signal(SIGINT);
  EXPECT_EQ(client.map(numbered(10)).size(), 10u) << "the open stream keeps working after the signal";
  EXPECT_TRUE(client.close().ok());
  EXPECT_EQ(udf.process().exit_code(), 0);
}
