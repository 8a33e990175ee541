#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "numaflow/metadata.hpp"
#include "numaflow/time.hpp"
#include "numaflow/trace_context.hpp"

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
  // The vertex that sent this datum, where the platform says (empty otherwise).
  std::string previous_vertex{};

  // The platform stage's trace context, for a span of the handler's own as its child: nothing when
  // the platform sent none (tracing off) or sent a malformed one.
  std::optional<TraceContext> trace_context() const {
    auto traceparent = system_metadata.value(tracing_udf_group, "traceparent");
    if (!traceparent) return std::nullopt;
    return parse_trace_context(*traceparent, system_metadata.value(tracing_udf_group, "tracestate").value_or(""));
  }

  // The system-metadata group in which the platform hands the UDF its trace context.
  static constexpr char const* tracing_udf_group = "tracing_udf";
};

using Datums = std::vector<Datum>;

}  // namespace numaflow
