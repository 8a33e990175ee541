// numaflow-drive: sends a few values to a running numaflow-cpp (or any Numaflow SDK) server over
// its Unix socket, as the platform would, and prints what came back — one line per result.
//
//   numaflow-drive map|transform|sink --socket PATH [--int] [--keys k1,k2] [--event-time-ms N] VALUE...
//
// Each VALUE is one datum (ids 0, 1, …). With --int each VALUE is a decimal unsigned integer sent
// as 8 bytes little-endian, and 8-byte result values are printed back as integers. The datum's
// event time is --event-time-ms (default: now). Exit code: 0 on success, 1 when the server is not
// ready within 10 s or the exchange fails, 2 on a usage error.

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <numaflow/numaflow.hpp>
#include <numaflow/testing/map.hpp>
#include <numaflow/testing/sink.hpp>
#include <numaflow/testing/sourcetransform.hpp>
#include <numaflow/testing/stream_client.hpp>

#include "example_format.hpp"

namespace {

constexpr char const* usage_text =
    "usage: numaflow-drive map|transform|sink --socket PATH [--int] [--keys k1,k2] [--event-time-ms N] VALUE...\n"
    "  map|transform|sink   the server's kind (map.v1.Map, sourcetransformer.v1.SourceTransform, sink.v1.Sink)\n"
    "  --socket PATH        the server's Unix socket (required)\n"
    "  --int                VALUEs are decimal unsigned integers sent as 8-byte little-endian values\n"
    "  --keys k1,k2         keys of every datum (default: none)\n"
    "  --event-time-ms N    event time of every datum, milliseconds since the Unix epoch (default: now)\n"
    "Sends each VALUE as one datum (ids 0, 1, ...) and prints one line per result, in input order.\n";

[[noreturn]] void usage_error(std::string const& problem) {
  std::fprintf(stderr, "numaflow-drive: %s\n%s", problem.c_str(), usage_text);
  std::exit(2);
}

struct Options {
  std::string kind;
  std::string socket;
  bool as_int = false;
  numaflow::Keys keys;
  std::optional<std::int64_t> event_time_ms;
  std::vector<std::string> values;
};

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  auto const* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc{} && ptr == end;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  std::size_t start = 0;
  for (;;) {
    auto const pos = text.find(sep, start);
    parts.emplace_back(text.substr(start, pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

Options parse(int argc, char** argv) {
  Options o;
  bool only_values = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto next = [&]() -> std::string_view {
      if (i + 1 >= argc) usage_error("missing value for " + std::string{arg});
      return argv[++i];
    };
    if (!only_values && (arg == "--help" || arg == "-h")) {
      std::fputs(usage_text, stdout);
      std::exit(0);
    } else if (!only_values && arg == "--") {
      only_values = true;
    } else if (!only_values && arg == "--socket") {
      o.socket = next();
    } else if (!only_values && arg == "--int") {
      o.as_int = true;
    } else if (!only_values && arg == "--keys") {
      o.keys = split(next(), ',');
    } else if (!only_values && arg == "--event-time-ms") {
      std::int64_t ms = 0;
      auto text = next();
      if (!parse_int(text, ms)) usage_error("bad value for --event-time-ms: \"" + std::string{text} + "\"");
      o.event_time_ms = ms;
    } else if (!only_values && arg.starts_with("--")) {
      usage_error("unknown argument \"" + std::string{arg} + "\"");
    } else if (o.kind.empty()) {
      o.kind = arg;
    } else {
      o.values.emplace_back(arg);
    }
  }
  if (o.kind != "map" && o.kind != "transform" && o.kind != "sink")
    usage_error(o.kind.empty() ? "missing map|transform|sink" : "unknown kind \"" + o.kind + "\"");
  if (o.socket.empty()) usage_error("--socket PATH is required");
  if (o.values.empty()) usage_error("no VALUE to send");
  return o;
}

std::string encode_u64_le(std::uint64_t n) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xffu);
  return bytes;
}

// A value as printed: "text", or the integer for an 8-byte value under --int.
std::string show_value(std::string_view value, bool as_int) {
  if (as_int && value.size() == 8) {
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(value[static_cast<std::size_t>(i)]);
    return std::to_string(n);
  }
  return "\"" + example::escaped(value) + "\"";
}

char const* status_name(numaflow::SinkResponse::Status s) {
  using S = numaflow::SinkResponse::Status;
  switch (s) {
    case S::success: return "success";
    case S::failure: return "failure";
    case S::fallback: return "fallback";
    case S::serve: return "serve";
    case S::on_success: return "on_success";
    case S::nack: return "nack";
  }
  return "unknown";
}

void print_messages(std::string const& id, numaflow::Messages const& messages, bool as_int, bool with_event_time) {
  if (messages.empty()) std::printf("id=%s no messages\n", id.c_str());
  for (auto const& m : messages) {
    std::string line = "id=" + id + " value=" + show_value(m.value, as_int) + " keys=" + example::list(m.keys) +
                       " tags=" + example::list(m.tags);
    if (with_event_time)
      line += " event_time=" + (m.event_time ? numaflow::to_rfc3339(*m.event_time) : std::string{"none"});
    std::printf("%s\n", line.c_str());
  }
}

void print_sink_response(numaflow::SinkResponse const& r, bool as_int) {
  std::string line = "id=" + r.id + " status=" + status_name(r.status);
  if (!r.error.empty()) line += " error=\"" + example::escaped(r.error) + "\"";
  if (r.serve_payload) line += " serve=" + show_value(*r.serve_payload, as_int);
  if (r.on_success_message)
    line += " on_success_value=" + show_value(r.on_success_message->value, as_int) +
            " on_success_keys=" + example::list(r.on_success_message->keys);
  std::printf("%s\n", line.c_str());
}

// Waits up to 10 s in all: first for the socket file, then for IsReady. Polling the file first
// matters: a gRPC connect that fails because the socket does not exist yet puts the channel into
// reconnect backoff, and the first successful call then comes only ~5 s later.
template <class Service>
void wait_ready(std::string const& socket) {
  using clock = std::chrono::steady_clock;
  auto const deadline = clock::now() + std::chrono::seconds{10};
  struct stat st {};
  while (::stat(socket.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    if (clock::now() >= deadline) throw std::runtime_error("no server socket at " + socket + " within 10 s");
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  if (!numaflow::testing::wait_until_ready<Service>(socket, std::max(left, std::chrono::milliseconds{100})))
    throw std::runtime_error("the server at " + socket + " did not answer IsReady within 10 s");
}

void check_closed(grpc::Status const& status) {
  if (!status.ok())
    throw std::runtime_error("the server ended the stream with status " + std::to_string(status.error_code()) + ": " +
                             status.error_message());
}

int run(Options const& o) {
  numaflow::Datums datums;
  auto const event_time =
      o.event_time_ms ? numaflow::Timestamp::from_unix_millis(*o.event_time_ms) : numaflow::Timestamp::now();
  for (std::size_t i = 0; i < o.values.size(); ++i) {
    numaflow::Datum d;
    d.id = std::to_string(i);
    d.keys = o.keys;
    d.event_time = event_time;
    d.watermark = event_time;
    if (o.as_int) {
      std::uint64_t n = 0;
      if (!parse_int(o.values[i], n)) usage_error("--int: \"" + o.values[i] + "\" is not an unsigned 64-bit integer");
      d.value = encode_u64_le(n);
    } else {
      d.value = o.values[i];
    }
    datums.push_back(std::move(d));
  }

  if (o.kind == "map") {
    wait_ready<map::v1::Map>(o.socket);
    numaflow::testing::MapClient client{o.socket};
    auto results = client.map(datums);
    for (auto const& d : datums) print_messages(d.id, results.at(d.id), o.as_int, false);
    check_closed(client.close());
  } else if (o.kind == "transform") {
    wait_ready<sourcetransformer::v1::SourceTransform>(o.socket);
    numaflow::testing::SourceTransformClient client{o.socket};
    auto results = client.transform(datums);
    for (auto const& d : datums) print_messages(d.id, results.at(d.id), o.as_int, true);
    check_closed(client.close());
  } else {
    wait_ready<sink::v1::Sink>(o.socket);
    numaflow::testing::SinkClient client{o.socket};
    auto responses = client.sink(datums);
    std::map<std::string, numaflow::SinkResponse> by_id;
    for (auto& r : responses) by_id.emplace(r.id, std::move(r));
    for (auto const& d : datums) print_sink_response(by_id.at(d.id), o.as_int);
    check_closed(client.close());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options const options = parse(argc, argv);
  try {
    return run(options);
  } catch (std::exception const& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "numaflow-drive: error: %s\n", e.what());
    return 1;
  }
}
