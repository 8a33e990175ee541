// sink_log_metadata: logs the user metadata of every datum, one line each,
//   User Metadata: {group: {key: "value", ...}, ...}
// (groups and keys in order, values escaped as in sink_log), and answers success.
//
// Handler: a lambda over the batch, policy sync.

#include <string>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"
#include "example_format.hpp"
#include "example_sink.hpp"

namespace {

std::string describe(numaflow::Metadata const& metadata) {
  std::string out = "{";
  for (auto const& [group, entries] : metadata.all()) {
    out += (out.size() > 1 ? ", " : "") + example::escaped(group) + ": {";
    std::string inner;
    for (auto const& [key, value] : entries)
      inner += (inner.empty() ? "" : ", ") + example::escaped(key) + ": \"" + example::escaped(value) + "\"";
    out += inner + "}";
  }
  return out + "}";
}

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "sink_log_metadata", .policies = {example::Policy::sync}});

  auto log_metadata = [](numaflow::Datums const& batch) {
    return example::respond_each(batch, [](numaflow::Datum const& d) {
      example::print_line("User Metadata: " + describe(d.user_metadata));
      return numaflow::SinkResponse::success(d.id);
    });
  };
  return numaflow::Server<numaflow::Sink, numaflow::Sync>{log_metadata, args.options}.serve();
}
