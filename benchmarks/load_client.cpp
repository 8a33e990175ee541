// load_client: drives a Numaflow map, source-transform or sink server over its Unix socket the way
// the platform does, and reports throughput and latency.
//
// One bidirectional stream: the handshake, then
//   map, transform  one request per message, each with its own id; exactly --inflight requests are
//                   outstanding at any time (a response frees a slot for the next request); the
//                   latency of a message runs from handing its request to gRPC (StartWrite) to
//                   reading the response carrying its id;
//   sink            batches of --inflight requests, each followed by an EOT; the next batch starts
//                   when the server's EOT for the previous one arrives; the latency of a batch runs
//                   from writing its first request to reading its EOT.
// Every id must be answered exactly once (sink: with status SUCCESS), with one result whose value is
// the value sent (map, transform; --no-echo-check turns that off for servers that change the value).
//
// Only generated stubs and grpc++ are used, so it drives any SDK's server. It uses the callback
// client API: no threads of its own, one write outstanding at a time as gRPC requires, and a
// buffer hint on every write that is immediately followed by another (coalescing, as the platform's
// tonic client does when it has several messages ready).
//
// Output: a human-readable summary on stderr and one machine-readable line on stdout:
//   RESULT kind=map messages=… seconds=… msgs_per_s=… p50_us=… p99_us=… max_us=… ok=1
// Exit code 0 when every check passed, 1 when not, 2 for bad flags.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "numaflow/map/v1/map.grpc.pb.h"
#include "numaflow/sink/v1/sink.grpc.pb.h"
#include "numaflow/sourcetransformer/v1/transform.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Options {
  std::string kind = "map";  // map | transform | sink
  std::string socket;
  std::size_t inflight = 500;
  std::size_t value_size = 1024;
  std::size_t messages = 100000;
  std::size_t warmup = 0;  // the first `warmup` messages are sent but not measured
  double timeout_s = 300;
  bool echo_check = true;
  bool quiet = false;
};

// ------------------------------------------------------------------------------------------------
// The three protocols, as far as the client needs them.

void fill_payload(auto* p, std::string const& value) {
  p->add_keys("key");
  p->set_value(value);
  auto const now = std::chrono::system_clock::now().time_since_epoch();
  auto const secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  p->mutable_event_time()->set_seconds(secs.count());
  p->mutable_event_time()->set_nanos(
      static_cast<int>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs).count()));
  p->mutable_watermark()->set_seconds(secs.count() - 1);
}

struct MapProtocol {
  using Service = map::v1::Map;
  using Request = map::v1::MapRequest;
  using Response = map::v1::MapResponse;
  using Ready = map::v1::ReadyResponse;
  static constexpr char const* name = "map";
  static void open(Service::Stub& stub, grpc::ClientContext* c, grpc::ClientBidiReactor<Request, Response>* r) {
    stub.async()->MapFn(c, r);
  }
  static Request handshake() {
    Request r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static bool is_handshake(Response const& r) { return r.has_handshake() && r.handshake().sot(); }
  static Request data(std::string const& value) {
    Request r;
    fill_payload(r.mutable_request(), value);
    return r;
  }
  static void set_id(Request& r, std::string_view id) { r.set_id(std::string{id}); }
};

struct TransformProtocol {
  using Service = sourcetransformer::v1::SourceTransform;
  using Request = sourcetransformer::v1::SourceTransformRequest;
  using Response = sourcetransformer::v1::SourceTransformResponse;
  using Ready = sourcetransformer::v1::ReadyResponse;
  static constexpr char const* name = "transform";
  static void open(Service::Stub& stub, grpc::ClientContext* c, grpc::ClientBidiReactor<Request, Response>* r) {
    stub.async()->SourceTransformFn(c, r);
  }
  static Request handshake() {
    Request r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static bool is_handshake(Response const& r) { return r.has_handshake() && r.handshake().sot(); }
  static Request data(std::string const& value) {
    Request r;
    fill_payload(r.mutable_request(), value);  // event time = now: kept by event_time_filter
    return r;
  }
  static void set_id(Request& r, std::string_view id) { r.mutable_request()->set_id(std::string{id}); }
};

struct SinkProtocol {
  using Service = sink::v1::Sink;
  using Request = sink::v1::SinkRequest;
  using Response = sink::v1::SinkResponse;
  using Ready = sink::v1::ReadyResponse;
  static constexpr char const* name = "sink";
  static void open(Service::Stub& stub, grpc::ClientContext* c, grpc::ClientBidiReactor<Request, Response>* r) {
    stub.async()->SinkFn(c, r);
  }
  static Request handshake() {
    Request r;
    r.mutable_handshake()->set_sot(true);
    return r;
  }
  static bool is_handshake(Response const& r) { return r.has_handshake() && r.handshake().sot(); }
  static Request data(std::string const& value) {
    Request r;
    fill_payload(r.mutable_request(), value);
    return r;
  }
  static Request eot() {
    Request r;
    r.mutable_status()->set_eot(true);
    return r;
  }
  static void set_id(Request& r, std::string_view id) { r.mutable_request()->set_id(std::string{id}); }
};

bool parse_id(std::string const& text, std::size_t& id) {
  auto const* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, id);
  return ec == std::errc{} && p == end;
}

// ------------------------------------------------------------------------------------------------
// What a run measured.

struct Outcome {
  std::size_t measured = 0;                // messages counted in the throughput
  double seconds = 0;                      // over which they were answered
  std::vector<std::int64_t> latencies_ns;  // per message (map, transform) or per batch (sink)
  std::vector<std::string> errors;
  grpc::Status status;
};

// ------------------------------------------------------------------------------------------------
// The stream. All reactions run on gRPC's threads; OnReadDone and OnWriteDone may run
// concurrently, so the write side's state is under `mu_`, and the gRPC calls are made after
// releasing it (as in the SDK's own stream engine).

template <class P>
class LoadStream final : public grpc::ClientBidiReactor<typename P::Request, typename P::Response> {
  using Request = typename P::Request;
  using Response = typename P::Response;
  static constexpr bool is_sink = std::is_same_v<P, SinkProtocol>;

 public:
  LoadStream(typename P::Service::Stub& stub, Options const& o)
      : o_(o), total_(o.messages + o.warmup), value_(o.value_size, 'x'), sent_ns_(total_), answered_(total_, 0) {
    for (std::size_t i = 0; i < value_.size(); ++i) value_[i] = static_cast<char>('a' + i % 26);
    handshake_ = P::handshake();
    data_ = P::data(value_);
    if constexpr (is_sink) eot_ = P::eot();
    outcome_.latencies_ns.reserve(is_sink ? total_ / o.inflight + 1 : o.messages);
    context_.set_wait_for_ready(true);
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000)));
    P::open(stub, &context_, this);
    write_pending_ = true;
    this->StartWrite(&handshake_);
    this->StartRead(&response_);
    this->StartCall();
  }

  std::future<Outcome> result() { return promise_.get_future(); }

 private:
  struct Action {
    Request* write = nullptr;
    bool hint = false;
    bool writes_done = false;
  };

  // Under mu_: what to write next, if anything.
  Action plan_locked() {
    Action a;
    if (write_pending_ || writes_done_sent_ || failed_) return a;
    if (credits_ > 0 && next_id_ < total_) {
      std::size_t const id = next_id_++;
      --credits_;
      char buf[24];
      auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, id);
      (void)ec;
      P::set_id(data_, std::string_view(buf, static_cast<std::size_t>(end - buf)));
      sent_ns_[id].store(now_ns(), std::memory_order_relaxed);
      write_pending_ = true;
      a.write = &data_;
      if constexpr (is_sink) {
        a.hint = true;  // a sink request is always followed at once by more data or by the EOT
        if (credits_ == 0 || next_id_ == total_) eot_due_ = true;
      } else {
        a.hint = credits_ > 0 && next_id_ < total_;  // another write follows immediately
      }
      return a;
    }
    if (eot_due_) {
      eot_due_ = false;
      write_pending_ = true;
      a.write = &eot_;
      return a;
    }
    if (all_answered_.load()) {
      writes_done_sent_ = true;
      write_pending_ = true;
      a.writes_done = true;
    }
    return a;
  }

  void act(Action const& a) {
    if (a.write) {
      grpc::WriteOptions options;
      if (a.hint) options.set_buffer_hint();
      this->StartWrite(a.write, options);
    } else if (a.writes_done) {
      this->StartWritesDone();
    }
  }

  void OnWriteDone(bool ok) override {
    Action a;
    {
      std::lock_guard lock(mu_);
      write_pending_ = false;
      if (!ok) {
        failed_ = true;  // the stream is broken: the read side sees it, OnDone reports the status
        return;
      }
      a = plan_locked();
    }
    act(a);
  }

  // A broken rule: recorded, and the stream is cancelled so the run ends now.
  void fail(std::string text) {
    {
      std::lock_guard lock(mu_);
      if (outcome_.errors.size() < 10) outcome_.errors.push_back(std::move(text));
      if (failed_) return;
      failed_ = true;
    }
    context_.TryCancel();
  }

  std::int64_t sent(std::size_t id) const { return sent_ns_[id].load(std::memory_order_relaxed); }

  // The read side: one read outstanding at a time, so everything here is serial.
  void OnReadDone(bool ok) override {
    if (!ok) return;  // the server ended the stream; OnDone checks what was answered
    std::int64_t const now = now_ns();
    std::size_t freed = 0;
    bool batch_end = false;
    if (!handshaken_) {
      if (!P::is_handshake(response_)) return fail("the first response is not a handshake");
      handshaken_ = true;
      freed = std::min(o_.inflight, total_);
      batch_end = true;
    } else if constexpr (is_sink) {
      for (auto const& r : response_.results()) {
        std::size_t id = 0;
        if (!parse_id(r.id(), id) || id >= total_ || sent(id) == 0)
          return fail("response for an unknown id \"" + r.id() + "\"");
        if (answered_[id]++) return fail("id " + r.id() + " answered twice");
        if (r.status() != sink::v1::SUCCESS)
          return fail("id " + r.id() + " answered with status " + std::to_string(r.status()));
        ++answered_count_;
      }
      if (response_.has_status() && response_.status().eot()) {
        if (answered_count_ != batch_end_id_)
          return fail("EOT after " + std::to_string(answered_count_) + " answers, expected " +
                      std::to_string(batch_end_id_));
        batch_end = true;
        if (batch_first_id_ >= o_.warmup) outcome_.latencies_ns.push_back(now - sent(batch_first_id_));
        if (start_ns_ == 0 && o_.warmup > 0 && answered_count_ >= o_.warmup) {
          start_ns_ = now;
          answered_at_start_ = answered_count_;
        }
        freed = std::min(o_.inflight, total_ - answered_count_);
      }
    } else {
      std::size_t id = 0;
      if (!parse_id(response_.id(), id) || id >= total_ || sent(id) == 0)
        return fail("response for an unknown id \"" + response_.id() + "\"");
      if (answered_[id]++) return fail("id " + response_.id() + " answered twice");
      if (response_.results_size() != 1)
        return fail("id " + response_.id() + ": " + std::to_string(response_.results_size()) + " results, expected 1");
      if (o_.echo_check && response_.results(0).value() != value_)
        return fail("id " + response_.id() + ": the result's value is not the value sent");
      if (id >= o_.warmup) outcome_.latencies_ns.push_back(now - sent(id));
      ++answered_count_;
      if (start_ns_ == 0 && o_.warmup > 0 && answered_count_ == o_.warmup) {
        start_ns_ = now;
        answered_at_start_ = answered_count_;
      }
      freed = 1;
    }
    if (handshaken_ && answered_count_ == total_) {
      end_ns_ = now;
      all_answered_.store(true);
    }
    Action a;
    {
      std::lock_guard lock(mu_);
      if constexpr (is_sink) {
        if (batch_end && freed > 0) {
          batch_first_id_ = next_id_;
          batch_end_id_ = next_id_ + freed;
          credits_ = freed;
        }
      } else {
        credits_ += freed;
      }
      a = plan_locked();
    }
    act(a);
    this->StartRead(&response_);  // until the server ends the stream (after our half-close)
  }

  void OnDone(grpc::Status const& status) override {
    Outcome out;
    {
      std::lock_guard lock(mu_);
      out = std::move(outcome_);
    }
    if (!status.ok())
      out.errors.push_back("stream status " + std::to_string(status.error_code()) + ": " + status.error_message());
    std::size_t missing = 0;
    for (auto a : answered_) missing += a == 0;
    if (missing)
      out.errors.push_back(std::to_string(missing) + " of " + std::to_string(total_) + " ids never answered");
    if (start_ns_ == 0 && total_ > 0) start_ns_ = sent(0);
    out.measured = total_ - answered_at_start_;
    out.seconds = end_ns_ > start_ns_ ? static_cast<double>(end_ns_ - start_ns_) / 1e9 : 0;
    out.status = status;
    promise_.set_value(std::move(out));
    // The reactor is not deleted: the process reports and exits right after.
  }

  Options const& o_;
  std::size_t const total_;
  std::string value_;
  grpc::ClientContext context_;
  Request handshake_;
  Request data_;  // reused: only one write is outstanding at a time, and only its id changes
  Request eot_;
  Response response_;
  std::vector<std::atomic<std::int64_t>> sent_ns_;  // stored by the write side before the request is written

  // Read side only (serial).
  bool handshaken_ = false;
  std::vector<std::uint8_t> answered_;
  std::size_t answered_count_ = 0;
  std::size_t answered_at_start_ = 0;
  std::int64_t start_ns_ = 0, end_ns_ = 0;
  std::atomic<bool> all_answered_{false};

  // Write side, under mu_.
  std::mutex mu_;
  bool write_pending_ = false;
  bool writes_done_sent_ = false;
  bool failed_ = false;
  bool eot_due_ = false;
  std::size_t credits_ = 0;
  std::size_t next_id_ = 0;
  std::size_t batch_first_id_ = 0;
  std::size_t batch_end_id_ = 0;

  Outcome outcome_;  // errors under mu_, latencies read side
  std::promise<Outcome> promise_;
};

// ------------------------------------------------------------------------------------------------

std::shared_ptr<grpc::Channel> connect(std::string const& socket) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel("unix:" + socket, grpc::InsecureChannelCredentials(), args);
}

// Waits for the socket file, then for IsReady to answer true.
template <class P>
bool wait_ready(typename P::Service::Stub& stub, std::string const& socket, double timeout_s) {
  auto const deadline = Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  while (!std::filesystem::exists(socket)) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  while (Clock::now() < deadline) {
    grpc::ClientContext c;
    c.set_wait_for_ready(true);
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    typename P::Ready ready;
    if (stub.IsReady(&c, google::protobuf::Empty{}, &ready).ok() && ready.ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

double percentile_us(std::vector<std::int64_t>& v, double q) {
  if (v.empty()) return 0;
  auto const k = static_cast<std::size_t>(std::llround(q * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e3;
}

template <class P>
int run(Options const& o) {
  auto channel = connect(o.socket);
  auto stub = P::Service::NewStub(channel);
  if (!wait_ready<P>(*stub, o.socket, std::min(o.timeout_s, 30.0))) {
    std::fprintf(stderr, "load_client: %s server on %s is not ready\n", P::name, o.socket.c_str());
    std::printf("RESULT kind=%s ok=0 error=not_ready\n", P::name);
    return 1;
  }
  auto* stream = new LoadStream<P>(*stub, o);  // gRPC drives it until OnDone; never deleted (see OnDone)
  Outcome out = stream->result().get();

  double const rate = out.seconds > 0 ? static_cast<double>(out.measured) / out.seconds : 0;
  std::int64_t const max_ns =
      out.latencies_ns.empty() ? 0 : *std::max_element(out.latencies_ns.begin(), out.latencies_ns.end());
  std::size_t const samples = out.latencies_ns.size();
  double const p50 = percentile_us(out.latencies_ns, 0.50);
  double const p99 = percentile_us(out.latencies_ns, 0.99);
  bool const ok = out.errors.empty();
  for (auto const& e : out.errors) std::fprintf(stderr, "load_client: error: %s\n", e.c_str());
  if (!o.quiet)
    std::fprintf(stderr,
                 "load_client: %s %s: %zu messages (+%zu warm-up) of %zu B, %zu in flight: %.3f s, %.0f msg/s, "
                 "latency per %s p50 %.0f us p99 %.0f us max %.0f us (%zu samples)%s\n",
                 P::name, o.socket.c_str(), out.measured, o.warmup, o.value_size, o.inflight, out.seconds, rate,
                 std::is_same_v<P, SinkProtocol> ? "batch" : "message", p50, p99, static_cast<double>(max_ns) / 1e3,
                 samples, ok ? "" : " — FAILED");
  std::printf(
      "RESULT kind=%s messages=%zu warmup=%zu value_size=%zu inflight=%zu seconds=%.4f msgs_per_s=%.1f "
      "p50_us=%.1f p99_us=%.1f max_us=%.1f latency_of=%s ok=%d\n",
      P::name, out.measured, o.warmup, o.value_size, o.inflight, out.seconds, rate, p50, p99,
      static_cast<double>(max_ns) / 1e3, std::is_same_v<P, SinkProtocol> ? "batch" : "message", ok ? 1 : 0);
  std::fflush(stdout);
  return ok ? 0 : 1;
}

int usage(char const* error = nullptr) {
  if (error) std::fprintf(stderr, "load_client: %s\n", error);
  std::fprintf(stderr,
               "usage: load_client --socket PATH [--kind map|transform|sink] [--inflight N] [--value-size S]\n"
               "                   [--messages M] [--warmup W] [--timeout SECONDS] [--no-echo-check] [--quiet]\n"
               "  map/transform: N requests in flight on one stream; sink: batches of N, then an EOT.\n"
               "  defaults: --kind map --inflight 500 --value-size 1024 --messages 100000 --warmup 0 --timeout 300\n");
  return 2;
}

bool parse_size(char const* text, std::size_t& out) {
  std::string_view const s{text};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view const flag = argv[i];
    auto value = [&]() -> char const* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (flag == "--no-echo-check") {
      o.echo_check = false;
      continue;
    }
    if (flag == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") return usage();
    char const* v = value();
    if (!v) return usage(("missing value for " + std::string{flag}).c_str());
    bool good = true;
    if (flag == "--socket")
      o.socket = v;
    else if (flag == "--kind")
      o.kind = v;
    else if (flag == "--inflight")
      good = parse_size(v, o.inflight) && o.inflight > 0;
    else if (flag == "--value-size")
      good = parse_size(v, o.value_size);
    else if (flag == "--messages")
      good = parse_size(v, o.messages) && o.messages > 0;
    else if (flag == "--warmup")
      good = parse_size(v, o.warmup);
    else if (flag == "--timeout")
      good = (o.timeout_s = std::atof(v)) > 0;
    else
      return usage(("unknown flag " + std::string{flag}).c_str());
    if (!good) return usage(("bad value for " + std::string{flag} + ": " + v).c_str());
  }
  if (o.socket.empty()) return usage("--socket is required");
  if (o.kind == "map") return run<MapProtocol>(o);
  if (o.kind == "transform") return run<TransformProtocol>(o);
  if (o.kind == "sink") return run<SinkProtocol>(o);
  return usage("--kind must be map, transform or sink");
}
