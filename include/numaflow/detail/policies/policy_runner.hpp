#pragma once

#include <type_traits>

#include "numaflow/detail/policies/async.hpp"
#include "numaflow/detail/policies/multiproc.hpp"
#include "numaflow/detail/policies/sync.hpp"
#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"

namespace numaflow::detail {

// Which runner executes a functionality's `Process` under each policy. `Proto` is needed only by
// MultiProc, which ships requests and responses between processes.
template <class Policy, class Process, class Proto>
struct runner_for;
template <class Process, class Proto>
struct runner_for<Sync, Process, Proto> {
  using type = SyncRunner<Process>;
};
template <class Process, class Proto>
struct runner_for<Async, Process, Proto> {
  using type = AsyncRunner<Process>;
};
template <class Process, class Proto>
struct runner_for<MultiProc, Process, Proto> {
  using type = MultiProcRunner<Process, Proto>;
};

template <class Policy, class Process, class Proto = void>
using runner_t = typename runner_for<Policy, Process, Proto>::type;

}  // namespace numaflow::detail
