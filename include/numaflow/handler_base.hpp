#pragma once

namespace numaflow {

// The base of the class-style handlers with one call (numaflow::Mapper, numaflow::Sinker, …):
// a class derived from one of them overrides `R handle(Args...)`.
template <class Signature>
class HandlerBase;

template <class R, class... Args>
class HandlerBase<R(Args...)> {
 public:
  virtual ~HandlerBase() = default;
  virtual R handle(Args... args) = 0;
};

}  // namespace numaflow
