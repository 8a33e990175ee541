#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace numaflow {

// The W3C trace context (https://www.w3.org/TR/trace-context/) of the platform stage that calls
// the handler, so the handler can start its span as a child of it with any tracer. The platform
// writes it into the datum's system metadata, group "tracing_udf", keys "traceparent" and
// "tracestate", when tracing is enabled on the pipeline.
struct TraceContext {
  std::string trace_id{};        // 32 lowercase hex digits, not all zero
  std::string parent_span_id{};  // 16 lowercase hex digits, not all zero: the platform stage's span
  std::uint8_t flags = 0;        // trace-flags; bit 0 is "sampled"
  std::string tracestate{};      // vendor entries, verbatim; empty when absent

  bool sampled() const { return (flags & 0x01U) != 0; }

  // The traceparent header this context was read from (version 00).
  std::string traceparent() const {
    static constexpr char hex[] = "0123456789abcdef";
    return "00-" + trace_id + "-" + parent_span_id + "-" + hex[flags >> 4U] + hex[flags & 0x0FU];
  }

  friend bool operator==(TraceContext const&, TraceContext const&) = default;
};

namespace detail {

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase is not allowed by the specification
}

inline bool lower_hex_not_all_zero(std::string_view s) {
  bool non_zero = false;
  for (char c : s) {
    if (hex_digit(c) < 0) return false;
    non_zero = non_zero || c != '0';
  }
  return non_zero;
}

}  // namespace detail

// Parses a traceparent header (and its tracestate); nothing when it is malformed. A version above 00
// is read as 00 is, as the specification asks, and version ff is invalid.
inline std::optional<TraceContext> parse_trace_context(std::string_view traceparent, std::string_view tracestate = {}) {
  // version "-" trace-id "-" parent-id "-" trace-flags: 2 + 1 + 32 + 1 + 16 + 1 + 2
  constexpr std::size_t size_v00 = 55;
  if (traceparent.size() < size_v00) return std::nullopt;
  if (traceparent[2] != '-' || traceparent[35] != '-' || traceparent[52] != '-') return std::nullopt;
  auto const version = traceparent.substr(0, 2);
  if (detail::hex_digit(version[0]) < 0 || detail::hex_digit(version[1]) < 0 || version == "ff") return std::nullopt;
  if (version == "00" ? traceparent.size() != size_v00 : traceparent.size() > size_v00 && traceparent[size_v00] != '-')
    return std::nullopt;
  auto const trace_id = traceparent.substr(3, 32);
  auto const span_id = traceparent.substr(36, 16);
  if (!detail::lower_hex_not_all_zero(trace_id) || !detail::lower_hex_not_all_zero(span_id)) return std::nullopt;
  int const high = detail::hex_digit(traceparent[53]);
  int const low = detail::hex_digit(traceparent[54]);
  if (high < 0 || low < 0) return std::nullopt;
  return TraceContext{std::string{trace_id}, std::string{span_id}, static_cast<std::uint8_t>(high * 16 + low),
                      std::string{tracestate}};
}

}  // namespace numaflow
