// raw_map_server: the practical upper bound for a map UDF server on this machine — a hand-written
// grpc++ server for map.v1.Map that answers each request with its own value, with the least work
// possible and none of the SDK. Two implementations, same behaviour:
//
//   --api cq (default)  completion-queue API, one thread: it polls the queue and does all the work
//                       for the stream, so nothing is locked and no thread is ever woken for a hand-off;
//   --api callback      callback API (the SDK's API): reactions run on gRPC's threads, the stream's
//                       state is under a mutex.
//
// Per stream, both: one read always outstanding (the next read is started as soon as one completes,
// so reading is pipelined with writing); each request is answered right there — no hop to another
// thread, no conversion: its id and value are swapped into the response; responses are queued and
// written one at a time (gRPC allows one outstanding write) with a buffer hint while more are queued,
// so they are coalesced into fewer frames. Reads pause while 1,000 responses are queued (a client that
// stops reading cannot make it buffer without bound). The handshake is answered; nothing is checked.
//
//   raw_map_server --socket PATH [--server-info PATH] [--api cq|callback]
// SIGTERM/SIGINT stop it (exit 0).

#include <signal.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "numaflow/map/v1/map.grpc.pb.h"

namespace {

using map::v1::MapRequest;
using map::v1::MapResponse;

constexpr std::size_t high_water = 1000;

class EchoStream final : public grpc::ServerBidiReactor<MapRequest, MapResponse> {
 public:
  EchoStream() {
    reading_ = true;
    StartRead(&in_);
  }

 private:
  struct Next {
    bool write = false, hint = false, read = false, finish = false;
  };

  // Under mu_.
  Next plan_locked() {
    Next n;
    if (finished_) return n;
    if (!writing_ && !queue_.empty() && !cancelled_) {
      out_ = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
      n.write = true;
      n.hint = !queue_.empty();
    }
    if (!reading_ && !input_closed_ && !cancelled_ && queue_.size() < high_water) {
      reading_ = true;
      n.read = true;
    }
    if (!writing_ && !reading_ && (input_closed_ || cancelled_)) {
      finished_ = true;
      n.finish = true;
    }
    return n;
  }

  void act(Next const& n) {
    if (n.write) {
      grpc::WriteOptions options;
      if (n.hint) options.set_buffer_hint();
      StartWrite(&out_, options);
    }
    if (n.read) StartRead(&in_);
    if (n.finish) Finish(cancelled_ ? grpc::Status::CANCELLED : grpc::Status::OK);
  }

  void OnReadDone(bool ok) override {
    Next n;
    if (!ok) {
      std::lock_guard lock(mu_);
      reading_ = false;
      input_closed_ = true;
      n = plan_locked();
    } else {
      MapResponse response;
      if (in_.has_handshake()) {
        response.mutable_handshake()->set_sot(true);
      } else {
        response.mutable_id()->swap(*in_.mutable_id());
        response.add_results()->mutable_value()->swap(*in_.mutable_request()->mutable_value());
      }
      std::lock_guard lock(mu_);
      reading_ = false;
      queue_.push_back(std::move(response));
      n = plan_locked();
    }
    act(n);
  }

  void OnWriteDone(bool ok) override {
    Next n;
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (!ok) cancelled_ = true;
      n = plan_locked();
    }
    act(n);
  }

  void OnCancel() override {
    Next n;
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      n = plan_locked();
    }
    act(n);
  }

  void OnDone() override { delete this; }

  MapRequest in_;    // owned by the outstanding read
  MapResponse out_;  // owned by the outstanding write
  std::mutex mu_;
  std::deque<MapResponse> queue_;
  bool reading_ = false, writing_ = false, input_closed_ = false, cancelled_ = false, finished_ = false;
};

class RawMap final : public map::v1::Map::CallbackService {
  grpc::ServerBidiReactor<MapRequest, MapResponse>* MapFn(grpc::CallbackServerContext*) override {
    return new EchoStream;
  }
  grpc::ServerUnaryReactor* IsReady(grpc::CallbackServerContext* context, google::protobuf::Empty const*,
                                    map::v1::ReadyResponse* response) override {
    response->set_ready(true);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// ------------------------------------------------------------------------------------------------
// Completion-queue implementation: one thread, one stream at a time is all the benchmark needs, but
// any number of streams are served (each call is its own state machine; the loop is serial).

using AsyncMap = map::v1::Map::WithAsyncMethod_MapFn<map::v1::Map::Service>;

// IsReady stays a synchronous method (served by gRPC's sync thread pool); only MapFn is async.
class CqMap final : public AsyncMap {
  grpc::Status IsReady(grpc::ServerContext*, google::protobuf::Empty const*,
                       map::v1::ReadyResponse* response) override {
    response->set_ready(true);
    return grpc::Status::OK;
  }
};

class CqStream {
 public:
  enum class Op : std::uintptr_t { accept = 0, read = 1, write = 2, finish = 3 };

  CqStream(CqMap& service, grpc::ServerCompletionQueue& cq) : service_(service), cq_(cq), stream_(&context_) {
    service_.RequestMapFn(&context_, &stream_, &cq_, &cq_, tag(Op::accept));
  }

  static void* tag_of(CqStream* s, Op op) {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the completion queue's tag carries the Op in its low bits
    return reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(s) | static_cast<std::uintptr_t>(op));
  }
  void* tag(Op op) { return tag_of(this, op); }

  // Handles one completion; returns false when the stream is done and may be deleted.
  bool on(Op op, bool ok) {
    switch (op) {
      case Op::accept:
        if (!ok) return false;        // the server is shutting down
        new CqStream(service_, cq_);  // the next call
        start_read();
        return true;
      case Op::read:
        reading_ = false;
        if (!ok) {
          input_closed_ = true;
        } else {
          MapResponse response;
          if (in_.has_handshake()) {
            response.mutable_handshake()->set_sot(true);
          } else {
            response.mutable_id()->swap(*in_.mutable_id());
            response.add_results()->mutable_value()->swap(*in_.mutable_request()->mutable_value());
          }
          queue_.push_back(std::move(response));
        }
        break;
      case Op::write:
        writing_ = false;
        if (!ok) broken_ = true;
        break;
      case Op::finish: return false;
    }
    advance();
    return true;
  }

 private:
  void start_read() {
    reading_ = true;
    stream_.Read(&in_, tag(Op::read));
  }

  void advance() {
    if (finishing_) return;
    if (!writing_ && !queue_.empty() && !broken_) {
      out_ = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
      grpc::WriteOptions options;
      if (!queue_.empty()) options.set_buffer_hint();
      stream_.Write(out_, options, tag(Op::write));
    }
    if (!reading_ && !input_closed_ && !broken_ && queue_.size() < high_water) start_read();
    if (!writing_ && !reading_ && (input_closed_ || broken_)) {
      finishing_ = true;
      stream_.Finish(broken_ ? grpc::Status::CANCELLED : grpc::Status::OK, tag(Op::finish));
    }
  }

  CqMap& service_;
  grpc::ServerCompletionQueue& cq_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<MapResponse, MapRequest> stream_;
  MapRequest in_;
  MapResponse out_;
  std::deque<MapResponse> queue_;
  bool reading_ = false, writing_ = false, input_closed_ = false, broken_ = false, finishing_ = false;
};

void serve_cq(CqMap& service, grpc::ServerCompletionQueue& cq) {
  new CqStream(service, cq);
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
    auto const bits = reinterpret_cast<std::uintptr_t>(tag);
    // NOLINTNEXTLINE(performance-no-int-to-ptr): see tag_of
    auto* stream = reinterpret_cast<CqStream*>(bits & ~std::uintptr_t{3});
    if (!stream->on(static_cast<CqStream::Op>(bits & 3), ok)) delete stream;
  }
}

int usage(char const* error) {
  std::fprintf(stderr,
               "raw_map_server: %s\nusage: raw_map_server --socket PATH [--server-info PATH] [--api cq|callback]\n",
               error);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket, info, api = "cq";
  for (int i = 1; i < argc; ++i) {
    std::string_view const flag = argv[i];
    if (i + 1 >= argc) return usage("missing value");
    if (flag == "--socket")
      socket = argv[++i];
    else if (flag == "--server-info")
      info = argv[++i];
    else if (flag == "--api")
      api = argv[++i];
    else
      return usage("unknown flag");
  }
  if (socket.empty()) return usage("--socket is required");
  if (api != "cq" && api != "callback") return usage("--api must be cq or callback");

  // gRPC's threads inherit this mask; the main thread waits for the signal.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ::unlink(socket.c_str());
  RawMap callback_service;
  CqMap cq_service;
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  builder.SetMaxSendMessageSize(64 * 1024 * 1024);
  builder.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  if (api == "cq") {
    builder.RegisterService(&cq_service);
    cq = builder.AddCompletionQueue();
  } else {
    builder.RegisterService(&callback_service);
  }
  auto server = builder.BuildAndStart();
  if (!server) {
    std::fprintf(stderr, "raw_map_server: cannot listen on unix:%s\n", socket.c_str());
    return 1;
  }
  std::thread cq_thread;
  if (cq) cq_thread = std::thread([&] { serve_cq(cq_service, *cq); });
  if (!info.empty()) {
    std::string const tmp = info + ".tmp";
    std::ofstream(tmp) << R"({"protocol":"uds","language":"cpp","minimum_numaflow_version":"1.4.0-z","version":"raw",)"
                       << R"("metadata":{"MAP_MODE":"unary-map"}}U+005C__END__)";
    std::rename(tmp.c_str(), info.c_str());
  }
  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (cq) {
    cq->Shutdown();
    cq_thread.join();
  }
  server->Wait();
  ::unlink(socket.c_str());
  return 0;
}
