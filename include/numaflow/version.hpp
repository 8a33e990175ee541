#pragma once

#define NUMAFLOW_CPP_VERSION_MAJOR 0
#define NUMAFLOW_CPP_VERSION_MINOR 1
#define NUMAFLOW_CPP_VERSION_PATCH 0

namespace numaflow {

// Written to the server-info file; the platform skips its SDK-version check for languages it
// does not know, so this is informational.
inline constexpr char const* sdk_version = "0.1.0";

}  // namespace numaflow
