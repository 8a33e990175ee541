// map_cat_metadata: forwards every datum's value and keys, with its user metadata plus one entry
// of its own: group "map-group", key "map-key", value "map-value". It logs the groups the datum
// arrived with ("Groups at mapper: [g1 g2]").
//
// Handler: a lambda, policy sync.

#include <cstdio>
#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "map_cat_metadata", .policies = {example::Policy::sync}});

  auto cat_with_metadata = [](numaflow::Datum const& d) {
    std::string groups;
    for (auto const& group : d.user_metadata.groups()) groups += (groups.empty() ? "" : " ") + example::escaped(group);
    std::printf("Groups at mapper: [%s]\n", groups.c_str());
    std::fflush(stdout);
    auto metadata = d.user_metadata;
    metadata.add("map-group", "map-key", "map-value");
    return numaflow::Messages{numaflow::Message{d.value, d.keys}.with_user_metadata(std::move(metadata))};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{cat_with_metadata, args.options}.serve();
}
