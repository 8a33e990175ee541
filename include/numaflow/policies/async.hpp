#pragma once

#include <utility>  // boost 1.74 asio/awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

namespace numaflow {

// Execution policy: the handler is a coroutine returning boost::asio::awaitable<…>; it may
// co_await timers, sockets or HTTP calls. Coroutines run on `ServerOptions::workers` threads.
struct Async {
  static constexpr char const* name = "Async";
};

template <class T>
using Task = boost::asio::awaitable<T>;

}  // namespace numaflow
