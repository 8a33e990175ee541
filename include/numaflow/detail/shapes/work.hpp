#pragma once

#include <grpcpp/grpcpp.h>

#include <exception>
#include <functional>
#include <utility>

#include "numaflow/detail/runtime/runtime.hpp"
#include "numaflow/detail/shapes/stream.hpp"

namespace numaflow::detail {

// Where a shape hands one unit of work (`In`) and learns its outcome (`Response`, or an error): the
// runner of a tag's handler, behind one virtual call per unit of work. Behind this line the shapes
// and the gRPC services do not depend on the handler's type, so they are compiled once per tag (in
// the numaflow library, see detail/separate_compilation.hpp), not in every UDF.
template <class In, class Response>
class Submitter {
 public:
  using Done = std::function<void(std::exception_ptr, Response)>;
  // Runs the work wherever the runner runs its handler.
  virtual void submit(In&& in, Done done) = 0;
  // The same for work that only computes one response from one request: the runner may run it on
  // the calling gRPC thread (SyncRunner's InlineGate).
  virtual void submit_per_request(In&& in, Done done) = 0;

 protected:
  ~Submitter() = default;
};

// All that a tag's service needs from its handler's runner: a Submitter per kind of work, and the
// start and stop around serving.
template <class... Submitters>
class Work : public Submitters... {
 public:
  using Submitters::submit...;
  using Submitters::submit_per_request...;
  virtual void start() = 0;
  virtual void stop() = 0;

 protected:
  ~Work() = default;
};

// A submitter for one step, forwarding to the runner `Self` owns.
template <class Self, class Step, class Base>
class SubmitStep : public Base {
  using Done = typename Submitter<typename Step::In, typename Step::Response>::Done;

 public:
  using Base::submit;
  using Base::submit_per_request;
  void submit(typename Step::In&& in, Done done) override {
    static_cast<Self&>(*this).runner().submit(std::move(in), std::move(done));
  }
  void submit_per_request(typename Step::In&& in, Done done) override {
    auto& runner = static_cast<Self&>(*this).runner();
    if constexpr (requires { runner.submit_per_request(std::move(in), std::move(done)); })
      runner.submit_per_request(std::move(in), std::move(done));
    else
      runner.submit(std::move(in), std::move(done));
  }
};

}  // namespace numaflow::detail

namespace numaflow::detail {

template <class... Steps>
using work_for_t = Work<Submitter<typename Steps::In, typename Steps::Response>...>;

template <class Self, class Base, class... Steps>
struct step_submitters {
  using type = Base;
};
template <class Self, class Base, class Step, class... Steps>
struct step_submitters<Self, Base, Step, Steps...> {
  using type = SubmitStep<Self, Step, typename step_submitters<Self, Base, Steps...>::type>;
};

// The handler's side of the line: `Runner` (a SyncRunner, AsyncRunner or MultiProcRunner of the
// tag's lifted steps) offered to the service as the Work of `Steps`.
template <class Runner, class... Steps>
class SteppedRunner final
    : public step_submitters<SteppedRunner<Runner, Steps...>, work_for_t<Steps...>, Steps...>::type {
 public:
  using runner_type = Runner;
  using process_type = typename Runner::process_type;
  using work_type = work_for_t<Steps...>;

  template <class Process, class Runtime>
  SteppedRunner(Process&& process, Runtime& runtime) : runner_(std::forward<Process>(process), runtime) {}

  void start() override { runner_.start(); }
  void stop() override { runner_.stop(); }
  Runner& runner() { return runner_; }

 private:
  Runner runner_;
};

}  // namespace numaflow::detail

namespace numaflow::detail {

// The work of a streaming RPC whose shape depends on the handler (the windowed tags: the stream
// calls the driver directly, per request). The service only opens streams through it, so the
// service itself, and the generated gRPC code it derives from, stay independent of the handler.
template <class Request, class Response>
class StreamWork {
 public:
  // A new stream, for the next call of the RPC.
  virtual BidiCall<Request, Response>* open(Runtime& runtime) = 0;
  virtual void start() = 0;
  virtual void stop() = 0;

 protected:
  ~StreamWork() = default;
};

// A windowed driver as a service's StreamWork: each stream is a `Shape<Driver>`.
template <class Driver, template <class> class Shape>
class DriverWork final : public StreamWork<typename Driver::Framing::Request, typename Driver::Framing::Response> {
 public:
  using process_type = typename Driver::process_type;
  using work_type = StreamWork<typename Driver::Framing::Request, typename Driver::Framing::Response>;

  template <class Process>
  DriverWork(Process&& process, Runtime& runtime) : driver_(std::forward<Process>(process), runtime) {}

  BidiCall<typename Driver::Framing::Request, typename Driver::Framing::Response>* open(Runtime& runtime) override {
    return new Shape<Driver>(runtime, driver_);
  }
  void start() override { driver_.start(); }
  void stop() override { driver_.stop(); }

 private:
  Driver driver_;
};

}  // namespace numaflow::detail
