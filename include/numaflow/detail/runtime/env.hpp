#pragma once

#include <cstdlib>
#include <string>

namespace numaflow::detail {

inline std::string env_or(char const* name, std::string fallback) {
  char const* v = std::getenv(name);
  return v && *v ? std::string{v} : std::move(fallback);
}

// NUMAFLOW_UD_CONTAINER_TYPE names the container in error markers and error-file directories.
inline std::string container_type() { return env_or("NUMAFLOW_UD_CONTAINER_TYPE", "unknown-container"); }

}  // namespace numaflow::detail
