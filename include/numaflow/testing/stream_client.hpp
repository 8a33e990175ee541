#pragma once

// The base of the test kit: a bidirectional gRPC stream driven from the client side with reads
// that time out, the platform's handshake, temp directories and channels to a Unix socket. The
// typed clients of numaflow/testing/<functionality>.hpp are built on it; tests of malformed
// traffic use it directly with the generated request and response types:
//
//   auto stub = map::v1::Map::NewStub(numaflow::testing::connect(socket_path));
//   numaflow::testing::StreamClient<map::v1::MapRequest, map::v1::MapResponse> raw{
//       [&](grpc::ClientContext* context) { return stub->MapFn(context); }};
//   numaflow::testing::send_handshake(raw);
//   raw.write(any_request);

#include <google/protobuf/empty.pb.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"

namespace numaflow::testing {

using namespace std::chrono_literals;

// A protocol rule broken by the server, or a stream that ended with an error.
class ProtocolError : public std::runtime_error {
 public:
  explicit ProtocolError(std::string const& what, grpc::Status status = grpc::Status::OK)
      : std::runtime_error(what), status_(std::move(status)) {}
  grpc::Status const& status() const { return status_; }

 private:
  grpc::Status status_;
};

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    auto base = std::filesystem::temp_directory_path() / "numaflow-XXXXXX";
    std::string pattern = base.string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("numaflow::testing: mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;
  std::filesystem::path const& path() const { return path_; }
  std::string operator/(std::string const& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::shared_ptr<grpc::Channel> connect(std::string const& socket_path) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  // A server that is just starting refuses the first connection: retry quickly, not with gRPC's
  // default one-second-and-growing backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel("unix:" + socket_path, grpc::InsecureChannelCredentials(), args);
}

namespace detail {
template <class Stub, class Ready>
Ready ready_response_of(grpc::Status (Stub::*)(grpc::ClientContext*, google::protobuf::Empty const&, Ready*));
}  // namespace detail

// Waits for the socket file, then polls IsReady of `Service` (e.g. map::v1::Map) until it answers
// ready=true or `timeout` passes.
template <class Service>
bool wait_until_ready(std::string const& socket_path, std::chrono::milliseconds timeout = 10s) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  // Connecting before the socket exists would put the channel into reconnect backoff.
  while (!std::filesystem::exists(socket_path)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  auto stub = Service::NewStub(connect(socket_path));
  do {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() + 1s);
    decltype(detail::ready_response_of(&Service::Stub::IsReady)) response;
    if (stub->IsReady(&context, google::protobuf::Empty{}, &response).ok() && response.ready()) return true;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

// A bidirectional stream seen from the client: writes from the caller's thread, reads collected by
// a background thread so that the caller can wait with a timeout instead of hanging.
template <class Request, class Response>
class StreamClient {
 public:
  // `open` starts the call on the context it is given, e.g. `stub->MapFn(context)`; it may set the
  // context's deadline or metadata first.
  template <class Open>
    requires(!std::is_same_v<std::remove_cvref_t<Open>, StreamClient>)
  explicit StreamClient(Open&& open) {
    stream_ = open(&context_);
    reader_ = std::thread([this] {
      Response response;
      while (stream_->Read(&response)) {
        {
          std::lock_guard lock(mu_);
          inbox_.push_back(std::move(response));
        }
        cv_.notify_all();
        response.Clear();
      }
      {
        std::lock_guard lock(mu_);
        ended_ = true;
      }
      cv_.notify_all();
    });
  }

  ~StreamClient() {
    if (reader_.joinable()) {
      context_.TryCancel();
      reader_.join();
      if (!finished_) stream_->Finish();
    }
  }

  StreamClient(StreamClient const&) = delete;
  StreamClient& operator=(StreamClient const&) = delete;

  // Sends any request, well-formed or not. False when the stream is already broken (the server
  // ended it).
  bool write(Request const& request) { return stream_->Write(request); }

  void writes_done() { stream_->WritesDone(); }

  // The next response; nullopt when the server ended the stream. Throws after `timeout`.
  std::optional<Response> read(std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !inbox_.empty() || ended_; }))
      throw ProtocolError("numaflow::testing: no response from the server within " + std::to_string(timeout.count()) +
                          " ms");
    if (inbox_.empty()) return std::nullopt;
    Response r = std::move(inbox_.front());
    inbox_.pop_front();
    return r;
  }

  // The next response, which the protocol says must come: throws ProtocolError, carrying the
  // server's status, when the stream ends instead. `waiting_for` names it in the message.
  Response read_expected(char const* waiting_for, std::chrono::milliseconds timeout = 20s) {
    if (auto response = read(timeout)) return std::move(*response);
    auto status = finish();
    throw ProtocolError(std::string{"numaflow::testing: the stream ended while waiting for "} + waiting_for + ": " +
                            std::to_string(status.error_code()) + " " + status.error_message(),
                        status);
  }

  // Waits until at least `count` responses are read but not consumed; false when the stream ended
  // or `timeout` passed first. Never throws: fuzzing and timing tests poll with it.
  bool wait_for_buffered(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return inbox_.size() >= count || ended_; });
    return inbox_.size() >= count;
  }

  // Waits for the server to end the stream and returns its status. Unconsumed responses stay
  // readable.
  grpc::Status finish(std::chrono::milliseconds timeout = 20s) {
    if (finished_) return status_;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, timeout, [&] { return ended_; }))
        throw ProtocolError("numaflow::testing: the server did not end the stream within " +
                            std::to_string(timeout.count()) + " ms");
    }
    reader_.join();
    finished_ = true;
    status_ = stream_->Finish();
    return status_;
  }

  // Half-closes a stream whose responses were all expected: throws ProtocolError if another one
  // arrives before the server ends the stream; returns the server's status.
  grpc::Status close() {
    writes_done();
    while (auto extra = read())
      throw ProtocolError("numaflow::testing: unexpected response after the last expected one: " +
                          extra->ShortDebugString());
    return finish();
  }

  void cancel() { context_.TryCancel(); }

  // Responses read but not consumed yet.
  std::size_t buffered() {
    std::lock_guard lock(mu_);
    return inbox_.size();
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> stream_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Response> inbox_;
  bool ended_ = false;
  bool finished_ = false;
  grpc::Status status_;
};

// What the typed clients of a service without streams (side input, serving store) share: the
// stub of the generated `Service`, and calls that wait for the server to be reachable and fail
// after `timeout`.
template <class Service>
class UnaryCallClient {
 public:
  explicit UnaryCallClient(std::string const& socket_path, std::chrono::milliseconds timeout = std::chrono::seconds{20})
      : stub_(Service::NewStub(connect(socket_path))), timeout_(timeout) {}

  // IsReady: true when the server answered ready=true.
  bool is_ready() {
    grpc::ClientContext context;
    prepare(context);
    decltype(detail::ready_response_of(&Service::Stub::IsReady)) response;
    return stub_->IsReady(&context, google::protobuf::Empty{}, &response).ok() && response.ready();
  }

  typename Service::Stub& stub() { return *stub_; }

 protected:
  void prepare(grpc::ClientContext& context) const {
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() + timeout_);
  }

  // Throws ProtocolError carrying the status when the call `rpc` failed.
  static void check(grpc::Status const& status, char const* rpc) {
    if (!status.ok())
      throw ProtocolError(std::string{"numaflow::testing: "} + rpc + " failed: " + std::to_string(status.error_code()) +
                              " " + status.error_message(),
                          status);
  }

  std::unique_ptr<typename Service::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

// Opens the stream as the platform does: a handshake request with sot=true, and the server's
// answer must be a handshake with sot=true (throws ProtocolError otherwise).
template <class Request, class Response>
void send_handshake(StreamClient<Request, Response>& stream) {
  Request handshake;
  handshake.mutable_handshake()->set_sot(true);
  stream.write(handshake);
  auto const response = stream.read();
  if (!response)
    throw ProtocolError("numaflow::testing: the server ended the stream instead of answering the handshake");
  if (!response->has_handshake() || !response->handshake().sot())
    throw ProtocolError("numaflow::testing: the server's first response is not a handshake with sot=true");
}

namespace detail {
// The request and response types of a bidirectional RPC, from the generated stub method that opens
// it (e.g. &map::v1::Map::Stub::MapFn).
template <class Open>
struct bidi_rpc;
template <class Stub, class Request_, class Response_>
struct bidi_rpc<std::unique_ptr<grpc::ClientReaderWriter<Request_, Response_>> (Stub::*)(grpc::ClientContext*)> {
  using Request = Request_;
  using Response = Response_;
};
}  // namespace detail

// What every typed client of one bidirectional RPC owns: the stub of the generated `Service` and
// the one stream `Open` (e.g. &map::v1::Map::Stub::MapFn) starts on it, with nothing sent yet (the
// windowed protocols begin with their first window operation; HandshakenClient sends a handshake).
template <class Service, auto Open>
class ServiceStreamClient {
 public:
  using Request = typename detail::bidi_rpc<decltype(Open)>::Request;
  using Response = typename detail::bidi_rpc<decltype(Open)>::Response;

  explicit ServiceStreamClient(std::string const& socket_path)
      : stub_(Service::NewStub(connect(socket_path))),
        stream_([this](grpc::ClientContext* context) { return (stub_.get()->*Open)(context); }) {}

  // The raw stream: for malformed traffic, and for reading the status of a stream the server failed.
  StreamClient<Request, Response>& stream() { return stream_; }

 protected:
  std::unique_ptr<typename Service::Stub> stub_;
  StreamClient<Request, Response> stream_;
};

// A typed client of a protocol that begins with the platform's handshake (map, batch map, map
// stream, source transformer, sink) and sends datums, numbering those that come without an id.
template <class Service, auto Open>
class HandshakenClient : public ServiceStreamClient<Service, Open> {
 public:
  using typename ServiceStreamClient<Service, Open>::Request;

  explicit HandshakenClient(std::string const& socket_path) : ServiceStreamClient<Service, Open>(socket_path) {
    send_handshake(this->stream_);
  }

  // The request the platform sends for `d`: the datum under `request`, its id there (sink, source
  // transformer) or beside it (map, batch map, map stream).
  static Request request(Datum const& d) {
    Request r;
    numaflow::detail::fill_payload(r.mutable_request(), d);
    if constexpr (requires { r.set_id(d.id); })
      r.set_id(d.id);
    else
      r.mutable_request()->set_id(d.id);
    return r;
  }

  // The EOT that ends a batch (batch map, sink).
  static Request eot() requires requires(Request r) { r.mutable_status(); }
  {
    Request r;
    r.mutable_status()->set_eot(true);
    return r;
  }

  // Half-closes and returns the server's final status.
  grpc::Status close() { return this->stream_.close(); }

 protected:
  std::uint64_t next_id_ = 0;
};

// A decoded response of a session-reduce (`Result` = Message) or accumulator (`Result` =
// AccumulatorOutput) stream: a result, or the EOF of one window.
template <class Result>
struct WindowedResponse {
  std::optional<Result> result;  // unset for an EOF
  KeyedWindow window;
  bool eof = false;
};

namespace detail {

// Numbers datums without an id (from `next_id`) and rejects duplicate ids.
inline std::set<std::string> assign_ids(Datums& datums, std::uint64_t& next_id) {
  std::set<std::string> ids;
  for (auto& d : datums) {
    if (d.id.empty()) d.id = std::to_string(next_id++);
    if (!ids.insert(d.id).second) throw std::invalid_argument("numaflow::testing: duplicate id " + d.id);
  }
  return ids;
}

// One request per datum in flight at once, exactly one response per id back (unary map, transformer).
template <class Stream, class MakeRequest, class ReadResult>
std::map<std::string, Messages> exchange_per_request(Stream& stream, Datums datums, std::uint64_t& next_id,
                                                     MakeRequest make_request, ReadResult read_result) {
  auto waiting = assign_ids(datums, next_id);
  for (auto const& d : datums) stream.write(make_request(d));
  std::map<std::string, Messages> results;
  while (!waiting.empty()) {
    auto response = stream.read_expected("responses");
    if constexpr (requires { response.status(); })
      if (response.has_status() && response.status().eot())
        throw ProtocolError("numaflow::testing: a per-request stream must not send EOT");
    if (!waiting.erase(response.id()))
      throw ProtocolError("numaflow::testing: response for an id that is not in flight: \"" + response.id() + "\"");
    auto& out = results[response.id()];
    for (auto const& r : response.results()) out.push_back(read_result(r));
  }
  return results;
}

// KeyedWindow to and from the keyed-window messages of sessionreduce.v1 and accumulator.v1 (same
// fields, different packages).
template <class ProtoWindow>
void fill_keyed_window(ProtoWindow* out, KeyedWindow const& window) {
  out->mutable_start()->set_seconds(window.start.seconds);
  out->mutable_start()->set_nanos(window.start.nanos);
  out->mutable_end()->set_seconds(window.end.seconds);
  out->mutable_end()->set_nanos(window.end.nanos);
  out->set_slot(window.slot);
  for (auto const& key : window.keys) out->add_keys(key);
}

template <class ProtoWindow>
KeyedWindow keyed_window_from_proto(ProtoWindow const& window) {
  if (!window.has_start() || !window.has_end())
    throw ProtocolError("numaflow::testing: a response without window start/end");
  return {Timestamp{window.start().seconds(), window.start().nanos()},
          Timestamp{window.end().seconds(), window.end().nanos()}, window.slot(),
          Keys(window.keys().begin(), window.keys().end())};
}

}  // namespace detail

// A typed client of a protocol whose one long-lived stream carries every key's windows (session
// reduce, accumulator). Every response must carry its window; `decode_result` checks and decodes
// the result of one that is not an EOF.
template <class Service, auto Open, auto decode_result>
class KeyedWindowsClient : public ServiceStreamClient<Service, Open> {
 public:
  using typename ServiceStreamClient<Service, Open>::Response;
  using Decoded = WindowedResponse<std::invoke_result_t<decltype(decode_result), Response const&>>;

  using ServiceStreamClient<Service, Open>::ServiceStreamClient;

  // Reads until `count` EOFs have arrived; returns everything read. Throws if the stream ends first.
  std::vector<Decoded> until_eofs(std::size_t count, std::chrono::milliseconds timeout = 20s) {
    std::vector<Decoded> out;
    while (count > 0) {
      out.push_back(decode(this->stream_.read_expected("results or EOFs", timeout)));
      if (out.back().eof) --count;
    }
    return out;
  }

  // The next response; nullopt when the server ended the stream.
  std::optional<Decoded> next(std::chrono::milliseconds timeout = 20s) {
    auto response = this->stream_.read(timeout);
    if (!response) return std::nullopt;
    return decode(*response);
  }

  // Half-closes (the platform shutting down: every window still open is flushed and gets its EOF)
  // and returns every response up to the end of the stream, which must end with OK.
  std::vector<Decoded> half_close() {
    this->stream_.writes_done();
    std::vector<Decoded> out;
    while (auto response = this->stream_.read()) out.push_back(decode(*response));
    auto status = this->stream_.finish();
    if (!status.ok()) throw ProtocolError("numaflow::testing: the stream ended with " + status.error_message(), status);
    return out;
  }

 private:
  static Decoded decode(Response const& r) {
    Decoded out;
    if constexpr (requires { r.keyedwindow(); })  // session reduce names the field keyedWindow
      out.window = detail::keyed_window_from_proto(r.keyedwindow());
    else
      out.window = detail::keyed_window_from_proto(r.window());
    out.eof = r.eof();
    if (!out.eof) out.result = decode_result(r);
    return out;
  }
};

}  // namespace numaflow::testing
