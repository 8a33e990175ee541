#pragma once

#include <concepts>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

#include "numaflow/datum.hpp"
#include "numaflow/message.hpp"

namespace numaflow {

// Wraps a free function as a constant, so the server calls it directly instead of through a
// function pointer: Server<Map, Sync>{numaflow::fn<&my_map>}.
// Constrained, so asking whether it is invocable with other arguments (which the signature checks
// do) is a plain "no", not an error while deducing the return type of the body (clang rejects that).
template <auto F>
struct fn_t {
  template <class... Args>
    requires requires(Args&&... args) { F(std::forward<Args>(args)...); }
  constexpr decltype(auto) operator()(Args&&... args) const { return F(std::forward<Args>(args)...); }
};
template <auto F>
inline constexpr fn_t<F> fn{};

namespace detail {

template <class...>
inline constexpr bool always_false = false;

// Handlers are stored decayed and by value: a lambda keeps its closure type, a class its
// most-derived type (so its virtual handle() is called directly), a function becomes a pointer.
template <class H>
using stored_t = std::decay_t<H>;

// A handler of one datum returning `Out`: a class derived from `Base`, or a callable taking
// (Datum const&) or (Keys const&, Datum const&).
template <class H, class Base, class Out>
concept datum_handler = std::derived_from<H, Base> || std::is_invocable_r_v<Out, H&, Datum const&> ||
    std::is_invocable_r_v<Out, H&, Keys const&, Datum const&>;

// Any input range whose elements convert to T: a std::vector, a range-v3 view (`split | transform`)…
template <class R, class T>
concept range_of = std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, T>;

// What a callable map-like handler may return: Messages (or what converts to it), or any range of
// messages, such as a lazy view, consumed while its datum is still alive.
template <class R>
concept message_result = std::convertible_to<R, Messages> || range_of<R, Message>;

// A handler of one datum returning a message_result: a class derived from `Base`, or a callable
// taking (Datum const&) or (Keys const&, Datum const&).
template <class H, class Base>
concept datum_to_messages_handler =
    std::derived_from<H, Base> ||
    (std::is_invocable_v<H&, Datum const&>&& message_result<std::invoke_result_t<H&, Datum const&>>) ||
    (std::is_invocable_v<H&, Keys const&, Datum const&> &&
     message_result<std::invoke_result_t<H&, Keys const&, Datum const&>>);

// Hands each message of a handler's result to `sink` as a Message&&: moved out of what the handler
// returned, copied from a range that only refers to messages it keeps elsewhere.
template <class R, class Sink>
void for_each_message(R&& result, Sink&& sink) {
  if constexpr (range_of<R, Message>) {
    using Reference = std::ranges::range_reference_t<R>;
    using Owned = std::remove_cvref_t<R>;
    constexpr bool owned = !std::is_lvalue_reference_v<R> &&
                           (std::is_same_v<Owned, Messages> || std::is_same_v<Owned, std::vector<Message>>);
    constexpr bool movable = owned || !std::is_lvalue_reference_v<Reference>;
    for (auto&& m : result) {
      if constexpr (movable && std::is_same_v<std::remove_cvref_t<decltype(m)>, Message> &&
                    !std::is_const_v<std::remove_reference_t<decltype(m)>>)
        sink(std::move(m));
      else
        sink(Message(m));
    }
  } else {
    Messages messages(std::forward<R>(result));
    for (auto& m : messages) sink(std::move(m));
  }
}

// The one place such a handler is called, whichever style it is written in. A class handler is
// called by qualified name: its dynamic type is known, so there is no virtual dispatch.
template <class H>
decltype(auto) call_datum_handler(H& h, Datum const& d) {
  if constexpr (requires { h.H::handle(d); })
    return h.H::handle(d);
  else if constexpr (std::is_invocable_v<H&, Datum const&>)
    return h(d);
  else
    return h(std::as_const(d.keys), d);
}

}  // namespace detail
}  // namespace numaflow

namespace numaflow::detail {

// A handler of a whole batch returning `Out`: a class derived from `Base`, or a callable taking
// (Datums const&).
template <class H, class Base, class Out>
concept batch_handler = std::derived_from<H, Base> || std::is_invocable_r_v<Out, H&, Datums const&>;

template <class H>
decltype(auto) call_batch_handler(H& h, Datums const& batch) {
  if constexpr (requires { h.H::handle(batch); })
    return h.H::handle(batch);
  else
    return h(batch);
}

}  // namespace numaflow::detail
