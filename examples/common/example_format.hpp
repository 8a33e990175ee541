#pragma once

// Small helpers the logging examples use to print a datum on one line.

#include <cstdio>
#include <string>
#include <string_view>

#include <numaflow/datum.hpp>
#include <numaflow/time.hpp>

namespace example {

// The bytes as printable text: printable ASCII as is, `"` and `\` escaped, everything else \xNN.
inline std::string escaped(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

// Writes `text` and a newline to stdout in one write (lines of concurrent handlers never
// interleave) and flushes it.
inline void print_line(std::string text) {
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// [a,b,c]
inline std::string list(numaflow::Keys const& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + escaped(items[i]);
  return out + "]";
}

}  // namespace example
