#pragma once

#include <map>
#include <string>

namespace numaflow::detail {

// Where a functionality listens and what it announces.
struct Endpoint {
  std::string socket_path;
  std::string server_info_path;
  std::string minimum_numaflow_version;
  std::map<std::string, std::string> metadata;
};

// Specialised once per functionality tag, in its detail twin detail/functions/<tag>.hpp:
//   static Endpoint endpoint();
//   template <class Policy, class H> static constexpr bool accepts;   // H is a valid handler
//   template <class Policy, class H> static constexpr void check();   // the static_assert texts
//   template <class Policy, class H> using service = …;               // a ServiceBase
template <class Tag>
struct Functionality {
  static_assert(
      sizeof(Tag) == 0,
      "numaflow::Server<Tag, Policy>: Tag must be one of numaflow::Map, BatchMap, MapStream, SourceTransform, "
      "Sink, Source, SideInput, ServingStore, Reduce, ReduceStream, SessionReduce, Accumulator (and its header "
      "included)");
};

}  // namespace numaflow::detail
