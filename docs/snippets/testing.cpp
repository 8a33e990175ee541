// Snippets of docs/testing.md (regions quoted verbatim; see map.cpp). Unlike the other snippets,
// these run: main() at the end of this file calls each test (CTest: docs.snippets_run).
#include <numaflow/numaflow.hpp>
#include <numaflow/testing.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace snippets::testing_map {
// snippet-begin: map
// The handler under test.
numaflow::Messages even_odd(numaflow::Datum const& d) {
  bool const even = !d.value.empty() && (d.value.back() - '0') % 2 == 0;
  return {numaflow::Message{d.value}.with_keys({even ? "even" : "odd"})};
}

bool even_odd_routes_by_parity() {
  numaflow::testing::TempDir dir;  // removed with its contents at the end of the scope
  numaflow::ServerOptions const options{.socket_path = dir / "map.sock", .server_info_path = dir / "server-info"};
  numaflow::Server<numaflow::Map, numaflow::Sync> server{numaflow::fn<&even_odd>, options};
  server.start();

  numaflow::Datum two;
  two.value = "2";
  numaflow::Datum three;
  three.value = "3";
  three.id = "my-id";  // datums without an id are numbered "0", "1", … by the client
  std::map<std::string, numaflow::Messages> results;
  {
    numaflow::testing::MapClient client{options.socket_path};  // handshakes like the platform
    results = client.map({two, three});                        // id → messages
  }
  server.stop();
  return server.wait() == 0 && results.at("0").at(0).keys == numaflow::Keys{"even"} &&
         results.at("my-id").at(0).keys == numaflow::Keys{"odd"};
}
// snippet-end
}  // namespace snippets::testing_map

namespace snippets::testing_errors {
// snippet-begin: errors
// A handler that throws ends the stream with INTERNAL, persists the error and stops the server
// with exit code 1.
bool a_throwing_handler_fails_the_stream() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions const options{
      .socket_path = dir / "map.sock", .server_info_path = dir / "server-info", .error_dir = dir / "errors"};
  auto reject = [](numaflow::Datum const&) -> numaflow::Messages { throw std::invalid_argument("no thanks"); };
  numaflow::Server<numaflow::Map, numaflow::Sync> server{reject, options};
  server.start();

  std::string message;
  try {
    numaflow::testing::MapClient client{options.socket_path};
    client.map_one(numaflow::Datum{});
  } catch (numaflow::testing::ProtocolError const& e) {
    // "UDF_EXECUTION_ERROR(<container>): std::invalid_argument: no thanks"
    if (e.status().error_code() == grpc::StatusCode::INTERNAL) message = e.status().error_message();
  }
  bool const persisted = !std::filesystem::is_empty(dir / "errors");  // <dir>/<container>/<ts>-udf.json
  return server.wait() == 1 && message.starts_with("UDF_EXECUTION_ERROR(") &&
         message.ends_with("std::invalid_argument: no thanks") && persisted;
}
// snippet-end
}  // namespace snippets::testing_errors

namespace snippets::testing_sink {
// snippet-begin: sink
bool sink_answers_every_datum() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions const options{.socket_path = dir / "sink.sock", .server_info_path = dir / "server-info"};
  auto keep_short = [](numaflow::Datums const& batch) {
    numaflow::SinkResponses out;
    for (auto const& d : batch)
      out.push_back(d.value.size() < 5 ? numaflow::SinkResponse::success(d.id)
                                       : numaflow::SinkResponse::failure(d.id, "too long"));
    return out;
  };
  numaflow::Server<numaflow::Sink, numaflow::Sync> server{keep_short, options};
  server.start();

  numaflow::SinkResponses responses;
  {
    numaflow::testing::SinkClient client{options.socket_path};
    numaflow::Datum a, b;
    a.value = "ok";
    b.value = "far too long";
    responses = client.sink({a, b});  // one batch and its EOT; checks one response per id
  }
  server.stop();
  if (server.wait() != 0 || responses.size() != 2) return false;
  for (auto const& r : responses)
    if (r.status != (r.id == "0" ? numaflow::SinkResponse::Status::success : numaflow::SinkResponse::Status::failure))
      return false;
  return true;
}
// snippet-end
}  // namespace snippets::testing_sink

namespace snippets::testing_reduce {
// snippet-begin: reduce
bool reduce_counts_a_window() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions const options{.socket_path = dir / "reduce.sock", .server_info_path = dir / "server-info"};
  auto count = [](numaflow::Keys const& keys, numaflow::Datums const& datums, numaflow::IntervalWindow const&) {
    return numaflow::Messages{numaflow::Message{std::to_string(datums.size()), keys}};
  };
  numaflow::Server<numaflow::Reduce, numaflow::Sync> server{count, options};
  server.start();

  numaflow::Messages results;
  {
    numaflow::IntervalWindow const window{numaflow::Timestamp::from_unix_millis(0),
                                          numaflow::Timestamp::from_unix_millis(60'000)};
    numaflow::testing::ReduceWindowClient client{options.socket_path, window};  // one stream = one window
    numaflow::Datum d;
    d.keys = {"k"};
    for (int i = 0; i < 3; ++i) client.send(d);  // OPEN, then APPEND
    results = client.close_window();             // half-close; the results up to the EOF
  }
  server.stop();
  return server.wait() == 0 && results.size() == 1 && results[0].value == "3";
}
// snippet-end
}  // namespace snippets::testing_reduce

namespace snippets::testing_sessionreduce {
// snippet-begin: sessionreduce
// Counts the datums of each session; merged sessions add their counts.
struct SessionCount : numaflow::SessionReducer {
  long count = 0;
  void on_datum(numaflow::Keys const&, numaflow::Datum const&, numaflow::MessageEmitter&) override { ++count; }
  void on_close(numaflow::Keys const& keys, numaflow::MessageEmitter& out) override {
    out.emit(numaflow::Message{std::to_string(count)}.with_keys(keys));
  }
  std::string accumulator() override { return std::to_string(count); }
  void merge_accumulator(std::string const& other) override { count += std::stol(other); }
};

bool merged_sessions_add_their_counts() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions const options{.socket_path = dir / "session.sock", .server_info_path = dir / "server-info"};
  numaflow::Server<numaflow::SessionReduce, numaflow::Sync> server{SessionCount{}, options};
  server.start();

  auto const ms = numaflow::Timestamp::from_unix_millis;
  numaflow::KeyedWindow const early{ms(0), ms(10'000), "0", {"k"}}, late{ms(5'000), ms(20'000), "0", {"k"}},
      joined{ms(0), ms(20'000), "0", {"k"}};
  numaflow::Datum d;
  d.keys = {"k"};
  std::vector<numaflow::testing::SessionReduceResponse> responses;
  {
    numaflow::testing::SessionReduceClient client{options.socket_path};  // one stream for every key
    client.open(early, d);
    client.open(late, d);
    client.append(late, d);
    client.merge({late, early});  // one session now: [0, 20 s)
    client.close(joined);
    responses = client.until_eofs(1);  // the session's messages, then its EOF
  }
  server.stop();
  return server.wait() == 0 && responses.size() == 2 && responses[0].result->value == "3" &&
         responses[0].window == joined && responses[1].eof;
}
// snippet-end
}  // namespace snippets::testing_sessionreduce

namespace snippets::testing_accumulator {
// snippet-begin: accumulator
// Emits the datums in event-time order as the watermark passes them.
struct Sorter : numaflow::AccumulatorHandler {
  std::multimap<numaflow::Timestamp, numaflow::Datum> held;
  void on_datum(numaflow::Datum const& d, numaflow::AccumulatorEmitter& out) override {
    held.emplace(d.event_time, d);
    while (!held.empty() && held.begin()->first <= d.watermark) {
      out.emit(numaflow::AccumulatorOutput{held.begin()->second});
      held.erase(held.begin());
    }
  }
  void on_close(numaflow::AccumulatorEmitter& out) override {
    for (auto const& [event_time, d] : held) out.emit(numaflow::AccumulatorOutput{d});
    held.clear();
  }
};

bool accumulator_sorts_by_event_time() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions const options{.socket_path = dir / "acc.sock", .server_info_path = dir / "server-info"};
  numaflow::Server<numaflow::Accumulator, numaflow::Sync> server{Sorter{}, options};
  server.start();

  auto const ms = numaflow::Timestamp::from_unix_millis;
  auto datum = [&](std::int64_t event_ms, std::int64_t watermark_ms) {
    numaflow::Datum d;
    d.keys = {"k"};
    d.value = d.id = "e" + std::to_string(event_ms);  // an output keeps its datum's id
    d.event_time = ms(event_ms);
    d.watermark = ms(watermark_ms);
    return d;
  };
  std::vector<std::string> values;
  {
    numaflow::testing::AccumulatorClient client{options.socket_path};
    auto const open = numaflow::testing::AccumulatorClient::open_window({"k"});  // as the platform sends it
    client.open(open, datum(30, 0));
    client.append(open, datum(10, 5));
    client.append(open, datum(20, 25));          // the watermark passed 10 and 20
    client.close({ms(0), ms(100), "0", {"k"}});  // on_close emits 30
    for (auto const& r : client.until_eofs(1))
      if (r.result) values.push_back(r.result->value);
  }
  server.stop();
  return server.wait() == 0 && values == std::vector<std::string>{"e10", "e20", "e30"};
}
// snippet-end
}  // namespace snippets::testing_accumulator

namespace snippets::testing_fail_trace {
// snippet-begin: fail-trace
// A FAIL comes back like any message (is_fail()), and a test datum can carry what the platform
// writes into system metadata, such as the trace context.
bool retries_and_traces() {
  numaflow::testing::TempDir dir;
  numaflow::ServerOptions const options{.socket_path = dir / "map.sock", .server_info_path = dir / "server-info"};
  auto handler = [](numaflow::Datum const& d) {
    if (d.value == "dependency down") return numaflow::Messages{numaflow::Message::to_fail()};
    auto const tc = d.trace_context();
    return numaflow::Messages{numaflow::Message{tc ? tc->trace_id : "untraced"}};
  };
  numaflow::Server<numaflow::Map, numaflow::Sync> server{handler, options};
  server.start();

  numaflow::Datum down, traced;
  down.value = "dependency down";
  traced.system_metadata.add(numaflow::Datum::tracing_udf_group, "traceparent",
                             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  std::map<std::string, numaflow::Messages> results;
  {
    numaflow::testing::MapClient client{options.socket_path};
    results = client.map({down, traced});
  }
  server.stop();
  return server.wait() == 0 && results.at("0").at(0).is_fail() &&
         results.at("1").at(0).value == "4bf92f3577b34da6a3ce929d0e0e4736";
}
// snippet-end
}  // namespace snippets::testing_fail_trace

int main() {
  struct Case {
    char const* name;
    bool (*run)();
  };
  Case const cases[] = {
      {"even_odd_routes_by_parity", snippets::testing_map::even_odd_routes_by_parity},
      {"a_throwing_handler_fails_the_stream", snippets::testing_errors::a_throwing_handler_fails_the_stream},
      {"sink_answers_every_datum", snippets::testing_sink::sink_answers_every_datum},
      {"reduce_counts_a_window", snippets::testing_reduce::reduce_counts_a_window},
      {"retries_and_traces", snippets::testing_fail_trace::retries_and_traces},
      {"merged_sessions_add_their_counts", snippets::testing_sessionreduce::merged_sessions_add_their_counts},
      {"accumulator_sorts_by_event_time", snippets::testing_accumulator::accumulator_sorts_by_event_time},
  };
  int failures = 0;
  for (auto const& c : cases) {
    bool ok = false;
    try {
      ok = c.run();
    } catch (std::exception const& e) {
      std::fprintf(stderr, "%s: %s\n", c.name, e.what());
    }
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", c.name);
    failures += ok ? 0 : 1;
  }
  return failures == 0 ? 0 : 1;
}
