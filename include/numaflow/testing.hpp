#pragma once

// An in-process client for numaflow-cpp servers: it speaks the platform's side of the protocol
// (handshakes, ids, EOTs) over the real socket and checks the server's side of the rules. Our test
// suite uses it; users can use it to unit-test their UDFs:
//
//   numaflow::Server<numaflow::Map, numaflow::Sync> server{my_map, {.socket_path = dir / "map.sock", …}};
//   server.start();
//   numaflow::testing::MapClient client{dir / "map.sock"};
//   auto results = client.map({datum});   // id → messages
//   server.stop();

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
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
#include "numaflow/functions/accumulator.hpp"
#include "numaflow/functions/batchmap.hpp"
#include "numaflow/functions/mapstream.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/functions/sessionreduce.hpp"
#include "numaflow/functions/sink.hpp"
#include "numaflow/functions/source.hpp"
#include "numaflow/map/v1/map.grpc.pb.h"
#include "numaflow/message.hpp"
#include "numaflow/sink/v1/sink.grpc.pb.h"
#include "numaflow/source/v1/source.grpc.pb.h"
#include "numaflow/sourcetransformer/v1/transform.grpc.pb.h"

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

  // False when the stream is already broken (the server ended it).
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

  // Waits for the server to end the stream and returns its status.
  grpc::Status finish(std::chrono::milliseconds timeout = 20s) {
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, timeout, [&] { return ended_; }))
        throw ProtocolError("numaflow::testing: the server did not end the stream within " +
                            std::to_string(timeout.count()) + " ms");
    }
    reader_.join();
    finished_ = true;
    return stream_->Finish();
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

// Ends a stream whose responses were all expected, and turns a non-OK status into an exception.
template <class Stream>
grpc::Status close_stream(Stream& stream) {
  stream.writes_done();
  while (auto extra = stream.read())
    throw ProtocolError("numaflow::testing: unexpected response after the last expected one: " +
                        extra->ShortDebugString());
  return stream.finish();
}

// Throws when the stream ended early: with the server's status if it has one.
template <class Stream, class Response>
Response require(Stream& stream, std::optional<Response>&& response, char const* waiting_for) {
  if (response) return std::move(*response);
  auto status = stream.finish();
  throw ProtocolError(std::string{"numaflow::testing: the stream ended while waiting for "} + waiting_for + ": " +
                          std::to_string(status.error_code()) + " " + status.error_message(),
                      status);
}

}  // namespace detail

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
    auto response = require(stream, stream.read(), "responses");
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

// A handshaking stream of `Service`'s first RPC, opened and greeted like the platform does.
template <class Stub, class Request, class Response>
class HandshakenStream {
 public:
  template <class Open>
  HandshakenStream(std::unique_ptr<Stub> stub, Open open)
      : stub_(std::move(stub)), stream_([&](grpc::ClientContext* c) { return open(*stub_, c); }) {
    send_handshake(stream_);
  }

  // Half-closes and returns the server's final status.
  grpc::Status close() { return close_stream(stream_); }
  StreamClient<Request, Response>& stream() { return stream_; }

 protected:
  std::unique_ptr<Stub> stub_;
  StreamClient<Request, Response> stream_;
  std::uint64_t next_id_ = 0;
};

}  // namespace detail

// Drives a map server (unary mode) like the platform: handshake, then requests in flight
// concurrently on one stream, responses matched by id.
class MapClient : public detail::HandshakenStream<map::v1::Map::Stub, map::v1::MapRequest, map::v1::MapResponse> {
 public:
  using Request = map::v1::MapRequest;
  using Response = map::v1::MapResponse;

  explicit MapClient(std::string const& socket_path)
      : HandshakenStream(map::v1::Map::NewStub(connect(socket_path)),
                         [](auto& stub, grpc::ClientContext* c) { return stub.MapFn(c); }) {}

  static Request request(Datum const& d) {
    Request r;
    numaflow::detail::fill_payload(r.mutable_request(), d);
    r.set_id(d.id);
    return r;
  }

  // Sends every datum (empty ids are numbered) and returns the messages per id. Throws if an id is
  // answered twice, an unknown id comes back, or the stream ends.
  std::map<std::string, Messages> map(Datums datums) {
    return detail::exchange_per_request(stream_, std::move(datums), next_id_, &request,
                                        [](auto const& r) { return numaflow::detail::message_from_result(r); });
  }

  Messages map_one(Datum d) {
    auto results = map({std::move(d)});
    return results.begin()->second;
  }
};

// Drives a source-transformer server: the datum's id is the offset; every result must carry an
// event time.
class SourceTransformClient : public detail::HandshakenStream<sourcetransformer::v1::SourceTransform::Stub,
                                                              sourcetransformer::v1::SourceTransformRequest,
                                                              sourcetransformer::v1::SourceTransformResponse> {
 public:
  using Request = sourcetransformer::v1::SourceTransformRequest;
  using Response = sourcetransformer::v1::SourceTransformResponse;

  explicit SourceTransformClient(std::string const& socket_path)
      : HandshakenStream(sourcetransformer::v1::SourceTransform::NewStub(connect(socket_path)),
                         [](auto& stub, grpc::ClientContext* c) { return stub.SourceTransformFn(c); }) {}

  static Request request(Datum const& d) {
    Request r;
    numaflow::detail::fill_payload(r.mutable_request(), d);
    r.mutable_request()->set_id(d.id);
    return r;
  }

  std::map<std::string, Messages> transform(Datums datums) {
    return detail::exchange_per_request(stream_, std::move(datums), next_id_, &request, [](auto const& r) {
      if (!r.has_event_time()) throw ProtocolError("numaflow::testing: transformer result without event_time");
      return numaflow::detail::message_from_result(r);
    });
  }

  Messages transform_one(Datum d) {
    auto results = transform({std::move(d)});
    return results.begin()->second;
  }
};

// Drives a sink server: each call sends one batch and its EOT, then checks that exactly one result
// per id arrives before the server's EOT and that the EOT carries no results.
class SinkClient
    : public detail::HandshakenStream<sink::v1::Sink::Stub, sink::v1::SinkRequest, sink::v1::SinkResponse> {
 public:
  using Request = sink::v1::SinkRequest;
  using Response = sink::v1::SinkResponse;

  explicit SinkClient(std::string const& socket_path)
      : HandshakenStream(sink::v1::Sink::NewStub(connect(socket_path)),
                         [](auto& stub, grpc::ClientContext* c) { return stub.SinkFn(c); }) {}

  static Request request(Datum const& d) {
    Request r;
    numaflow::detail::fill_payload(r.mutable_request(), d);
    r.mutable_request()->set_id(d.id);
    return r;
  }

  static Request eot() {
    Request r;
    r.mutable_status()->set_eot(true);
    return r;
  }

  SinkResponses sink(Datums batch) {
    auto waiting = detail::assign_ids(batch, next_id_);
    for (auto const& d : batch) stream_.write(request(d));
    stream_.write(eot());
    SinkResponses out;
    for (;;) {
      auto response = detail::require(stream_, stream_.read(), "sink results");
      if (response.has_status() && response.status().eot()) {
        if (response.results_size() != 0)
          throw ProtocolError("numaflow::testing: the sink's EOT response carries results");
        break;
      }
      for (auto const& r : response.results()) {
        if (!waiting.erase(r.id()))
          throw ProtocolError("numaflow::testing: sink result for an unknown or already answered id \"" + r.id() +
                              "\"");
        out.push_back(from_result(r));
      }
    }
    if (!waiting.empty())
      throw ProtocolError("numaflow::testing: the sink sent EOT before answering " + std::to_string(waiting.size()) +
                          " ids");
    return out;
  }

  static SinkResponse from_result(sink::v1::SinkResponse::Result const& r) {
    SinkResponse out;
    out.id = r.id();
    out.status = static_cast<SinkResponse::Status>(r.status());
    out.error = r.err_msg();
    if (r.has_serve_response()) out.serve_payload = r.serve_response();
    if (r.has_on_success_msg()) {
      OnSuccessMessage m;
      m.value = r.on_success_msg().value();
      m.keys.assign(r.on_success_msg().keys().begin(), r.on_success_msg().keys().end());
      if (r.on_success_msg().has_metadata()) {
        auto groups = r.on_success_msg().metadata().user_metadata();
        m.user_metadata = numaflow::detail::metadata_from_proto(groups);
      }
      out.on_success_message = std::move(m);
    }
    if (r.has_nack_options()) out.nack_options = numaflow::detail::from_proto(r.nack_options());
    return out;
  }
};

// A map.v1 stream after its handshake; shared by the batch and stream map clients.
class MapStreamBase : public detail::HandshakenStream<map::v1::Map::Stub, map::v1::MapRequest, map::v1::MapResponse> {
 public:
  using Request = map::v1::MapRequest;
  using Response = map::v1::MapResponse;

  explicit MapStreamBase(std::string const& socket_path)
      : HandshakenStream(map::v1::Map::NewStub(connect(socket_path)),
                         [](auto& stub, grpc::ClientContext* c) { return stub.MapFn(c); }) {}
};

// Drives a batch-map server: each call sends one batch and its EOT, then checks that every id is
// answered exactly once before the server's EOT.
class BatchMapClient : public MapStreamBase {
 public:
  using MapStreamBase::MapStreamBase;

  std::map<std::string, Messages> batch_map(Datums batch) {
    auto waiting = detail::assign_ids(batch, next_id_);
    for (auto const& d : batch) stream_.write(MapClient::request(d));
    Request eot;
    eot.mutable_status()->set_eot(true);
    stream_.write(eot);
    std::map<std::string, Messages> results;
    for (;;) {
      auto response = detail::require(stream_, stream_.read(), "batch map responses");
      if (response.has_status() && response.status().eot()) break;
      if (!waiting.erase(response.id()))
        throw ProtocolError("numaflow::testing: batch response for an unknown or already answered id \"" +
                            response.id() + "\"");
      auto& out = results[response.id()];
      for (auto const& r : response.results()) out.push_back(numaflow::detail::message_from_result(r));
    }
    if (!waiting.empty())
      throw ProtocolError("numaflow::testing: the batch map sent EOT before answering " +
                          std::to_string(waiting.size()) + " ids");
    return results;
  }
};

// Drives a map-stream server: messages arrive one per response, then an EOT per id; `on_message`
// (if set) sees every message as it arrives.
class MapStreamClient : public MapStreamBase {
 public:
  using MapStreamBase::MapStreamBase;

  std::function<void(std::string const& id, Message const&)> on_message;

  std::map<std::string, Messages> map_stream(Datums datums) {
    auto open = detail::assign_ids(datums, next_id_);
    for (auto const& d : datums) stream_.write(MapClient::request(d));
    std::map<std::string, Messages> results;
    for (auto const& id : open) results[id];
    while (!open.empty()) {
      auto response = detail::require(stream_, stream_.read(), "map stream responses");
      if (!results.count(response.id()))
        throw ProtocolError("numaflow::testing: map stream response for an unknown id \"" + response.id() + "\"");
      if (!open.count(response.id()))
        throw ProtocolError("numaflow::testing: map stream response after the EOT of id \"" + response.id() + "\"");
      for (auto const& r : response.results()) {
        auto m = numaflow::detail::message_from_result(r);
        if (on_message) on_message(response.id(), m);
        results[response.id()].push_back(std::move(m));
      }
      if (response.has_status() && response.status().eot()) {
        if (response.results_size() != 0) throw ProtocolError("numaflow::testing: a map stream EOT carries results");
        open.erase(response.id());
      }
    }
    return results;
  }

  Messages map_stream_one(Datum d) {
    Datums one{std::move(d)};
    auto results = map_stream(one);
    return results.begin()->second;
  }
};

// Drives a source server like the platform: read and ack streams with their handshakes, and the
// unary nack, pending and partitions calls.
class SourceClient {
 public:
  explicit SourceClient(std::string const& socket_path) : stub_(source::v1::Source::NewStub(connect(socket_path))) {}

  // One read request; returns the messages before the EOT, checking each has an offset and an
  // event time. Like the platform, it takes any number of them (`count` sizes its buffer only).
  std::vector<SourceMessage> read(std::uint64_t count, std::uint32_t timeout_ms = 1000) {
    auto& stream = read_stream();
    source::v1::ReadRequest request;
    request.mutable_request()->set_num_records(count);
    request.mutable_request()->set_timeout_in_ms(timeout_ms);
    stream.write(request);
    std::vector<SourceMessage> out;
    for (;;) {
      auto response = detail::require(stream, stream.read(), "read responses");
      if (response.has_status() && response.status().eot()) {
        if (response.has_result()) throw ProtocolError("numaflow::testing: a read EOT carries a result");
        return out;
      }
      if (!response.has_result()) throw ProtocolError("numaflow::testing: a read response with neither result nor EOT");
      auto const& r = response.result();
      if (!r.has_offset() || r.offset().offset().empty())
        throw ProtocolError("numaflow::testing: a read result without offset");
      if (!r.has_event_time()) throw ProtocolError("numaflow::testing: a read result without event time");
      SourceMessage m;
      m.value = r.payload();
      m.offset = {r.offset().offset(), r.offset().partition_id()};
      m.event_time = numaflow::detail::from_proto(r.event_time());
      m.keys.assign(r.keys().begin(), r.keys().end());
      for (auto const& [k, v] : r.headers()) m.headers[k] = v;
      if (r.has_metadata()) {
        auto groups = r.metadata().user_metadata();
        m.user_metadata = numaflow::detail::metadata_from_proto(groups);
      }
      out.push_back(std::move(m));
    }
  }

  void ack(std::vector<Offset> const& offsets) {
    auto& stream = ack_stream();
    source::v1::AckRequest request;
    for (auto const& o : offsets) {
      auto* offset = request.mutable_request()->add_offsets();
      offset->set_offset(o.value);
      offset->set_partition_id(o.partition_id);
    }
    stream.write(request);
    auto response = detail::require(stream, stream.read(), "the ack response");
    if (!response.has_result() || !response.result().has_success())
      throw ProtocolError("numaflow::testing: an ack response without result.success");
  }

  // As the platform sends it: one request entry per offset.
  void nack(std::vector<NackedOffset> const& nacks) {
    source::v1::NackRequest request;
    for (auto const& n : nacks) {
      auto* entry = request.add_request();
      auto* offset = entry->add_offsets();
      offset->set_offset(n.offset.value);
      offset->set_partition_id(n.offset.partition_id);
      if (n.options) numaflow::detail::to_proto(*n.options, entry->mutable_nack_options());
    }
    source::v1::NackResponse response;
    grpc::ClientContext context;
    check(stub_->NackFn(&context, request, &response), "NackFn");
  }

  std::int64_t pending() {
    source::v1::PendingResponse response;
    grpc::ClientContext context;
    check(stub_->PendingFn(&context, google::protobuf::Empty{}, &response), "PendingFn");
    return response.result().count();
  }

  std::pair<std::vector<std::int32_t>, std::optional<std::int32_t>> partitions() {
    source::v1::PartitionsResponse response;
    grpc::ClientContext context;
    check(stub_->PartitionsFn(&context, google::protobuf::Empty{}, &response), "PartitionsFn");
    if (!response.has_result()) throw ProtocolError("numaflow::testing: PartitionsResponse.result must be set");
    std::vector<std::int32_t> ids(response.result().partitions().begin(), response.result().partitions().end());
    std::optional<std::int32_t> total;
    if (response.result().has_total_partitions()) total = response.result().total_partitions();
    return {ids, total};
  }

  // Half-closes both streams and returns the first non-OK status (or OK).
  grpc::Status close() {
    grpc::Status status;
    if (read_) status = detail::close_stream(*read_);
    if (ack_) {
      auto s = detail::close_stream(*ack_);
      if (status.ok()) status = s;
    }
    read_.reset();
    ack_.reset();
    return status;
  }

 private:
  using ReadStream = StreamClient<source::v1::ReadRequest, source::v1::ReadResponse>;
  using AckStream = StreamClient<source::v1::AckRequest, source::v1::AckResponse>;

  static void check(grpc::Status const& status, char const* call) {
    if (!status.ok())
      throw ProtocolError(std::string{"numaflow::testing: "} + call + " failed: " + status.error_message(), status);
  }

  ReadStream& read_stream() {
    if (!read_) {
      read_ = std::make_unique<ReadStream>([&](grpc::ClientContext* c) { return stub_->ReadFn(c); });
      send_handshake(*read_);
    }
    return *read_;
  }

  AckStream& ack_stream() {
    if (!ack_) {
      ack_ = std::make_unique<AckStream>([&](grpc::ClientContext* c) { return stub_->AckFn(c); });
      send_handshake(*ack_);
    }
    return *ack_;
  }

  std::unique_ptr<source::v1::Source::Stub> stub_;
  std::unique_ptr<ReadStream> read_;
  std::unique_ptr<AckStream> ack_;
};

// One reduce.v1 stream (one window), driven like the platform: OPEN for the first datum, APPEND
// for the rest, half-close when the window closes. Checks that every result carries the window and
// that exactly one EOF ends the responses.
class ReduceWindowClient {
 public:
  using Request = reduce::v1::ReduceRequest;
  using Response = reduce::v1::ReduceResponse;

  ReduceWindowClient(std::string const& socket_path, IntervalWindow window)
      : stub_(reduce::v1::Reduce::NewStub(connect(socket_path))),
        stream_([&](grpc::ClientContext* c) { return stub_->ReduceFn(c); }),
        window_(window) {}

  void send(Datum const& d) {
    Request r;
    r.mutable_operation()->set_event(first_ ? reduce::v1::ReduceRequest::WindowOperation::OPEN
                                            : reduce::v1::ReduceRequest::WindowOperation::APPEND);
    first_ = false;
    auto* w = r.mutable_operation()->add_windows();
    numaflow::detail::to_proto(window_.start, w->mutable_start());
    numaflow::detail::to_proto(window_.end, w->mutable_end());
    w->set_slot("0");
    numaflow::detail::fill_payload(r.mutable_payload(), d);
    if (!stream_.write(r)) throw ProtocolError("numaflow::testing: the reduce stream is closed");
  }

  // A result that arrived before the window closed (reduce stream); nullopt at EOF.
  std::optional<Message> next_result(std::chrono::milliseconds timeout = 20s) {
    auto response = detail::require(stream_, stream_.read(timeout), "reduce results");
    return take(response);
  }

  // Closes the window (half-close) and returns every remaining result, up to the EOF.
  Messages close_window() {
    stream_.writes_done();
    Messages out;
    while (!eof_) {
      auto response = detail::require(stream_, stream_.read(), "reduce results or EOF");
      if (auto m = take(response)) out.push_back(std::move(*m));
    }
    auto status = stream_.finish();
    if (!status.ok())
      throw ProtocolError("numaflow::testing: the reduce stream ended with " + status.error_message(), status);
    return out;
  }

  StreamClient<Request, Response>& stream() { return stream_; }

 private:
  std::optional<Message> take(Response const& response) {
    if (eof_) throw ProtocolError("numaflow::testing: a reduce response after the EOF");
    if (!response.has_window() || !response.window().has_start() || !response.window().has_end())
      throw ProtocolError("numaflow::testing: a reduce response without window start/end");
    if (numaflow::detail::from_proto(response.window().start()) != window_.start ||
        numaflow::detail::from_proto(response.window().end()) != window_.end)
      throw ProtocolError("numaflow::testing: a reduce response for another window");
    if (response.eof()) {
      if (response.has_result()) throw ProtocolError("numaflow::testing: the reduce EOF carries a result");
      eof_ = true;
      return std::nullopt;
    }
    return numaflow::detail::message_from_result(response.result());
  }

  std::unique_ptr<reduce::v1::Reduce::Stub> stub_;
  StreamClient<Request, Response> stream_;
  IntervalWindow window_;
  bool first_ = true;
  bool eof_ = false;
};

// A response of a session-reduce (`Result` = Message) or accumulator (`Result` = AccumulatorOutput)
// stream, decoded.
template <class Result = Message>
struct WindowedResponse {
  std::optional<Result> result;  // unset for an EOF
  KeyedWindow window;
  bool eof = false;
};

// Drives the long-lived stream of a session-reduce (`Proto` = SessionFraming) or accumulator
// (`Proto` = AccumulatorFraming) server: send operations, collect responses, check that every
// response carries its window.
template <class Wire>
class WindowedClient {
 public:
  using Request = typename Wire::Request;
  using Response = typename Wire::Response;
  using Result = std::conditional_t < requires(Response const& r) { r.result(); }
  , Message, AccumulatorOutput > ;

  template <class Stub, class Open>
  WindowedClient(std::unique_ptr<Stub> stub, Open open)
      : holder_(std::move(stub)), stream_([&](grpc::ClientContext* c) { return open(c); }) {}

  bool send(Request const& r) { return stream_.write(r); }

  // Reads until `count` EOFs have arrived (in addition to those already read); returns everything read.
  std::vector<WindowedResponse<Result>> until_eofs(std::size_t count, std::chrono::milliseconds timeout = 20s) {
    std::vector<WindowedResponse<Result>> out;
    while (count > 0) {
      auto response = detail::require(stream_, stream_.read(timeout), "session/accumulator responses");
      out.push_back(decode(response));
      if (out.back().eof) --count;
    }
    return out;
  }

  // Half-closes and reads every remaining response until the server ends the stream with OK.
  std::vector<WindowedResponse<Result>> close() {
    stream_.writes_done();
    std::vector<WindowedResponse<Result>> out;
    while (auto response = stream_.read()) out.push_back(decode(*response));
    auto status = stream_.finish();
    if (!status.ok()) throw ProtocolError("numaflow::testing: the stream ended with " + status.error_message(), status);
    return out;
  }

  StreamClient<Request, Response>& stream() { return stream_; }

 private:
  static WindowedResponse<Result> decode(Response const& r) {
    WindowedResponse<Result> out;
    auto const& w = [&]() -> decltype(auto) {
      if constexpr (requires { r.keyedwindow(); })
        return r.keyedwindow();
      else
        return r.window();
    }();
    if (!w.has_start() || !w.has_end()) throw ProtocolError("numaflow::testing: a response without window start/end");
    out.window = {numaflow::detail::from_proto(w.start()), numaflow::detail::from_proto(w.end()), w.slot(),
                  Keys(w.keys().begin(), w.keys().end())};
    out.eof = r.eof();
    if (out.eof) return out;
    if constexpr (requires { r.result(); }) {
      out.result = numaflow::detail::message_from_result(r.result());
    } else {
      auto const& p = r.payload();
      if (!p.has_event_time()) throw ProtocolError("numaflow::testing: an accumulator result without event time");
      if (!p.has_watermark()) throw ProtocolError("numaflow::testing: an accumulator result without watermark");
      Datum d;
      d.keys.assign(p.keys().begin(), p.keys().end());
      d.value = p.value();
      d.event_time = numaflow::detail::from_proto(p.event_time());
      d.watermark = numaflow::detail::from_proto(p.watermark());
      d.id = p.id();
      for (auto const& [k, v] : p.headers()) d.headers[k] = v;
      AccumulatorOutput output{std::move(d)};
      output.tags.assign(r.tags().begin(), r.tags().end());
      out.result = std::move(output);
    }
    return out;
  }

  std::shared_ptr<void> holder_;
  StreamClient<Request, Response> stream_;
};

inline auto session_reduce_client(std::string const& socket_path) {
  auto stub = sessionreduce::v1::SessionReduce::NewStub(connect(socket_path));
  auto* raw = stub.get();
  return std::make_unique<WindowedClient<numaflow::detail::SessionFraming>>(
      std::move(stub), [raw](grpc::ClientContext* c) { return raw->SessionReduceFn(c); });
}

inline auto accumulator_client(std::string const& socket_path) {
  auto stub = accumulator::v1::Accumulator::NewStub(connect(socket_path));
  auto* raw = stub.get();
  return std::make_unique<WindowedClient<numaflow::detail::AccumulatorFraming>>(
      std::move(stub), [raw](grpc::ClientContext* c) { return raw->AccumulateFn(c); });
}

// Request builders for the two streams.
inline sessionreduce::v1::SessionReduceRequest session_request(
    sessionreduce::v1::SessionReduceRequest::WindowOperation::Event event, std::vector<KeyedWindow> const& windows,
    std::optional<Datum> const& datum = std::nullopt) {
  sessionreduce::v1::SessionReduceRequest r;
  r.mutable_operation()->set_event(event);
  for (auto const& w : windows) numaflow::detail::fill_window(r.mutable_operation()->add_keyedwindows(), w);
  if (datum) numaflow::detail::fill_payload(r.mutable_payload(), *datum);
  return r;
}

inline accumulator::v1::AccumulatorRequest accumulator_request(
    accumulator::v1::AccumulatorRequest::WindowOperation::Event event, KeyedWindow const& window,
    std::optional<Datum> const& datum = std::nullopt) {
  accumulator::v1::AccumulatorRequest r;
  r.mutable_operation()->set_event(event);
  numaflow::detail::fill_window(r.mutable_operation()->mutable_keyedwindow(), window);
  if (datum) {
    numaflow::detail::fill_payload(r.mutable_payload(), *datum);
    r.mutable_payload()->set_id(datum->id);
  }
  return r;
}

}  // namespace numaflow::testing

// The unary-RPC clients live in their own headers; testing.hpp offers every client.
#include "numaflow/testing/servingstore.hpp"
#include "numaflow/testing/sideinput.hpp"
