#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"

namespace numaflow::detail {

// A keyed window of session reduce or accumulator, as the platform sent it.
template <class ProtoKeyedWindow>
KeyedWindow keyed_window_of(ProtoKeyedWindow const& w) {
  return {from_proto(w.start()), from_proto(w.end()), w.slot(), Keys(w.keys().begin(), w.keys().end())};
}

// The kind of a window operation (the generated `WindowOperation` message of reduce, session
// reduce or accumulator); an event the protocol does not define is a BadWindowRequest naming
// `protocol`.
template <class Operation>
WindowOp::Kind window_op_kind(Operation const& operation, char const* protocol) {
  auto const event = operation.event();
  if (event == Operation::OPEN) return WindowOp::Kind::open;
  if (event == Operation::APPEND) return WindowOp::Kind::append;
  if (event == Operation::CLOSE) return WindowOp::Kind::close;
  if constexpr (requires { Operation::EXPAND, Operation::MERGE; }) {  // session reduce only
    if (event == Operation::EXPAND) return WindowOp::Kind::expand;
    if (event == Operation::MERGE) return WindowOp::Kind::merge;
  }
  throw BadWindowRequest(std::string{"unknown "} + protocol + " window operation " + std::to_string(event));
}

// What the framings of reduce, session reduce and accumulator share beyond WindowedFraming: a
// request decoded into its operation, the windows it names (each framing reads its own window
// fields) and its datum; and results that are messages (reduce, session reduce).
template <class Request_, class Response_>
struct WindowOpFraming : WindowedFraming<Request_, Response_> {
  static WindowOp window_op(Request_& r, char const* protocol, std::vector<KeyedWindow> windows) {
    WindowOp op;
    op.kind = window_op_kind(r.operation(), protocol);
    op.windows = std::move(windows);
    op.datum = WindowOpFraming::payload_datum(r, op.kind);
    return op;
  }

  template <class Task>
  static Response_ result(KeyedWindow const& w, Message&& m, Task&) {
    return WindowOpFraming::message_result(w, std::move(m));
  }
};

}  // namespace numaflow::detail
