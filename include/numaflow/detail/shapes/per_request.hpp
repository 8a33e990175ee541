#pragma once

#include <exception>
#include <utility>

#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/detail/shapes/work.hpp"

namespace numaflow::detail {

// Shape 1: after the handshake, every request is answered by exactly one response carrying its
// id (unary map, source transformer). Requests are processed concurrently by the runner; the
// responses go out in completion order.
template <class Proto>
class PerRequestStream final : public Stream<Proto> {
 public:
  using submitter_type = Submitter<typename Proto::Request, typename Proto::Response>;
  PerRequestStream(Runtime& runtime, submitter_type& submitter) : Stream<Proto>(runtime), submitter_(submitter) {}

 private:
  void on_request(typename Proto::Request&& request) override {
    this->begin_work();
    submitter_.submit_per_request(std::move(request),
                                  [this](std::exception_ptr const& error, typename Proto::Response response) {
                                    if (error) {
                                      this->fail_with_udf_error(error);
                                      this->end_work();
                                    } else {
                                      this->end_work_with(std::move(response));
                                    }
                                  });
  }

  submitter_type& submitter_;
};

}  // namespace numaflow::detail
