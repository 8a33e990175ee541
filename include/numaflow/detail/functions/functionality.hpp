#pragma once

#include <map>
#include <string>

#include "numaflow/detail/separate_compilation.hpp"
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
