#pragma once

// Test client for session-reduce servers (numaflow::SessionReduce): one long-lived stream for
// every key, driven with the platform's window operations.
//
//   numaflow::testing::SessionReduceClient client{socket_path};
//   numaflow::KeyedWindow const session{start, end, "0", {"k"}};
//   client.open(session, datum);
//   client.append(session, another);
//   client.close(session);
//   auto responses = client.until_eofs(1);   // the session's messages, then its EOF

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/message.hpp"
#include "numaflow/sessionreduce/v1/sessionreduce.grpc.pb.h"
#include "numaflow/testing/stream_client.hpp"
#include "numaflow/window.hpp"

namespace numaflow::testing {

// A response of a session-reduce stream: one message of a session, or the session's EOF.
using SessionReduceResponse = WindowedResponse<Message>;

namespace detail {
inline Message session_reduce_result(sessionreduce::v1::SessionReduceResponse const& r) {
  return numaflow::detail::message_from_result(r.result());
}
}  // namespace detail

// Drives the stream of a session-reduce server: each call sends one window operation (throwing
// ProtocolError once the server has ended the stream); the reads check that every response
// carries its window.
class SessionReduceClient : public KeyedWindowsClient<sessionreduce::v1::SessionReduce,
                                                      &sessionreduce::v1::SessionReduce::Stub::SessionReduceFn,
                                                      &detail::session_reduce_result> {
 public:
  using KeyedWindowsClient::KeyedWindowsClient;

  // OPEN: a new session with its first datum.
  void open(KeyedWindow const& session, Datum const& datum) { send(Request::WindowOperation::OPEN, {session}, &datum); }

  // APPEND: a datum of an open session.
  void append(KeyedWindow const& session, Datum const& datum) {
    send(Request::WindowOperation::APPEND, {session}, &datum);
  }

  // EXPAND: the session `from` grows into `to` with `datum`, which falls into the grown part.
  void expand(KeyedWindow const& from, KeyedWindow const& to, Datum const& datum) {
    send(Request::WindowOperation::EXPAND, {from, to}, &datum);
  }

  // MERGE: the sessions become one (the server names the merged window in its responses).
  void merge(std::vector<KeyedWindow> const& sessions) { send(Request::WindowOperation::MERGE, sessions, nullptr); }

  // CLOSE: the session ends; its messages and then its EOF follow.
  void close(KeyedWindow const& session) { send(Request::WindowOperation::CLOSE, {session}, nullptr); }

 private:
  void send(Request::WindowOperation::Event event, std::vector<KeyedWindow> const& windows, Datum const* datum) {
    Request r;
    r.mutable_operation()->set_event(event);
    for (auto const& w : windows) detail::fill_keyed_window(r.mutable_operation()->add_keyedwindows(), w);
    if (datum) numaflow::detail::fill_payload(r.mutable_payload(), *datum);
    if (!stream_.write(r)) throw ProtocolError("numaflow::testing: the session-reduce stream is closed");
  }
};

}  // namespace numaflow::testing
