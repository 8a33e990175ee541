// libFuzzer target: arbitrary bytes, decoded as a sequence of client actions on the real gRPC
// streams of in-process numaflow-cpp servers (one per functionality and policy, Sync and, where the
// functionality offers it, Async; started once per process on Unix sockets in a temp dir).
//
// Input format (tests/fuzz/README.md): byte 0 picks the service (map, batchmap, mapstream,
// sourcetransform, sink, source read, source ack, source unary, reduce, reducestream,
// sessionreduce, accumulator: byte 0 % 12) and the policy of its server (Async when byte 0 / 12 is
// odd and the functionality offers Async, else Sync); every following byte starts one action —
// handshake (sot true or false), a data request built from the next bytes (ids from a small pool
// so they repeat, empty and repeated keys, odd timestamps: unset, -1 ms, far future, INT64
// extremes, out-of-range nanos, raw bytes), an EOT, a request parsed from raw bytes, an empty
// request, a window operation with any event number and any number of windows, half-close,
// cancel, a second concurrent stream, …
//
// Invariants (a violation aborts, so libFuzzer keeps the input):
//  - nothing crashes (ASan/UBSan) and every stream ends within kStreamDeadline after the client
//    half-closed, with OK, INVALID_ARGUMENT, or CANCELLED after a client cancel — never INTERNAL:
//    the handlers here never throw, so the error contract (which stops the server) must not fire;
//  - a handshaking stream answers the handshake first and only once;
//  - for a stream that followed the protocol and ended OK, the responses match the requests
//    (one per map/transform request, an EOT per batch or per mapstream/read request, one ack
//    response per ack request, the ids answered are the ids sent);
//  - every server still answers IsReady afterwards and none has stopped.
//
//   fuzz_protocol [libFuzzer flags] [corpus dirs]
//   fuzz_protocol --write-seeds <dir>     writes the hand-made seed corpus
#include <numaflow/numaflow.hpp>
#include <numaflow/testing/stream_client.hpp>

#include <grpcpp/grpcpp.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace numaflow;

constexpr auto kStreamDeadline = 10s;
constexpr std::size_t kMaxActions = 96;
constexpr std::size_t kMaxStreams = 3;

bool verbose() {
  static bool const on = std::getenv("FUZZ_VERBOSE") != nullptr;
  return on;
}

// The policy of the server the current input drives (set by run_one).
char const* g_policy = Sync::name;

[[noreturn]] void violation(char const* service, std::string const& what) {
  std::fprintf(stderr, "\nfuzz_protocol: INVARIANT VIOLATED (%s, %s server): %s\n", service, g_policy, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// ---------------------------------------------------------------- the servers

// Handlers that never throw and use the SDK's value types the way users do (timestamps printed
// and converted, keys copied, metadata kept).
std::string describe_time(Timestamp t) {
  volatile auto ms = t.unix_millis();
  (void)ms;
  volatile auto tp = t.time_point().time_since_epoch().count();
  (void)tp;
  return to_rfc3339(t);
}

Messages map_handler(Datum const& d) {
  Messages out;
  if (d.value.empty()) return out;  // filter
  auto m = Message{d.value + "@" + describe_time(d.event_time)}.with_keys(d.keys);
  if (d.value[0] == 'd') return {Message::to_drop()};
  // Tags are proto3 strings: valid UTF-8 only (a handler that emits invalid UTF-8 there makes a
  // response the client cannot parse; that is the handler's mistake, see README.md).
  if (d.value[0] == 't') m.with_tags({"tag", std::to_string(d.value.size())});
  m.with_user_metadata(d.user_metadata);
  out.push_back(std::move(m));
  if (d.value.size() > 3) out.push_back(Message{describe_time(d.watermark)});
  return out;
}

Messages transform_handler(Datum const& d) {
  if (!d.value.empty() && d.value[0] == 'd') return {Message::to_drop(d.event_time)};
  return {Message{d.value}.with_keys(d.keys).with_event_time(d.watermark < d.event_time ? d.event_time : d.watermark)};
}

BatchResponses batch_handler(Datums const& batch) {
  BatchResponses out;
  for (auto const& d : batch) out.emplace_back(d.id, map_handler(d));
  return out;
}

struct StreamHandler : MapStreamer {
  void handle(Datum const& d, MessageEmitter& out) override {
    for (std::size_t i = 0; i < d.value.size() % 4; ++i) out.emit(Message{d.value}.with_keys(d.keys));
  }
};

SinkResponses sink_handler(Datums const& batch) {
  SinkResponses out;
  for (auto const& d : batch) {
    (void)describe_time(d.event_time);
    char const c = d.value.empty() ? 's' : d.value[0];
    switch (c) {
      case 'f': out.push_back(SinkResponse::failure(d.id, "no")); break;
      case 'b': out.push_back(SinkResponse::fallback(d.id)); break;
      case 'v': out.push_back(SinkResponse::serve(d.id, d.value)); break;
      case 'o': out.push_back(SinkResponse::on_success(d.id)); break;
      case 'n': out.push_back(SinkResponse::nack(d.id)); break;
      default: out.push_back(SinkResponse::success(d.id));
    }
  }
  return out;
}

class FuzzSource final : public Sourcer {
 public:
  void read(ReadRequest const& request, SourceEmitter& out) override {
    auto const n = std::min<std::uint64_t>(request.count, 3);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto const next = state_->next++;
      SourceMessage m;
      m.value = "v" + std::to_string(next);
      m.offset = Offset{std::to_string(next)};
      m.keys = {"k"};
      out.emit(std::move(m));
    }
  }
  void ack(std::vector<Offset> const& offsets) override { state_->acked += offsets.size(); }
  void nack(std::vector<NackedOffset> const& offsets) override { state_->acked -= offsets.size(); }
  std::int64_t pending() override { return static_cast<std::int64_t>(state_->next % 7) - 1; }

 private:
  struct State {
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> acked{0};  // wraps around freely
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

Messages reduce_handler(Keys const& keys, Datums const& datums, IntervalWindow const& w) {
  return {Message{std::to_string(datums.size()) + " " + describe_time(w.start) + " " + describe_time(w.end)}.with_keys(
      keys)};
}

struct ReduceStreamHandler : ReduceStreamer {
  std::size_t n = 0;
  void on_datum(Keys const& keys, Datum const& d, IntervalWindow const&, MessageEmitter& out) override {
    if (++n % 2 == 0) out.emit(Message{d.value}.with_keys(keys));
  }
  void on_close(Keys const& keys, IntervalWindow const& w, MessageEmitter& out) override {
    out.emit(Message{std::to_string(n) + describe_time(w.end)}.with_keys(keys));
  }
};

struct SessionHandler : SessionReducer {
  std::uint64_t count = 0;
  void on_datum(Keys const& keys, Datum const& d, MessageEmitter& out) override {
    ++count;
    if (!d.value.empty() && d.value[0] == 'e') out.emit(Message{d.value}.with_keys(keys));
  }
  void on_close(Keys const& keys, MessageEmitter& out) override {
    out.emit(Message{std::to_string(count)}.with_keys(keys));
  }
  std::string accumulator() override { return std::to_string(count); }
  void merge_accumulator(std::string const& accumulator) override {
    std::uint64_t other = 0;
    for (char c : accumulator)
      if (c >= '0' && c <= '9') other = other * 10 + static_cast<std::uint64_t>(c - '0');
    count += other;
  }
};

struct AccumulatorHandlerImpl : AccumulatorHandler {
  std::vector<Datum> held;
  void on_datum(Datum const& d, AccumulatorEmitter& out) override {
    (void)describe_time(d.event_time);
    held.push_back(d);
    if (held.size() >= 2) {
      for (auto const& h : held) out.emit(AccumulatorOutput{h});
      held.clear();
    }
  }
  void on_close(AccumulatorEmitter& out) override {
    for (auto const& h : held) out.emit(AccumulatorOutput{h});
    held.clear();
  }
};

// The Async servers' handlers: the Sync handlers' answers, around suspensions like a handler
// awaiting I/O. The value picks how a coroutine suspends, so inputs reach every resumption path:
// not at all (empty), through the executor's queue (possibly resumed on the other worker thread),
// or on a timer that lets the stream's other requests overtake it.
Task<void> suspend_like_io(std::string_view value) {
  if (value.empty()) co_return;
  auto executor = co_await boost::asio::this_coro::executor;
  if (value.size() % 3 == 1) {
    boost::asio::steady_timer timer{executor, 1ms};
    co_await timer.async_wait(boost::asio::use_awaitable);
  } else {
    co_await boost::asio::post(executor, boost::asio::use_awaitable);
  }
}

Task<Messages> async_map_handler(Datum const& d) {
  co_await suspend_like_io(d.value);
  co_return map_handler(d);
}

Task<Messages> async_transform_handler(Keys const&, Datum const& d) {
  co_await suspend_like_io(d.value);
  co_return transform_handler(d);
}

std::string_view first_value(Datums const& batch) { return batch.empty() ? std::string_view{} : batch.front().value; }

Task<BatchResponses> async_batch_handler(Datums const& batch) {
  co_await suspend_like_io(first_value(batch));
  co_return batch_handler(batch);
}

Task<SinkResponses> async_sink_handler(Datums const& batch) {
  co_await suspend_like_io(first_value(batch));
  co_return sink_handler(batch);
}

struct AsyncStreamHandler : AsyncMapStreamer {
  Task<void> handle(Datum const& d, MessageEmitter& out) override {
    for (std::size_t i = 0; i < d.value.size() % 4; ++i) {
      out.emit(Message{d.value}.with_keys(d.keys));
      co_await suspend_like_io(d.value);
    }
  }
};

class AsyncFuzzSource final : public AsyncSourcer {
 public:
  Task<void> read(ReadRequest const& request, SourceEmitter& out) override {
    co_await suspend_like_io(request.count % 2 ? "y" : "");
    sync_.read(request, out);
  }
  Task<void> ack(std::vector<Offset> const& offsets) override {
    co_await suspend_like_io(offsets.empty() ? std::string_view{} : std::string_view{offsets.front().value});
    sync_.ack(offsets);
  }
  Task<void> nack(std::vector<NackedOffset> const& offsets) override {
    co_await suspend_like_io(offsets.empty() ? "" : "y");
    sync_.nack(offsets);
  }
  Task<std::int64_t> pending() override {
    co_await suspend_like_io("y");
    co_return sync_.pending();
  }

 private:
  FuzzSource sync_;
};

// Reads until the window closes, or returns early at a value starting with 'q' (the datums still
// queued and still to come must not keep the window open).
Task<Messages> async_reduce_handler(Keys const& keys, DatumStream& datums, IntervalWindow const& w) {
  Datums seen;
  while (auto d = co_await datums.next()) {
    if (!d->value.empty() && d->value[0] == 'q') break;
    co_await suspend_like_io(d->value);
    seen.push_back(std::move(*d));
  }
  co_return reduce_handler(keys, seen, w);
}

Task<void> async_reduce_stream_handler(Keys const& keys, DatumStream& datums, IntervalWindow const& w,
                                       MessageEmitter& out) {
  std::size_t n = 0;
  while (auto d = co_await datums.next()) {
    if (!d->value.empty() && d->value[0] == 'q') break;
    if (++n % 2 == 0) out.emit(Message{d->value}.with_keys(keys));
    co_await suspend_like_io(d->value);
  }
  out.emit(Message{std::to_string(n) + describe_time(w.end)}.with_keys(keys));
}

// One running server: kept for the whole process (never stopped: libFuzzer exits with exit()).
struct Running {
  std::string socket;
  std::function<void()> stop;
  std::atomic<int> stopped_with{-1};  // the exit code once the server stopped
};

std::filesystem::path g_dir;
std::map<std::string, Running*> g_servers;

template <class Tag, class Policy = Sync, class Handler>
void launch(std::string const& name, Handler handler) {
  ServerOptions options;
  options.socket_path = (g_dir / (name + ".sock")).string();
  options.server_info_path = (g_dir / (name + ".info")).string();
  options.error_dir = (g_dir / "errors").string();
  options.shutdown_grace = std::chrono::seconds{2};
  options.workers = 2;
  auto* server = new Server<Tag, Policy>{std::move(handler), options};  // lives until exit
  server->start();
  auto* running = new Running{options.socket_path, [server] { server->stop(); }};
  g_servers[name] = running;
  std::thread([server, running, name] {
    int const code = server->wait();
    running->stopped_with = code;
    std::fprintf(stderr, "fuzz_protocol: the %s server stopped with exit code %d\n", name.c_str(), code);
  }).detach();
}

// ---------------------------------------------------------------- input decoding

class Bytes {
 public:
  Bytes(std::uint8_t const* data, std::size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ >= end_; }
  std::uint8_t u8() { return p_ < end_ ? *p_++ : 0; }
  std::uint64_t raw(std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v << 8 | u8();
    return v;
  }
  // For `bytes` fields: anything.
  std::string str(std::size_t max = 24) {
    std::size_t const n = std::min<std::size_t>(u8() % (max + 1), static_cast<std::size_t>(end_ - p_));
    std::string s(reinterpret_cast<char const*>(p_), n);
    p_ += n;
    return s;
  }
  // For `string` fields: ASCII, unless the length byte has its top bit set (raw bytes, possibly
  // invalid UTF-8, which the server cannot even parse).
  std::string text(std::size_t max = 24) {
    std::uint8_t const b = p_ < end_ ? *p_ : 0;
    std::string s = str(max);
    if (!(b & 0x80))
      for (auto& c : s) c = static_cast<char>(c & 0x7f);
    return s;
  }

 private:
  std::uint8_t const* p_;
  std::uint8_t const* end_;
};

// Timestamps: unset, epoch, the platform's "unknown" watermark (-1 ms), the accumulator's window
// end (year 262143), INT64/INT32 extremes, negative nanos, whole minutes (aligned windows), raw.
void timestamp(Bytes& in, google::protobuf::Timestamp* t) {
  switch (in.u8() % 10) {
    case 0: break;  // the caller decides whether to set it at all
    case 1:
      t->set_seconds(0);
      t->set_nanos(0);
      break;
    case 2:
      t->set_seconds(-1);
      t->set_nanos(999000000);
      break;
    case 3:
      t->set_seconds(8210298412799);
      t->set_nanos(999999999);
      break;
    case 4:
      t->set_seconds(std::numeric_limits<std::int64_t>::max());
      t->set_nanos(std::numeric_limits<std::int32_t>::max());
      break;
    case 5:
      t->set_seconds(std::numeric_limits<std::int64_t>::min());
      t->set_nanos(std::numeric_limits<std::int32_t>::min());
      break;
    case 6:
      t->set_seconds(60 * (in.u8() % 4));
      t->set_nanos(0);
      break;
    case 7:
      t->set_seconds(60 * (in.u8() % 4) + 30);
      t->set_nanos(in.u8() % 2 ? -1 : 1);
      break;
    case 8:
      t->set_seconds(1700000000 + in.u8());
      t->set_nanos(static_cast<std::int32_t>(in.u8()) * 1000000);
      break;
    default:
      t->set_seconds(static_cast<std::int64_t>(in.raw(8)));
      t->set_nanos(static_cast<std::int32_t>(in.raw(4)));
      break;
  }
}

void maybe_timestamp(Bytes& in, bool* has, google::protobuf::Timestamp* t) {
  std::uint8_t const sel = in.u8();
  if (sel % 4 == 0) {
    *has = false;
    return;
  }
  *has = true;
  timestamp(in, t);
}

std::string id(Bytes& in) {
  std::uint8_t const b = in.u8();
  if (b < 16) return "";
  if (b < 200) return "id" + std::to_string(b % 6);
  return in.text(12);
}

std::string key(Bytes& in) {
  std::uint8_t const b = in.u8();
  if (b < 40) return "";
  if (b < 220) return "k" + std::to_string(b % 3);
  return in.text(8);
}

template <class Keys>
void keys(Bytes& in, Keys* out) {
  for (int n = in.u8() % 4; n > 0; --n) *out->Add() = key(in);
}

template <class Headers>
void headers(Bytes& in, Headers* out) {
  for (int n = in.u8() % 3; n > 0; --n) (*out)[in.text(6)] = in.text(6);
}

void metadata(Bytes& in, common::Metadata* m) {
  std::uint8_t const b = in.u8();
  if (b & 1) m->set_previous_vertex(in.text(8));
  if (b & 2) (*(*m->mutable_sys_metadata())["sink"].mutable_key_value())["retry_count"] = in.str(4);
  if (b & 4) (*(*m->mutable_user_metadata())[in.text(4)].mutable_key_value())[in.text(4)] = in.str(8);
}

// The common datum fields of every request type that has them.
template <class R>
void datum_fields(Bytes& in, R* r) {
  keys(in, r->mutable_keys());
  r->set_value(in.str());
  bool has = false;
  google::protobuf::Timestamp t;
  maybe_timestamp(in, &has, &t);
  if (has) *r->mutable_event_time() = t;
  maybe_timestamp(in, &has, &t);
  if (has) *r->mutable_watermark() = t;
  headers(in, r->mutable_headers());
  if (in.u8() % 4 == 0) metadata(in, r->mutable_metadata());
}

// A window from a small pool (so OPEN/APPEND/EXPAND/MERGE/CLOSE name the same windows) or odd.
template <class W>
void window_bounds(Bytes& in, W* w) {
  std::uint8_t const b = in.u8();
  if (b < 200) {
    std::int64_t const start = 60 * (b % 4);
    w->mutable_start()->set_seconds(start);
    w->mutable_end()->set_seconds(start + 60 * (1 + b / 4 % 3));
  } else {
    if (b & 1) timestamp(in, w->mutable_start());
    if (b & 2) timestamp(in, w->mutable_end());
  }
  if (in.u8() % 8 == 0) w->set_slot(in.text(4));
}

// ---------------------------------------------------------------- the client side

// One bidirectional stream on the test kit's stream client (its reader thread collects the
// responses), plus what the checks need: the requests sent and whether they followed the protocol.
template <class Request, class Response>
struct Stream {
  numaflow::testing::StreamClient<Request, Response> client;
  std::vector<Response> responses;  // filled by finish()
  std::vector<Request> sent;
  bool writes_open = true;
  bool cancelled = false;
  bool regular = true;  // every message so far followed the protocol (checks apply)

  template <class Open>
  explicit Stream(Open&& open)
      : client([&](grpc::ClientContext* context) {
          context->set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
          return open(context);
        }) {}

  void write(Request const& r) {
    if (verbose())
      std::fprintf(stderr, "  stream %p %s: %s\n", static_cast<void*>(this), writes_open ? "write" : "(closed)",
                   r.ShortDebugString().c_str());
    if (!writes_open) return;
    sent.push_back(r);
    if (!client.write(r)) writes_open = false;  // the server ended the stream
  }
  void half_close() {
    if (verbose()) std::fprintf(stderr, "  stream %p half-close\n", static_cast<void*>(this));
    if (!writes_open) return;
    writes_open = false;
    client.writes_done();
  }
  void cancel() {
    if (verbose()) std::fprintf(stderr, "  stream %p cancel\n", static_cast<void*>(this));
    cancelled = true;
    client.cancel();
  }
  void wait_for(std::size_t n, std::chrono::milliseconds timeout) { client.wait_for_buffered(n, timeout); }
  std::size_t received() { return client.buffered(); }

  // Half-closes, drains and finishes; checks the status.
  grpc::Status finish(char const* service) {
    half_close();
    grpc::Status status;
    try {
      // The context's deadline ends the stream by then; the margin only keeps a broken deadline
      // from hanging the fuzzer.
      status = client.finish(kStreamDeadline + 5s);
    } catch (numaflow::testing::ProtocolError const& e) {
      violation(service, e.what());
    }
    while (auto response = client.read(0ms)) responses.push_back(std::move(*response));
    auto const code = status.error_code();
    if (verbose())
      std::fprintf(stderr, "fuzz_protocol: %s stream %p: %zu sent, %zu received, status %d \"%s\"%s%s\n", service,
                   static_cast<void*>(this), sent.size(), responses.size(), static_cast<int>(code),
                   status.error_message().c_str(), regular ? ", regular" : "", cancelled ? ", cancelled" : "");
    if (verbose())
      for (auto const& r : responses) std::fprintf(stderr, "    response: %s\n", r.ShortDebugString().c_str());
    if (code == grpc::StatusCode::DEADLINE_EXCEEDED)
      violation(service, "the stream did not end within " + std::to_string(kStreamDeadline.count()) +
                             " s of the half-close (hang); " + std::to_string(responses.size()) + " responses");
    if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN)
      violation(service, "the stream ended with " + std::to_string(code) + " \"" + status.error_message() +
                             "\" although no handler throws");
    if (code == grpc::StatusCode::CANCELLED && !cancelled)
      violation(service, "CANCELLED without a client cancel: " + status.error_message());
    if (code != grpc::StatusCode::OK && code != grpc::StatusCode::INVALID_ARGUMENT &&
        code != grpc::StatusCode::CANCELLED)
      violation(service, "unexpected status " + std::to_string(code) + " \"" + status.error_message() + "\"");
    return status;
  }
};

template <class Response>
void check_handshake_first(char const* service, std::vector<Response> const& responses) {
  for (std::size_t i = 0; i < responses.size(); ++i) {
    bool const hs = responses[i].has_handshake();
    if (i == 0 && (!hs || !responses[i].handshake().sot()))
      violation(service, "the first response is not the handshake");
    if (i > 0 && hs) violation(service, "a second handshake response at position " + std::to_string(i));
  }
}

// Drives one input against one streaming RPC. `Actions` supplies how to build the RPC's requests
// and how to check a regular stream that ended OK.
template <class Actions>
void drive(Bytes& in, typename Actions::Stub& stub) {
  using Request = typename Actions::Request;
  using Response = typename Actions::Response;
  using S = Stream<Request, Response>;
  std::vector<std::unique_ptr<S>> streams;
  auto open = [&] {
    streams.push_back(std::make_unique<S>([&](grpc::ClientContext* c) { return Actions::open(stub, c); }));
  };
  open();
  std::size_t current = 0;
  for (std::size_t n = 0; n < kMaxActions && !in.empty(); ++n) {
    S& s = *streams[current];
    std::uint8_t const action = in.u8();
    switch (action % 16) {
      case 0: {  // a stream control action
        switch (in.u8() % 6) {
          case 0: s.half_close(); break;
          case 1: s.cancel(); break;
          case 2:
            if (streams.size() < kMaxStreams) {
              open();
              current = streams.size() - 1;
            }
            break;
          case 3: current = in.u8() % streams.size(); break;
          case 4: s.wait_for(s.received() + 1, std::chrono::milliseconds{in.u8() % 50}); break;
          default: std::this_thread::sleep_for(std::chrono::microseconds{in.u8() * 20}); break;
        }
        break;
      }
      case 1: {  // a request parsed from raw bytes (any combination of fields)
        Request r;
        if (!r.ParseFromString(in.str(64))) r.Clear();
        s.regular = false;
        s.write(r);
        break;
      }
      case 2: {  // an empty request
        s.regular = false;
        s.write(Request{});
        break;
      }
      default: {
        Request r;
        bool regular = Actions::build(in, action, r, s.sent);
        // A string field with invalid UTF-8 does not parse on the server: gRPC then reports the
        // read as failed, which the server cannot tell from a half-close (see README.md).
        if (Request parsed; regular && !parsed.ParseFromString(r.SerializeAsString())) regular = false;
        s.regular = s.regular && regular;
        s.write(r);
        break;
      }
    }
  }
  for (auto& s : streams) {
    auto status = s->finish(Actions::name);
    if constexpr (Actions::handshake) {
      if (!s->responses.empty()) check_handshake_first(Actions::name, s->responses);
    }
    if (status.ok() && s->regular && !s->cancelled) Actions::check(s->sent, s->responses);
  }
}

// ids of the data requests and ids of the answers, as multisets.
void expect_same_ids(char const* service, std::multiset<std::string> const& sent,
                     std::multiset<std::string> const& got) {
  if (sent != got)
    violation(service, "answered " + std::to_string(got.size()) + " ids for " + std::to_string(sent.size()) +
                           " requests, or different ids");
}

// A regular handshaking stream: the handshake first, then data/EOT as the action byte says.
template <class Request>
bool handshake_or(Request& r, std::uint8_t action, std::vector<Request> const& sent) {
  if (sent.empty() && action % 16 != 3) return false;  // irregular: no handshake yet
  if (action % 16 == 3) {
    r.mutable_handshake()->set_sot(action & 0x10);
    return sent.empty() && (action & 0x10);
  }
  return true;
}

struct MapActions {
  static constexpr char const* name = "map";
  static constexpr bool handshake = true;
  using Stub = map::v1::Map::Stub;
  using Request = map::v1::MapRequest;
  using Response = map::v1::MapResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.MapFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const& sent) {
    bool regular = handshake_or(r, action, sent);
    if (action % 16 == 3) return regular;
    if (action % 16 == 4) {  // EOT (batch mode), with or without a request
      r.mutable_status()->set_eot(true);
      if (action & 0x10) datum_fields(in, r.mutable_request());
      return regular && mode == Mode::batch && !(action & 0x10);
    }
    r.set_id(id(in));
    datum_fields(in, r.mutable_request());
    regular = regular && !r.id().empty();
    // Ids must be unique among requests in flight: in a regular stream keep them unique.
    for (auto const& s : sent)
      if (s.id() == r.id() && (mode != Mode::batch || !batch_closed_since(sent, s))) regular = false;
    return regular;
  }
  enum class Mode { unary, batch, stream };
  static inline Mode mode = Mode::unary;
  static bool batch_closed_since(std::vector<Request> const& sent, Request const& earlier) {
    bool after = false;
    for (auto const& s : sent) {
      if (&s == &earlier)
        after = true;
      else if (after && s.has_status() && s.status().eot())
        return true;
    }
    return false;
  }
  static void check(std::vector<Request> const& sent, std::vector<Response> const& responses) {
    std::multiset<std::string> ids, answered;
    std::size_t eots_sent = 0, eots = 0;
    for (auto const& s : sent)
      if (s.has_request() && !(s.has_status() && s.status().eot()))
        ids.insert(s.id());
      else if (s.has_status() && s.status().eot())
        ++eots_sent;
    char const* n = mode == Mode::unary ? "map" : mode == Mode::batch ? "batchmap" : "mapstream";
    for (auto const& r : responses) {
      if (r.has_handshake()) continue;
      bool const eot = r.has_status() && r.status().eot();
      if (mode == Mode::unary) {
        if (eot) violation(n, "an EOT in unary mode");
        answered.insert(r.id());
      } else if (mode == Mode::batch) {
        if (eot)
          ++eots;
        else
          answered.insert(r.id());
      } else {
        if (eot) answered.insert(r.id());  // one EOT per request id
      }
    }
    if (mode == Mode::batch) {
      if (eots != eots_sent)
        violation(n, std::to_string(eots) + " EOT responses for " + std::to_string(eots_sent) + " batches");
      // Requests after the last EOT were never a complete batch: not answered.
      std::multiset<std::string> complete;
      std::vector<std::string> pending;
      for (auto const& s : sent) {
        if (s.has_status() && s.status().eot()) {
          complete.insert(pending.begin(), pending.end());
          pending.clear();
        } else if (s.has_request()) {
          pending.push_back(s.id());
        }
      }
      ids = complete;
    }
    expect_same_ids(n, ids, answered);
  }
};

struct TransformActions {
  static constexpr char const* name = "sourcetransform";
  static constexpr bool handshake = true;
  using Stub = sourcetransformer::v1::SourceTransform::Stub;
  using Request = sourcetransformer::v1::SourceTransformRequest;
  using Response = sourcetransformer::v1::SourceTransformResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.SourceTransformFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const& sent) {
    bool regular = handshake_or(r, action, sent);
    if (action % 16 == 3) return regular;
    auto* q = r.mutable_request();
    q->set_id(id(in));
    keys(in, q->mutable_keys());
    q->set_value(in.str());
    timestamp(in, q->mutable_event_time());
    timestamp(in, q->mutable_watermark());
    headers(in, q->mutable_headers());
    if (in.u8() % 4 == 0) metadata(in, q->mutable_metadata());
    regular = regular && !q->id().empty();
    for (auto const& s : sent)
      if (s.has_request() && s.request().id() == q->id()) regular = false;
    return regular;
  }
  static void check(std::vector<Request> const& sent, std::vector<Response> const& responses) {
    std::multiset<std::string> ids, answered;
    for (auto const& s : sent)
      if (s.has_request()) ids.insert(s.request().id());
    for (auto const& r : responses) {
      if (r.has_handshake()) continue;
      answered.insert(r.id());
      for (auto const& result : r.results())
        if (!result.has_event_time()) violation(name, "a result without event_time");
    }
    expect_same_ids(name, ids, answered);
  }
};

struct SinkActions {
  static constexpr char const* name = "sink";
  static constexpr bool handshake = true;
  using Stub = sink::v1::Sink::Stub;
  using Request = sink::v1::SinkRequest;
  using Response = sink::v1::SinkResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.SinkFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const& sent) {
    bool regular = handshake_or(r, action, sent);
    if (action % 16 == 3) return regular;
    if (action % 16 == 4) {
      r.mutable_status()->set_eot(true);
      return regular;
    }
    auto* q = r.mutable_request();
    q->set_id(id(in));
    datum_fields(in, q);
    if (action & 0x80) r.mutable_status()->set_eot(false);
    regular = regular && !q->id().empty();
    // Unique within the batch.
    for (auto it = sent.rbegin(); it != sent.rend() && !(it->has_status() && it->status().eot()); ++it)
      if (it->has_request() && it->request().id() == q->id()) regular = false;
    return regular;
  }
  static void check(std::vector<Request> const& sent, std::vector<Response> const& responses) {
    std::size_t eots_sent = 0, eots = 0;
    std::multiset<std::string> complete, answered;
    std::vector<std::string> pending;
    for (auto const& s : sent) {
      if (s.has_status() && s.status().eot()) {
        ++eots_sent;
        complete.insert(pending.begin(), pending.end());
        pending.clear();
      } else if (s.has_request()) {
        pending.push_back(s.request().id());
      }
    }
    for (auto const& r : responses) {
      if (r.has_handshake()) continue;
      if (r.has_status() && r.status().eot()) {
        ++eots;
        continue;
      }
      for (auto const& result : r.results()) answered.insert(result.id());
    }
    if (eots != eots_sent)
      violation(name, std::to_string(eots) + " EOT responses for " + std::to_string(eots_sent) + " batches");
    expect_same_ids(name, complete, answered);
  }
};

struct ReadActions {
  static constexpr char const* name = "source.read";
  static constexpr bool handshake = true;
  using Stub = source::v1::Source::Stub;
  using Request = source::v1::ReadRequest;
  using Response = source::v1::ReadResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.ReadFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const& sent) {
    bool regular = handshake_or(r, action, sent);
    if (action % 16 == 3) return regular;
    auto* q = r.mutable_request();
    switch (in.u8() % 6) {
      case 0: q->set_num_records(0); break;
      case 1: q->set_num_records(1); break;
      case 2: q->set_num_records(500); break;
      case 3: q->set_num_records(std::numeric_limits<std::uint64_t>::max()); break;
      default: q->set_num_records(in.raw(8)); break;
    }
    switch (in.u8() % 4) {
      case 0: q->set_timeout_in_ms(0); break;
      case 1: q->set_timeout_in_ms(1000); break;
      case 2: q->set_timeout_in_ms(std::numeric_limits<std::uint32_t>::max()); break;
      default: q->set_timeout_in_ms(static_cast<std::uint32_t>(in.raw(4))); break;
    }
    return regular;
  }
  static void check(std::vector<Request> const& sent, std::vector<Response> const& responses) {
    // One EOT per read request, at most num_records results each. (The platform waits for a
    // read's EOT before the next read; this client may not, so reads can overlap: count in total.)
    std::uint64_t wanted = 0, reads = 0, eots = 0, results = 0;
    for (auto const& s : sent)
      if (s.has_request()) {
        ++reads;
        wanted = s.request().num_records() > std::numeric_limits<std::uint64_t>::max() - wanted
                     ? std::numeric_limits<std::uint64_t>::max()
                     : wanted + s.request().num_records();
      }
    for (auto const& r : responses) {
      if (r.has_handshake()) continue;
      if (r.status().eot()) {
        ++eots;
        continue;
      }
      if (!r.has_result() || r.result().offset().offset().empty() || !r.result().has_event_time())
        violation(name, "a result without offset or event time");
      ++results;
    }
    if (results > wanted) violation(name, "more results than the reads asked for");
    if (eots != reads) violation(name, std::to_string(eots) + " EOTs for " + std::to_string(reads) + " read requests");
  }
};

struct AckActions {
  static constexpr char const* name = "source.ack";
  static constexpr bool handshake = true;
  using Stub = source::v1::Source::Stub;
  using Request = source::v1::AckRequest;
  using Response = source::v1::AckResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.AckFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const& sent) {
    bool regular = handshake_or(r, action, sent);
    if (action % 16 == 3) return regular;
    auto* q = r.mutable_request();
    for (int n = in.u8() % 4; n > 0; --n) {
      auto* o = q->add_offsets();
      o->set_offset(in.str(8));
      o->set_partition_id(static_cast<std::int32_t>(in.raw(in.u8() % 2 ? 4 : 1)));
    }
    return regular;
  }
  static void check(std::vector<Request> const& sent, std::vector<Response> const& responses) {
    std::size_t requests = 0, answers = 0;
    for (auto const& s : sent) requests += s.has_request();
    for (auto const& r : responses) answers += !r.has_handshake();
    if (requests != answers)
      violation(name, std::to_string(answers) + " ack responses for " + std::to_string(requests) + " ack requests");
  }
};

// Windowed RPCs have no handshake; a stream is "regular" only in the simplest sense (checked
// lightly: results carry a window, at most one EOF per window and nothing after the final EOF).
struct ReduceActions {
  static constexpr char const* name = "reduce";
  static constexpr bool handshake = false;
  using Stub = reduce::v1::Reduce::Stub;
  using Request = reduce::v1::ReduceRequest;
  using Response = reduce::v1::ReduceResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.ReduceFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const&) {
    auto* op = r.mutable_operation();
    std::uint8_t const e = in.u8();
    op->set_event(static_cast<reduce::v1::ReduceRequest_WindowOperation_Event>(e < 240 ? (e % 3 == 2 ? 4 : e % 3) : e));
    int const windows = action & 0x80 ? in.u8() % 4 : 1;
    for (int i = 0; i < windows; ++i) window_bounds(in, op->add_windows());
    if (!(action & 0x40)) datum_fields(in, r.mutable_payload());
    return false;
  }
  static void check(std::vector<Request> const&, std::vector<Response> const& responses) {
    for (auto const& r : responses)
      if (!r.has_window()) violation(name, "a response without a window");
  }
};

struct SessionActions {
  static constexpr char const* name = "sessionreduce";
  static constexpr bool handshake = false;
  using Stub = sessionreduce::v1::SessionReduce::Stub;
  using Request = sessionreduce::v1::SessionReduceRequest;
  using Response = sessionreduce::v1::SessionReduceResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.SessionReduceFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const&) {
    auto* op = r.mutable_operation();
    std::uint8_t const e = in.u8();
    op->set_event(static_cast<sessionreduce::v1::SessionReduceRequest_WindowOperation_Event>(e < 240 ? e % 5 : e));
    int const windows = action & 0x80 ? in.u8() % 4 : (e % 5 == 2 || e % 5 == 3 ? 2 : 1);
    std::string const k = key(in);
    for (int i = 0; i < windows; ++i) {
      auto* w = op->add_keyedwindows();
      window_bounds(in, w);
      if (action & 0x20)
        keys(in, w->mutable_keys());
      else
        w->add_keys(k);
    }
    if (!(action & 0x40)) {
      datum_fields(in, r.mutable_payload());
      if (!(action & 0x20) && r.payload().keys().empty()) r.mutable_payload()->add_keys(k);
    }
    return false;
  }
  static void check(std::vector<Request> const&, std::vector<Response> const& responses) {
    for (auto const& r : responses)
      if (!r.has_keyedwindow()) violation(name, "a response without a keyed window");
  }
};

struct AccumulatorActions {
  static constexpr char const* name = "accumulator";
  static constexpr bool handshake = false;
  using Stub = accumulator::v1::Accumulator::Stub;
  using Request = accumulator::v1::AccumulatorRequest;
  using Response = accumulator::v1::AccumulatorResponse;
  static auto open(Stub& s, grpc::ClientContext* c) { return s.AccumulateFn(c); }
  static bool build(Bytes& in, std::uint8_t action, Request& r, std::vector<Request> const&) {
    auto* op = r.mutable_operation();
    std::uint8_t const e = in.u8();
    op->set_event(static_cast<accumulator::v1::AccumulatorRequest_WindowOperation_Event>(e < 240 ? e % 3 : e));
    std::string const k = key(in);
    if (!(action & 0x80)) {
      auto* w = op->mutable_keyedwindow();
      if (in.u8() % 2) {
        timestamp(in, w->mutable_start());
        timestamp(in, w->mutable_end());
      } else {  // the platform's shape: start = first event time, end = its maximum time
        w->mutable_start()->set_seconds(60);
        w->mutable_end()->set_seconds(8210298412799);
        w->mutable_end()->set_nanos(999999999);
      }
      if (action & 0x20)
        keys(in, w->mutable_keys());
      else
        w->add_keys(k);
    }
    if (!(action & 0x40)) {
      auto* p = r.mutable_payload();
      datum_fields(in, p);
      p->set_id(id(in));
      if (!(action & 0x20) && p->keys().empty()) p->add_keys(k);
    }
    return false;
  }
  static void check(std::vector<Request> const&, std::vector<Response> const& responses) {
    for (auto const& r : responses) {
      if (!r.has_window()) violation(name, "a response without a window");
      if (!r.eof() && !r.payload().has_event_time()) violation(name, "a result without event_time");
    }
  }
};

// Source's unary RPCs: nack, pending, partitions.
void drive_source_unary(Bytes& in, source::v1::Source::Stub& stub) {
  for (std::size_t n = 0; n < 16 && !in.empty(); ++n) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
    grpc::Status status;
    switch (in.u8() % 3) {
      case 0: {
        source::v1::NackRequest request;
        for (int e = in.u8() % 4; e > 0; --e) {
          auto* entry = request.add_request();
          for (int o = in.u8() % 3; o > 0; --o) {
            auto* offset = entry->add_offsets();
            offset->set_offset(in.str(8));
            offset->set_partition_id(static_cast<std::int32_t>(in.raw(1)));
          }
          std::uint8_t const b = in.u8();
          if (b & 1) {
            auto* options = entry->mutable_nack_options();
            if (b & 2) options->set_reason(in.text(8));
            if (b & 4) options->set_max_deliveries(static_cast<std::uint32_t>(in.raw(4)));
            if (b & 8) options->set_delay(in.raw(8));
            if (b & 16) (*options->mutable_nack_map())[in.text(4)] = in.text(4);
          }
        }
        source::v1::NackResponse response;
        status = stub.NackFn(&context, request, &response);
        // Invalid UTF-8 in a string field: gRPC fails the call before it reaches the server code.
        if (source::v1::NackRequest parsed; !parsed.ParseFromString(request.SerializeAsString())) continue;
        break;
      }
      case 1: {
        source::v1::PendingResponse response;
        status = stub.PendingFn(&context, google::protobuf::Empty{}, &response);
        break;
      }
      default: {
        source::v1::PartitionsResponse response;
        status = stub.PartitionsFn(&context, google::protobuf::Empty{}, &response);
        if (status.ok() && !response.has_result()) violation("source.partitions", "no result");
        break;
      }
    }
    if (!status.ok())
      violation("source", "unary call failed: " + std::to_string(status.error_code()) + " " + status.error_message());
  }
}

// ---------------------------------------------------------------- stubs and the entry points

struct Stubs {
  std::unique_ptr<map::v1::Map::Stub> map, batchmap, mapstream;
  std::unique_ptr<sourcetransformer::v1::SourceTransform::Stub> transform;
  std::unique_ptr<sink::v1::Sink::Stub> sink;
  std::unique_ptr<source::v1::Source::Stub> source;
  std::unique_ptr<reduce::v1::Reduce::Stub> reduce, reducestream;
  std::unique_ptr<sessionreduce::v1::SessionReduce::Stub> session;
  std::unique_ptr<accumulator::v1::Accumulator::Stub> accumulator;
};
// Per policy: [0] the Sync servers, [1] the Async ones (Sync where a functionality offers only Sync).
Stubs* g_stubs[2] = {nullptr, nullptr};

std::shared_ptr<grpc::Channel> channel(std::string const& name) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel("unix:" + g_servers.at(name)->socket, grpc::InsecureChannelCredentials(), args);
}

// Whether a functionality offers Async (the registry says; docs/internals.md).
template <class Tag>
constexpr bool kAsync = detail::offers<Tag, Async>;

// The stubs of one policy's servers ("<name>" for Sync, "<name>.async" for Async); a functionality
// that does not offer the policy is reached on its Sync server.
template <class Policy>
Stubs* connect_stubs(Policy) {
  auto to = [](std::string const& name, bool offered) {
    return channel(offered && std::is_same_v<Policy, Async> ? name + ".async" : name);
  };
  auto* stubs = new Stubs;
  stubs->map = map::v1::Map::NewStub(to("map", kAsync<Map>));
  stubs->batchmap = map::v1::Map::NewStub(to("batchmap", kAsync<BatchMap>));
  stubs->mapstream = map::v1::Map::NewStub(to("mapstream", kAsync<MapStream>));
  stubs->transform = sourcetransformer::v1::SourceTransform::NewStub(to("sourcetransform", kAsync<SourceTransform>));
  stubs->sink = sink::v1::Sink::NewStub(to("sink", kAsync<Sink>));
  stubs->source = source::v1::Source::NewStub(to("source", kAsync<Source>));
  stubs->reduce = reduce::v1::Reduce::NewStub(to("reduce", kAsync<Reduce>));
  stubs->reducestream = reduce::v1::Reduce::NewStub(to("reducestream", kAsync<ReduceStream>));
  stubs->session = sessionreduce::v1::SessionReduce::NewStub(to("sessionreduce", kAsync<SessionReduce>));
  stubs->accumulator = accumulator::v1::Accumulator::NewStub(to("accumulator", kAsync<Accumulator>));
  return stubs;
}

template <class Stub, class Ready>
Ready ready_of(grpc::Status (Stub::*)(grpc::ClientContext*, google::protobuf::Empty const&, Ready*));

template <class Stub>
void expect_ready(char const* name, Stub& stub) {
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  decltype(ready_of(&Stub::IsReady)) response;
  auto const status = stub.IsReady(&context, google::protobuf::Empty{}, &response);
  if (!status.ok()) violation(name, "IsReady failed after the input: " + status.error_message());
  if (!response.ready()) violation(name, "IsReady answered ready=false");
}

void check_servers_alive() {
  for (auto const& [name, running] : g_servers)
    if (running->stopped_with >= 0)
      violation(name.c_str(), "the server stopped (exit code " + std::to_string(running->stopped_with.load()) +
                                  "): an input triggered the error contract or a shutdown");
  std::error_code ec;
  if (std::filesystem::exists(g_dir / "errors", ec) && !std::filesystem::is_empty(g_dir / "errors", ec))
    violation("runtime", "an error file was persisted in " + (g_dir / "errors").string());
}

constexpr char const* kShapes[] = {"map",    "batchmap",     "mapstream",     "sourcetransform",
                                   "sink",   "source.read",  "source.ack",    "source.unary",
                                   "reduce", "reducestream", "sessionreduce", "accumulator"};
constexpr std::size_t kShapeCount = sizeof kShapes / sizeof *kShapes;
constexpr bool kShapeOffersAsync[kShapeCount] = {
    kAsync<Map>,    kAsync<BatchMap>,     kAsync<MapStream>,     kAsync<SourceTransform>,
    kAsync<Sink>,   kAsync<Source>,       kAsync<Source>,        kAsync<Source>,
    kAsync<Reduce>, kAsync<ReduceStream>, kAsync<SessionReduce>, kAsync<Accumulator>};

void run_one(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return;
  Bytes in{data, size};
  std::uint8_t const service = in.u8();
  std::size_t const shape = service % kShapeCount;
  bool const async = (service / kShapeCount) % 2 == 1 && kShapeOffersAsync[shape];
  g_policy = async ? Async::name : Sync::name;
  auto& s = *g_stubs[async];
  switch (shape) {
    case 0:
      MapActions::mode = MapActions::Mode::unary;
      drive<MapActions>(in, *s.map);
      expect_ready("map", *s.map);
      break;
    case 1:
      MapActions::mode = MapActions::Mode::batch;
      drive<MapActions>(in, *s.batchmap);
      expect_ready("batchmap", *s.batchmap);
      break;
    case 2:
      MapActions::mode = MapActions::Mode::stream;
      drive<MapActions>(in, *s.mapstream);
      expect_ready("mapstream", *s.mapstream);
      break;
    case 3:
      drive<TransformActions>(in, *s.transform);
      expect_ready("sourcetransform", *s.transform);
      break;
    case 4:
      drive<SinkActions>(in, *s.sink);
      expect_ready("sink", *s.sink);
      break;
    case 5:
      drive<ReadActions>(in, *s.source);
      expect_ready("source", *s.source);
      break;
    case 6:
      drive<AckActions>(in, *s.source);
      expect_ready("source", *s.source);
      break;
    case 7:
      drive_source_unary(in, *s.source);
      expect_ready("source", *s.source);
      break;
    case 8:
      drive<ReduceActions>(in, *s.reduce);
      expect_ready("reduce", *s.reduce);
      break;
    case 9:
      drive<ReduceActions>(in, *s.reducestream);
      expect_ready("reducestream", *s.reducestream);
      break;
    case 10:
      drive<SessionActions>(in, *s.session);
      expect_ready("sessionreduce", *s.session);
      break;
    default:
      drive<AccumulatorActions>(in, *s.accumulator);
      expect_ready("accumulator", *s.accumulator);
      break;
  }
  check_servers_alive();
}

// ---------------------------------------------------------------- seeds

// Hand-made inputs: one regular conversation per service and the known-odd ones.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seeds() {
  using V = std::vector<std::uint8_t>;
  // Action bytes: 0x13 = handshake sot=true, 0x03 = handshake sot=false, 0x05 = data,
  // 0x04 = EOT, 0x00 0x00 = half-close, 0x00 0x01 = cancel, 0x00 0x02 = second stream, 0x01 = raw,
  // 0x02 = empty request.
  // A data request: id byte, key count, key bytes, value length + bytes, event-time selector(s),
  // watermark selector(s), header count, metadata selector.
  V const datum_a = {0x05, 20, 1, 100, 3, 'a', 'b', 'c', 1, 8, 7, 0, 1, 0, 0, 1};  // id "id2", key "k1", value "abc"
  V const datum_b = {0x05, 21, 0, 4, 'e', ',', 'f', 'g', 0, 0, 0, 1};              // id "id3", no keys
  V const datum_far = {0x05, 22, 1, 50, 1, 'x', 1, 3, 1, 4, 0, 1};                 // far-future / INT64 times
  auto cat = [](std::initializer_list<V> parts) {
    V out;
    for (auto const& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  std::vector<std::pair<std::string, V>> out;
  for (std::uint8_t shape : {0, 1, 2, 3, 4}) {
    std::string const n = kShapes[shape];
    out.push_back({n + "-regular", cat({{shape, 0x13}, datum_a, datum_b, {0x04}, datum_far, {0x04}})});
    out.push_back({n + "-no-handshake", cat({{shape}, datum_a, {0x04}})});
    out.push_back({n + "-duplicate-handshake", cat({{shape, 0x13, 0x13}, datum_a})});
    out.push_back({n + "-handshake-false", cat({{shape, 0x03}, datum_a})});
    out.push_back({n + "-eot-without-batch", cat({{shape, 0x13, 0x04, 0x04}, datum_a, {0x04}})});
    out.push_back({n + "-duplicate-ids", cat({{shape, 0x13}, datum_a, datum_a, {0x04}})});
    out.push_back({n + "-cancel", cat({{shape, 0x13}, datum_a, {0x00, 0x01}})});
    out.push_back({n + "-two-streams",
                   cat({{shape, 0x13}, datum_a, {0x00, 0x02, 0x13}, datum_b, {0x04, 0x00, 0x03, 0}, {0x04}})});
    out.push_back({n + "-raw-and-empty", cat({{shape, 0x13, 0x02, 0x01, 6, 0x12, 0x02, 'i', 'd', 0x22, 0x00}})});
  }
  for (std::uint8_t shape : {0, 2})
    out.push_back({std::string{kShapes[shape]} + "-regular-no-eot", cat({{shape, 0x13}, datum_a, datum_b, datum_far})});
  // A transform request: id, key count, keys, value, event time, watermark (no "unset" selector).
  out.push_back({"sourcetransform-regular-transform",
                 {3, 0x13, 0x05, 20, 1, 100, 3, 'a', 'b', 'c', 8, 7, 0, 1, 0, 1, 0x05, 21, 0, 1, 'd', 3, 4, 0, 1}});
  // Source read: handshake, then reads of 1, UINT64_MAX and 500 records with various timeouts.
  out.push_back({"source-read", {5, 0x13, 0x05, 1, 0, 0x05, 3, 2, 0x05, 2, 1, 0x04}});
  out.push_back({"source-read-no-handshake", {5, 0x05, 1, 0}});
  out.push_back({"source-ack", {6, 0x13, 0x05, 2, 1, '1', 0, 0, 1, '2', 1, 0, 0, 0, 7, 0x05, 0}});
  out.push_back({"source-ack-duplicate-handshake", {6, 0x13, 0x13, 0x05, 1, 0, 0, 0}});
  out.push_back({"source-unary",
                 {7, 0, 1, 1, 1, '1', 0, 0x1f, 2, 'r', 'x', 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 9, 1, 'a', 1, 'b', 1, 2}});
  // Reduce: OPEN then APPENDs of two keys in window [0, 60 s), half-close; window counts 0 and 2.
  // Bytes after the action: event, (window count,) window selector, slot selector, datum fields.
  V const reduce_datum = {1, 100, 1, '1', 1, 6, 0, 0, 0, 1};
  out.push_back({"reduce-regular", cat({{8, 0x05, 0, 0, 1},
                                        reduce_datum,
                                        {0x05, 2, 0, 1},
                                        reduce_datum,
                                        {0x05, 2, 0, 1},
                                        {1, 101, 1, '2', 0, 0, 0, 1}})});
  out.push_back({"reduce-bad-windows", cat({{8, 0x85, 0, 0, 0x85, 2, 2, 0, 1, 4, 1}, reduce_datum, {0x45, 1, 0, 1}})});
  out.push_back({"reduce-unknown-event", cat({{8, 0x05, 250, 0, 1}, reduce_datum})});
  out.push_back({"reducestream-regular", cat({{9, 0x05, 0, 0, 1}, reduce_datum, {0x05, 2, 0, 1}, reduce_datum})});
  out.push_back({"reduce-far-future-window", cat({{8, 0x05, 0, 201, 0, 1}, reduce_datum})});
  // Session: OPEN [0,60) k0, APPEND, EXPAND [[0,60),[0,120)], MERGE, CLOSE.
  V const s_datum = {0, 1, 'e', 1, 6, 0, 0, 0, 1};
  out.push_back({"sessionreduce-regular", cat({{10, 0x05, 0, 100, 0, 1},
                                               s_datum,
                                               {0x05, 4, 100, 0, 1},
                                               s_datum,
                                               {0x05, 2, 100, 0, 1, 4, 1},
                                               s_datum,
                                               {0x45, 1, 100, 4, 1}})});
  out.push_back({"sessionreduce-merge", cat({{10, 0x05, 0, 100, 0, 1},
                                             s_datum,
                                             {0x05, 0, 100, 1, 1},
                                             s_datum,
                                             {0x45, 3, 100, 0, 1, 1, 1},
                                             {0x45, 1, 100, 4, 1}})});
  out.push_back(
      {"sessionreduce-unknown-windows", {10, 0x45, 1, 100, 3, 1, 0x45, 3, 100, 0, 1, 2, 1, 0x45, 2, 100, 0, 1, 4, 1}});
  // Accumulator: OPEN with the platform's far-future end, APPEND, CLOSE; CLOSE of unknown keys.
  V const a_datum = {0, 1, 'a', 1, 8, 1, 1, 2, 0, 0, 1, 30};
  out.push_back({"accumulator-regular", cat({{11, 0x05, 0, 100, 0},
                                             a_datum,
                                             {0x05, 2, 100, 0},
                                             a_datum,
                                             {0x05, 2, 100, 0},
                                             a_datum,
                                             {0x45, 1, 100, 1, 3, 3}})});
  out.push_back({"accumulator-close-unknown", {11, 0x45, 1, 120, 0, 0x45, 1, 100, 0, 0x85, 2, 100}});
  out.push_back(
      {"accumulator-far-future-times", cat({{11, 0x05, 0, 100, 1, 4, 5}, {0, 1, 'z', 1, 4, 1, 5, 0, 0, 1, 30}})});
  // The same conversations with an Async server, where the functionality offers one (byte 0 + 12).
  for (std::size_t i = 0, sync_seeds = out.size(); i < sync_seeds; ++i) {
    auto [name, bytes] = out[i];
    if (!kShapeOffersAsync[bytes[0] % kShapeCount]) continue;
    bytes[0] = static_cast<std::uint8_t>(bytes[0] % kShapeCount + kShapeCount);
    out.push_back({name + "-async", std::move(bytes)});
  }
  // An Async reduce handler that stops reading at a value starting with 'q' while datums are queued.
  out.push_back({"reduce-async-stops-reading", cat({{20, 0x05, 0, 0, 1},
                                                    reduce_datum,
                                                    {0x05, 2, 0, 1, 1, 100, 1, 'q', 1, 6, 0, 0, 0, 1},
                                                    {0x05, 2, 0, 1},
                                                    reduce_datum,
                                                    {0x05, 2, 0, 1},
                                                    reduce_datum})});
  return out;
}

int write_seeds(std::filesystem::path const& dir) {
  std::filesystem::create_directories(dir);
  for (auto const& [name, bytes] : seeds()) {
    std::ofstream f(dir / name, std::ios::binary);
    f.write(reinterpret_cast<char const*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  std::printf("wrote %zu seeds to %s\n", seeds().size(), dir.string().c_str());
  return 0;
}

}  // namespace

// The servers run until libFuzzer calls exit(). gRPC's sync-method thread manager (IsReady) holds the
// objects of its running threads only through those threads, which LeakSanitizer reports at exit as
// leaked (a few dozen bytes per thread it started, e.g. 13 in a 10-minute run).
extern "C" char const* __lsan_default_suppressions() { return "leak:grpc::ThreadManager::MainWorkLoop\n"; }

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // Inputs with invalid UTF-8 in string fields are expected; protobuf logs each one twice.
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, char const* file, int line, std::string const& message) {
        if (message.find("invalid UTF-8") == std::string::npos)
          std::fprintf(stderr, "[protobuf %s:%d] %s\n", file, line, message.c_str());
      });
  for (int i = 1; i + 1 < *argc; ++i)
    if (std::strcmp((*argv)[i], "--write-seeds") == 0) std::exit(write_seeds((*argv)[i + 1]));

  std::string pattern = (std::filesystem::temp_directory_path() / "numaflow-fuzz-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  g_dir = pattern;
  std::filesystem::create_directories(g_dir / "errors");
  ::setenv("NUMAFLOW_UD_CONTAINER_TYPE", "fuzz", 0);
  launch<Map>("map", fn<&map_handler>);
  launch<BatchMap>("batchmap", fn<&batch_handler>);
  launch<MapStream>("mapstream", StreamHandler{});
  launch<SourceTransform>("sourcetransform", fn<&transform_handler>);
  launch<Sink>("sink", fn<&sink_handler>);
  launch<Source>("source", FuzzSource{});
  launch<Reduce>("reduce", fn<&reduce_handler>);
  launch<ReduceStream>("reducestream", ReduceStreamHandler{});
  launch<SessionReduce>("sessionreduce", SessionHandler{});
  launch<Accumulator>("accumulator", AccumulatorHandlerImpl{});
  launch<Map, Async>("map.async", fn<&async_map_handler>);
  launch<BatchMap, Async>("batchmap.async", fn<&async_batch_handler>);
  launch<MapStream, Async>("mapstream.async", AsyncStreamHandler{});
  launch<SourceTransform, Async>("sourcetransform.async", fn<&async_transform_handler>);
  launch<Sink, Async>("sink.async", fn<&async_sink_handler>);
  launch<Source, Async>("source.async", AsyncFuzzSource{});
  launch<Reduce, Async>("reduce.async", fn<&async_reduce_handler>);
  launch<ReduceStream, Async>("reducestream.async", fn<&async_reduce_stream_handler>);

  g_stubs[0] = connect_stubs(Sync{});
  g_stubs[1] = connect_stubs(Async{});
  std::fprintf(stderr, "fuzz_protocol: %zu servers under %s\n", g_servers.size(), g_dir.c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  run_one(data, size);
  return 0;
}
