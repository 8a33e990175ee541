#pragma once

#include <map>
#include <string>
#include <vector>

#include "numaflow/metadata.hpp"
#include "numaflow/time.hpp"

namespace numaflow {

using Keys = std::vector<std::string>;
using Headers = std::map<std::string, std::string>;

// One input message as handed to a handler. `value` holds raw bytes.
struct Datum {
  Keys keys{};
  std::string value{};
  Timestamp event_time{};
  Timestamp watermark{};
  Headers headers{};
  // The request id (map, sink) or source offset (transformer); empty where the protocol has none.
  std::string id{};
  Metadata user_metadata{};
  // Written by the platform (e.g. tracing, sink retry_count); read-only by convention.
  Metadata system_metadata{};
};

using Datums = std::vector<Datum>;

}  // namespace numaflow
