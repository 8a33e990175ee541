#pragma once

#include <exception>
#include <functional>
#include <utility>

#include "numaflow/detail/shapes/stream.hpp"
#include "numaflow/detail/shapes/work.hpp"

namespace numaflow::detail {

// One request of a per-request-stream RPC, handed to the runner's process together with the way to
// send a response at once (map stream, source read).
template <class Proto>
struct StreamJob {
  typename Proto::Request request;
  std::function<void(typename Proto::Response)> send;
};

// Shape 2: after the handshake, every request produces any number of responses, each sent as soon
// as the handler emits it, and then the response the process returns (the request's EOT). Requests
// are processed concurrently; for one request the order of its responses is kept.
template <class Proto>
class RequestStream final : public Stream<Proto> {
 public:
  using submitter_type = Submitter<StreamJob<Proto>, typename Proto::Response>;
  RequestStream(Runtime& runtime, submitter_type& submitter) : Stream<Proto>(runtime), submitter_(submitter) {}

 private:
  using Response = typename Proto::Response;

  void on_request(typename Proto::Request&& request) override {
    this->begin_work();
    StreamJob<Proto> job{std::move(request), [this](Response r) { this->send(std::move(r)); }};
    submitter_.submit(std::move(job), [this](std::exception_ptr const& error, Response end) {
      if (error)
        this->fail_with_udf_error(error);
      else
        this->send(std::move(end));
      this->end_work();
    });
  }

  submitter_type& submitter_;
};

}  // namespace numaflow::detail
