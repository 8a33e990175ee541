#pragma once

// numaflow::DatumStream's members: compiled once in the numaflow library under
// NUMAFLOW_SEPARATE_COMPILATION, inline otherwise (see detail/separate_compilation.hpp).

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <utility>

#include "numaflow/datum_stream.hpp"

namespace numaflow {

struct DatumStream::State {
  State(Executor const& executor, std::function<void()> on_consumed)
      : signal(executor), on_consumed(std::move(on_consumed)) {
    signal.expires_at(boost::asio::steady_timer::time_point::max());
  }
  void consumed() const {
    if (on_consumed) on_consumed();
  }
  boost::asio::steady_timer signal;
  std::function<void()> on_consumed;
  std::deque<Datum> queue;
  bool closed = false;
  bool abandoned = false;
};

NUMAFLOW_DETAIL_COMPILED DatumStream::DatumStream(Executor executor, std::function<void()> on_consumed)
    : executor_(std::move(executor)), state_(std::make_shared<State>(executor_, std::move(on_consumed))) {}

NUMAFLOW_DETAIL_COMPILED DatumStream::~DatumStream() = default;

NUMAFLOW_DETAIL_COMPILED Task<std::optional<Datum>> DatumStream::next() {
  auto& state = *state_;
  while (state.queue.empty() && !state.closed) {
    boost::system::error_code ignored;
    co_await state.signal.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  if (state.queue.empty()) co_return std::nullopt;
  Datum d = std::move(state.queue.front());
  state.queue.pop_front();
  state.consumed();
  co_return d;
}

NUMAFLOW_DETAIL_COMPILED void DatumStream::push(Datum d) {
  boost::asio::post(executor_, [state = state_, d = std::move(d)]() mutable {
    if (state->abandoned) return state->consumed();
    state->queue.push_back(std::move(d));
    state->signal.cancel();
  });
}

NUMAFLOW_DETAIL_COMPILED void DatumStream::close() {
  boost::asio::post(executor_, [state = state_] {
    state->closed = true;
    state->signal.cancel();
  });
}

NUMAFLOW_DETAIL_COMPILED void DatumStream::abandon() {
  boost::asio::post(executor_, [state = state_] {
    state->abandoned = true;
    for (; !state->queue.empty(); state->queue.pop_front()) state->consumed();
  });
}

}  // namespace numaflow
