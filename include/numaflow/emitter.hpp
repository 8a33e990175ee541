#pragma once

#include <concepts>
#include <functional>
#include <ranges>
#include <utility>

#include "numaflow/message.hpp"

namespace numaflow {

// Where a streaming handler writes its output (map stream, source read). Each emitted item is sent
// to the platform at once; emit is safe to call from any thread while the handler runs.
template <class T>
class Emitter {
 public:
  explicit Emitter(std::function<void(T&&)> sink) : sink_(std::move(sink)) {}

  void emit(T item) { sink_(std::move(item)); }
  void operator()(T item) { sink_(std::move(item)); }

  // Emits each item of a range in order: a container, or a lazy view such as range-v3's
  // `words | views::transform(to_message)`. Items the range refers to are copied, not moved.
  template <class R>
    requires(!std::convertible_to<R, T> && std::ranges::input_range<R> &&
             std::convertible_to<std::ranges::range_reference_t<R>, T>)
  void emit(R&& items) {
    for (auto&& item : items) sink_(T(std::forward<decltype(item)>(item)));
  }

 private:
  std::function<void(T&&)> sink_;
};

using MessageEmitter = Emitter<Message>;

}  // namespace numaflow
