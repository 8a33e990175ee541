#pragma once

#include <boost/asio/awaitable.hpp>

#include <type_traits>
#include <utility>

#include "numaflow/detail/functions/step.hpp"

namespace numaflow::detail {

// A tag's steps, lifted for a policy whose handler returns its result (Sync, MultiProc): the runner
// calls it with the unit of work by reference, on whichever thread or process it chose.
template <class H, class... Steps>
struct CalledSteps {
  using steps = std::tuple<Steps...>;
  H handler;

  template <class In, class Step = step_taking_t<In, Steps...>>
  typename Step::Response operator()(In& in) {
    decltype(auto) input = decode_step<Step>(in);
    if constexpr (requires { Step::answer_without_handler(input); }) {
      if (auto answer = Step::answer_without_handler(input)) return std::move(*answer);
    }
    if constexpr (std::is_void_v<decltype(Step::call(handler, input))>) {
      Step::call(handler, input);
      return Step::encode(input);
    } else {
      return Step::encode(input, Step::call(handler, input));
    }
  }
};

// The same steps, lifted for Async: a coroutine that takes the unit of work by value, so that it
// lives in the coroutine frame for as long as the handler may refer to it.
template <class H, class... Steps>
struct AwaitedSteps {
  using steps = std::tuple<Steps...>;
  H handler;

  template <class In, class Step = step_taking_t<In, Steps...>>
  boost::asio::awaitable<typename Step::Response> operator()(In in) {
    decltype(auto) input = decode_step<Step>(in);
    if constexpr (requires { Step::answer_without_handler(input); }) {
      if (auto answer = Step::answer_without_handler(input)) co_return std::move(*answer);
    }
    if constexpr (std::is_void_v<awaited_t<decltype(Step::call(handler, input))>>) {
      co_await Step::call(handler, input);
      co_return Step::encode(input);
    } else {
      co_return Step::encode(input, co_await Step::call(handler, input));
    }
  }
};

}  // namespace numaflow::detail
