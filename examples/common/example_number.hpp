#pragma once

// Decimal integers as numaflow-go's examples read them (Go's strconv.Atoi): an optional sign and
// digits, nothing else.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "example_format.hpp"

namespace example {

inline std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.starts_with('+')) {
    text.remove_prefix(1);
    if (text.starts_with('-')) return std::nullopt;
  }
  std::int64_t n = 0;
  auto const* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return n;
}

// The value as a decimal integer; a value that is not one is logged
// ("unable to convert the value to int: "<value>"") and counts as nothing.
inline std::optional<std::int64_t> int_value_or_log(std::string const& value) {
  auto n = parse_int(value);
  if (!n) print_line("unable to convert the value to int: \"" + escaped(value) + "\"");
  return n;
}

}  // namespace example
