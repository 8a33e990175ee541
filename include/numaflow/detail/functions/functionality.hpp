#pragma once

#include <map>
#include <string>

#include "numaflow/policies/async.hpp"
#include "numaflow/policies/multiproc.hpp"
#include "numaflow/policies/sync.hpp"

namespace numaflow::detail {

// Where a functionality listens and what it announces.
struct Endpoint {
  std::string socket_path;
  std::string server_info_path;
  std::string minimum_numaflow_version;
  std::map<std::string, std::string> metadata;
};

// Specialised once per functionality tag listed in detail/registry.hpp, in its detail twin
// detail/functions/<tag>.hpp:
//   static Endpoint endpoint();
//   template <class Policy, class H> using service = …;   // a ServiceBase serving handler H
template <class Tag>
struct Functionality;

// Specialised once per tag and policy the registry pairs, with NUMAFLOW_DETAIL_HANDLER_CONTRACT:
//   template <class H> static constexpr bool accepts;     // H is a handler Server<Tag, Policy> takes
//   template <class H> static constexpr void check();     // otherwise, the one static_assert it fails
template <class Tag, class Policy>
struct HandlerContract;

}  // namespace numaflow::detail

// One handler contract: the handlers `Server<Tag, Policy>` accepts (`...`, an expression in `H`)
// and the sentence it fails with otherwise. A macro because static_assert takes only a string
// literal, and that literal has to name the user's tag and policy.
#define NUMAFLOW_DETAIL_HANDLER_CONTRACT(Tag, Policy, expected_forms, ...)                                    \
  template <>                                                                                                 \
  struct HandlerContract<Tag, Policy> {                                                                       \
    template <class H>                                                                                        \
    static constexpr bool accepts = __VA_ARGS__;                                                              \
    template <class H>                                                                                        \
    static constexpr void check() {                                                                           \
      static_assert(accepts<H>, "numaflow::Server<" #Tag ", " #Policy ">: the handler must " expected_forms); \
    }                                                                                                         \
  }

// Separate compilation: with NUMAFLOW_SEPARATE_COMPILATION (the CMake target numaflow::numaflow
// defines it) the parts of a tag that do not depend on the handler — its gRPC service, its stream
// shapes, the generated service code they reach — are declared `extern template` by each detail
// twin and instantiated once, in the numaflow library (src/services.cpp defines
// NUMAFLOW_COMPILING_LIBRARY). Without it (the single header) everything stays header-only.
#if defined(NUMAFLOW_COMPILING_LIBRARY)
#define NUMAFLOW_DETAIL_INSTANTIATE template
#elif defined(NUMAFLOW_SEPARATE_COMPILATION)
#define NUMAFLOW_DETAIL_INSTANTIATE extern template
#endif

// A stepped tag's gRPC service (e.g. SinkService<SinkWork>) and the ServiceCore it derives from,
// each named once: instantiated in the library, declared extern elsewhere, nothing without
// separate compilation.
#if defined(NUMAFLOW_DETAIL_INSTANTIATE)
#define NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(...)                                                               \
  NUMAFLOW_DETAIL_INSTANTIATE class __VA_ARGS__;                                                               \
  NUMAFLOW_DETAIL_INSTANTIATE class ServiceCore<__VA_ARGS__::generated_type, __VA_ARGS__::ready_response_type, \
                                                __VA_ARGS__::work_type>
#else
#define NUMAFLOW_DETAIL_INSTANTIATE_SERVICE(...) static_assert(true)
#endif
