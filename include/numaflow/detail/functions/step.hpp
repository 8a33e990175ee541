#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/detail/functions/handler_traits.hpp"
#include "numaflow/detail/shapes/batch.hpp"

namespace numaflow::detail {

// A step: how a functionality turns one unit of work (a request, a batch, a call) into its
// response around one handler call. A tag writes it once; the execution policy lifts it into the
// callable its runner executes (detail/policies/lift.hpp): Sync and MultiProc call it, Async awaits
// the handler in a coroutine that owns the unit of work.
//
//   struct SomeStep {
//     using In = …;                                  // what the runner is handed
//     using Response = …;                            // what goes back to the stream
//     static Input decode(In&);                      // optional (default: In& itself); may refer into In
//     static decltype(auto) call(auto& handler, Input&);  // the handler's result, or an awaitable of it
//     static Response encode(Input&, Result&&);      // encode(Input&) when the handler returns nothing
//     static std::optional<Response> answer_without_handler(Input&);  // optional: no call needed
//   };
template <class Step, class In>
decltype(auto) decode_step(In& in) {
  if constexpr (requires { Step::decode(in); })
    return Step::decode(in);
  else
    return (in);
}

// The step among `Steps` that takes `In`.
template <class In, class... Steps>
struct step_taking;
template <class In, class Step, class... Steps>
struct step_taking<In, Step, Steps...>
    : std::conditional_t<std::is_same_v<typename Step::In, In>, std::type_identity<Step>, step_taking<In, Steps...>> {};

template <class In, class... Steps>
using step_taking_t = typename step_taking<std::remove_cvref_t<In>, Steps...>::type;

// What co_await on a handler's awaitable yields.
template <class Awaitable>
struct awaited;
template <class T, class Executor>
struct awaited<boost::asio::awaitable<T, Executor>> {
  using type = T;
};
template <class Awaitable>
using awaited_t = typename awaited<std::remove_cvref_t<Awaitable>>::type;

template <class T>
inline constexpr bool is_awaitable = requires {
  typename awaited<std::remove_cvref_t<T>>::type;
};

// Two handler results needed by one response (a source's partitions and their total): a pair of
// values, or, when the handler's calls are awaitables, an awaitable of that pair.
template <class A, class B>
auto both(A&& a, B&& b) {
  if constexpr (is_awaitable<A>) {
    return [](A a, B b) -> boost::asio::awaitable<std::pair<awaited_t<A>, awaited_t<B>>> {
      auto first = co_await std::move(a);
      co_return std::pair{std::move(first), co_await std::move(b)};
    }(std::forward<A>(a), std::forward<B>(b));
  } else {
    return std::pair<std::decay_t<A>, std::decay_t<B>>{std::forward<A>(a), std::forward<B>(b)};
  }
}

}  // namespace numaflow::detail

namespace numaflow::detail {

// The step of the per-datum functionalities (map, source transformer): `Framing` decodes a request
// into a Datum and encodes the handler's messages for it.
template <class Framing>
struct DatumStep {
  using In = typename Framing::Request;
  using Response = typename Framing::Response;
  static Datum decode(In& request) { return Framing::datum(request); }
  static decltype(auto) call(auto& handler, Datum const& datum) { return call_datum_handler(handler, datum); }
  template <class Result>
  static Response encode(Datum const& datum, Result&& messages) {
    return Framing::response(datum, std::forward<Result>(messages));
  }
};

// The step of the batch functionalities (batch map, sink): the batch's requests become Datums, the
// handler answers every one of them exactly once, and `Framing` encodes the answers and the EOT.
template <class Framing>
struct BatchStep {
  using In = std::vector<typename Framing::Request>;
  using Response = std::vector<typename Framing::Response>;
  static Datums decode(In& batch) {
    Datums datums;
    datums.reserve(batch.size());
    for (auto& request : batch) datums.push_back(Framing::datum(request));
    return datums;
  }
  static std::optional<Response> answer_without_handler(Datums const& datums) {
    if (!datums.empty()) return std::nullopt;
    return Response{Framing::eot_response()};
  }
  static decltype(auto) call(auto& handler, Datums const& datums) { return call_batch_handler(handler, datums); }
  template <class Answers>
  static Response encode(Datums const& datums, Answers&& answers) {
    verify_batch_ids(datums, answers);
    return Framing::batch_responses(std::forward<Answers>(answers));
  }
};

}  // namespace numaflow::detail
