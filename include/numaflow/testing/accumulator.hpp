#pragma once

// Test client for accumulator servers (numaflow::Accumulator): one long-lived stream for every
// key, driven with the platform's window operations.
//
//   numaflow::testing::AccumulatorClient client{socket_path};
//   auto const window = numaflow::testing::AccumulatorClient::open_window({"k"}, first_event_time);
//   client.open(window, datum);
//   client.append(window, another);
//   client.close(window);
//   auto responses = client.until_eofs(1);   // the outputs still held, then the EOF

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "numaflow/accumulator/v1/accumulator.grpc.pb.h"
#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/convert.hpp"
#include "numaflow/functions/accumulator.hpp"
#include "numaflow/testing/stream_client.hpp"
#include "numaflow/window.hpp"

namespace numaflow::testing {

// A response of an accumulator stream: one output, or the EOF of one key's window.
using AccumulatorResponse = WindowedResponse<AccumulatorOutput>;

namespace detail {
// An output must carry its event time and watermark.
inline AccumulatorOutput accumulator_output(accumulator::v1::AccumulatorResponse const& r) {
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
  return output;
}
}  // namespace detail

// Drives the stream of an accumulator server: each call sends one window operation (throwing
// ProtocolError once the server has ended the stream); the reads check that every response
// carries its window and every output its event time and watermark.
class AccumulatorClient
    : public KeyedWindowsClient<accumulator::v1::Accumulator, &accumulator::v1::Accumulator::Stub::AccumulateFn,
                                &detail::accumulator_output> {
 public:
  using KeyedWindowsClient::KeyedWindowsClient;

  // The end of the window the platform sends with OPEN and APPEND: the latest protobuf time
  // (9999-12-31 is not it: the platform uses year 262143).
  static constexpr Timestamp open_window_end{8210298412799, 999999999};

  // The window the platform sends for `keys` with OPEN and APPEND: from the first event time to
  // open_window_end.
  static KeyedWindow open_window(Keys keys, Timestamp start = {}) {
    return {start, open_window_end, "0", std::move(keys)};
  }

  // OPEN: the keys' first datum.
  void open(KeyedWindow const& window, Datum const& datum) { send(Request::WindowOperation::OPEN, window, &datum); }

  // APPEND: a later datum of open keys.
  void append(KeyedWindow const& window, Datum const& datum) { send(Request::WindowOperation::APPEND, window, &datum); }

  // CLOSE: the keys end (`window.end` is their close time); the EOF carries this window.
  void close(KeyedWindow const& window) { send(Request::WindowOperation::CLOSE, window, nullptr); }

 private:
  void send(Request::WindowOperation::Event event, KeyedWindow const& window, Datum const* datum) {
    Request r;
    r.mutable_operation()->set_event(event);
    detail::fill_keyed_window(r.mutable_operation()->mutable_keyedwindow(), window);
    if (datum) {
      numaflow::detail::fill_payload(r.mutable_payload(), *datum);
      r.mutable_payload()->set_id(datum->id);
    }
    if (!stream_.write(r)) throw ProtocolError("numaflow::testing: the accumulator stream is closed");
  }
};

}  // namespace numaflow::testing
