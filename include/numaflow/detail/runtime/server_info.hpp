#pragma once

#include <map>
#include <string>

#include "numaflow/detail/runtime/files.hpp"
#include "numaflow/detail/runtime/json.hpp"
#include "numaflow/version.hpp"

namespace numaflow::detail {

// The marker the platform expects right after the JSON object.
inline constexpr char const* server_info_end_marker = "U+005C__END__";

struct ServerInfo {
  std::string protocol = "uds";
  std::string language = "cpp";
  std::string minimum_numaflow_version;
  std::string version = sdk_version;
  std::map<std::string, std::string> metadata;
};

inline std::string render_server_info(ServerInfo const& info) {
  std::string out = "{";
  auto field = [&](char const* key, std::string const& value) {
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
    out += ',';
  };
  field("protocol", info.protocol);
  field("language", info.language);
  field("minimum_numaflow_version", info.minimum_numaflow_version);
  field("version", info.version);
  out += "\"metadata\":{";
  bool first = true;
  for (auto const& [k, v] : info.metadata) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  out += "}}";
  out += server_info_end_marker;
  return out;
}

inline void write_server_info(std::string const& path, ServerInfo const& info) {
  write_file_atomically(path, render_server_info(info));
}

}  // namespace numaflow::detail
