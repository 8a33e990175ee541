#pragma once

// Test client for reduce and reduce-stream servers (numaflow::Reduce, numaflow::ReduceStream):
// one stream per window, as the platform opens them.
//
//   numaflow::testing::ReduceWindowClient client{socket_path, window};
//   client.send(datum);                          // OPEN, then APPEND
//   numaflow::Messages results = client.close_window();

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/message.hpp"
#include "numaflow/reduce/v1/reduce.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"
#include "numaflow/window.hpp"

namespace numaflow::testing {

// One reduce.v1 stream (one window), driven like the platform: OPEN for the first datum, APPEND
// for the rest, half-close when the window closes. Checks that every result carries the window and
// that exactly one EOF ends the responses.
class ReduceWindowClient : public ServiceStreamClient<reduce::v1::Reduce, &reduce::v1::Reduce::Stub::ReduceFn> {
 public:
  ReduceWindowClient(std::string const& socket_path, IntervalWindow window)
      : ServiceStreamClient(socket_path), window_(window) {}

  void send(Datum const& d) {
    Request r;
    r.mutable_operation()->set_event(first_ ? Request::WindowOperation::OPEN : Request::WindowOperation::APPEND);
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
    return take(stream_.read_expected("reduce results", timeout));
  }

  // Closes the window (half-close) and returns every remaining result, up to the EOF.
  Messages close_window() {
    stream_.writes_done();
    Messages out;
    while (!eof_) {
      if (auto m = take(stream_.read_expected("reduce results or EOF"))) out.push_back(std::move(*m));
    }
    auto status = stream_.finish();
    if (!status.ok())
      throw ProtocolError("numaflow::testing: the reduce stream ended with " + status.error_message(), status);
    return out;
  }

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

  IntervalWindow window_;
  bool first_ = true;
  bool eof_ = false;
};

}  // namespace numaflow::testing
