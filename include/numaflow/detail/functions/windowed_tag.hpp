#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/detail/shapes/windowed.hpp"
#include "numaflow/detail/shapes/windowed_drivers.hpp"
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

// What the windowed tags (reduce, session reduce, accumulator) share: their framings beyond WindowedFraming: a
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

// The driver of a callback object (Sync reduce stream, session reduce, accumulator): each task's
// copy sees on_datum for each datum and on_close at close, serially on the task's strand, then the
// emitter. What else of the window and in which order each callback is told is the framing's
// `tell(window, callback, datum...)`, which calls `callback` with it.
template <class H, class Framing, class... Execution>
struct CallbackDriver : Framing, SyncWindowedExecution<H, Execution...> {
  using SyncWindowedExecution<H, Execution...>::SyncWindowedExecution;

  template <class TaskPtr>
  void feed(TaskPtr const& task, Datum&& d) {
    this->feed_with(task, std::move(d), [](auto& in, KeyedWindow const& w, Datum&& datum) {
      Framing::tell(
          w, [&](auto const&... told) { in.handler.H::on_datum(told..., in.hooks.out); }, datum);
    });
  }
  template <class TaskPtr>
  void close(TaskPtr const& task, Finished finished) {
    this->close_with(task, std::move(finished), [](auto& in, KeyedWindow const& w) {
      Framing::tell(w, [&](auto const&... told) { in.handler.H::on_close(told..., in.hooks.out); });
    });
  }
};

}  // namespace numaflow::detail
