#pragma once

#include <exception>
#include <utility>

#include "numaflow/detail/shapes/stream.hpp"

namespace numaflow::detail {

// Shape 1: after the handshake, every request is answered by exactly one response carrying its
// id (unary map, source transformer). Requests are processed concurrently by the runner; the
// responses go out in completion order.
template <class Proto, class Runner>
class PerRequestStream final : public Stream<Proto> {
 public:
  PerRequestStream(Runtime& runtime, Runner& runner) : Stream<Proto>(runtime), runner_(runner) {}

 private:
  void on_request(typename Proto::Request&& request) override {
    this->begin_work();
    runner_.submit(std::move(request), [this](std::exception_ptr const& error, typename Proto::Response response) {
      if (error)
        this->fail_with_udf_error(error);
      else
        this->send(std::move(response));
      this->end_work();
    });
  }

  Runner& runner_;
};

}  // namespace numaflow::detail
