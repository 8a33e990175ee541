#pragma once

#include "numaflow/detail/policies/async.hpp"
#include "numaflow/detail/policies/lift.hpp"
#include "numaflow/detail/policies/multiproc.hpp"
#include "numaflow/detail/policies/sync.hpp"
#include "numaflow/detail/shapes/work.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"

namespace numaflow::detail {

// What each execution policy makes of a tag's steps (`lift`) and what runs the result (`runner`).
template <template <class, class...> class Lift, template <class> class Runner>
struct ExecutionBy {
  template <class H, class... Steps>
  using lift = Lift<H, Steps...>;
  template <class Process>
  using runner = Runner<Process>;
};

template <class Policy>
struct Execution;
template <>
struct Execution<Sync> : ExecutionBy<CalledSteps, SyncRunner> {};
template <>
struct Execution<Async> : ExecutionBy<AwaitedSteps, AsyncRunner> {};
template <>
struct Execution<MultiProc> : ExecutionBy<CalledSteps, MultiProcRunner> {};

// The runner executing handler `H` through `Steps` under `Policy`.
template <class Policy, class H, class... Steps>
using step_runner_t =
    typename Execution<Policy>::template runner<typename Execution<Policy>::template lift<H, Steps...>>;

// The same runner, offered to a service as the Work of `Steps`.
template <class Policy, class H, class... Steps>
using stepped_runner_t = SteppedRunner<step_runner_t<Policy, H, Steps...>, Steps...>;

}  // namespace numaflow::detail
