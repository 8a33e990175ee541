#pragma once

#include <algorithm>
#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/emitter.hpp"
#include "numaflow/functions/reduce.hpp"
#include "numaflow/message.hpp"
#include "numaflow/window.hpp"

namespace numaflow {

// Functionality tag: accumulator (`accumulator.v1.Accumulator` on accumulator.sock). One stream
// carries every key; each keys gets its own copy of the handler, which sees its datums in order
// and emits when it likes (typically as the watermark passes buffered event times).
struct Accumulator {
  static constexpr char const* name = "Accumulator";
};

// One output of an accumulator, made from the datum it answers. The platform takes the output's id
// as its message id (the ISB writer drops a second message with the same id) and its watermark as
// the keys' window end (which drives WAL garbage collection and watermark progress), so an output
// keeps its datum's id, event time, watermark and headers; its value, keys and tags may change.
// Emit one output per datum: two outputs of one datum share an id.
class AccumulatorOutput {
 public:
  explicit AccumulatorOutput(Datum const& from)
      : value(from.value),
        keys(from.keys),
        id_(from.id),
        event_time_(from.event_time),
        watermark_(from.watermark),
        headers_(from.headers) {}
  explicit AccumulatorOutput(Datum&& from)
      : value(std::move(from.value)),
        keys(std::move(from.keys)),
        id_(std::move(from.id)),
        event_time_(from.event_time),
        watermark_(from.watermark),
        headers_(std::move(from.headers)) {}

  std::string value;
  Keys keys;
  std::vector<std::string> tags{};

  AccumulatorOutput& with_value(std::string v) & {
    value = std::move(v);
    return *this;
  }
  AccumulatorOutput with_value(std::string v) && {
    value = std::move(v);
    return std::move(*this);
  }
  AccumulatorOutput& with_keys(Keys k) & {
    keys = std::move(k);
    return *this;
  }
  AccumulatorOutput with_keys(Keys k) && {
    keys = std::move(k);
    return std::move(*this);
  }
  AccumulatorOutput& with_tags(std::vector<std::string> t) & {
    tags = std::move(t);
    return *this;
  }
  AccumulatorOutput with_tags(std::vector<std::string> t) && {
    tags = std::move(t);
    return std::move(*this);
  }

  std::string const& id() const { return id_; }
  Timestamp event_time() const { return event_time_; }
  Timestamp watermark() const { return watermark_; }
  Headers const& headers() const { return headers_; }

  friend bool operator==(AccumulatorOutput const&, AccumulatorOutput const&) = default;

 private:
  std::string id_;
  Timestamp event_time_;
  Timestamp watermark_;
  Headers headers_;
};

// Where an accumulator writes its outputs. Emitting anything but an AccumulatorOutput (a Message,
// a Datum) does not compile.
class AccumulatorEmitter : public Emitter<AccumulatorOutput> {
 public:
  using Emitter<AccumulatorOutput>::Emitter;
  using Emitter<AccumulatorOutput>::emit;

  template <class T>
    requires(!std::same_as<std::remove_cvref_t<T>, AccumulatorOutput> && !detail::range_of<T, AccumulatorOutput>)
  void emit(T&&) {
    static_assert(detail::always_false<T>,
                  "numaflow::AccumulatorEmitter: emit an AccumulatorOutput made from the datum it answers, "
                  "AccumulatorOutput{datum}; the platform uses its id as the message id and its watermark as the "
                  "window end, so an output without them would be dropped as a duplicate");
  }
  template <class T>
  void operator()(T&& item) {
    emit(std::forward<T>(item));
  }
};

// One object per keys (a copy of the one given to the server) sees the keys' datums in order and
// emits when it likes, typically as the watermark passes buffered event times.
class AccumulatorHandler {
 public:
  virtual ~AccumulatorHandler() = default;
  virtual void on_datum(Datum const& datum, AccumulatorEmitter& out) = 0;
  // The platform closed these keys (CLOSE): emit whatever is still buffered.
  virtual void on_close(AccumulatorEmitter& out) = 0;
  // The stream ended while these keys were open: the platform half-closed it to shut down, or this
  // server is draining. Nothing can be emitted any more. What the object still holds was never
  // emitted, so the platform keeps it in its WAL and replays it to a new object after the restart:
  // drop it (emitting it now would emit it twice). The EOF for the keys carries their output
  // watermark, the latest watermark among what they emitted.
  virtual void on_stream_end() {}
};

}  // namespace numaflow

// The framing, the step, the gRPC service and the registration: internals.
#include "numaflow/detail/functions/accumulator.hpp"
