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
    submit(std::move(request), [this](std::exception_ptr const& error, typename Proto::Response response) {
      if (error) {
        this->fail_with_udf_error(error);
        this->end_work();
      } else {
        this->end_work_with(std::move(response));
      }
    });
  }

  template <class Done>
  void submit(typename Proto::Request&& request, Done&& done) {
    if constexpr (requires { runner_.submit_per_request(std::move(request), std::forward<Done>(done)); })
      runner_.submit_per_request(std::move(request), std::forward<Done>(done));
    else
      runner_.submit(std::move(request), std::forward<Done>(done));
  }

  Runner& runner_;
};

}  // namespace numaflow::detail
