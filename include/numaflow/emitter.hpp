#pragma once

#include <functional>
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

 private:
  std::function<void(T&&)> sink_;
};

using MessageEmitter = Emitter<Message>;

}  // namespace numaflow
