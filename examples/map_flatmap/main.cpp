// map_flatmap: splits the value (UTF-8 text) on "," and emits one message per part, in order,
// empty parts included ("x,,y" gives "x", "", "y"; an empty value gives one empty message). The
// messages carry no keys and no tags. A value that is not valid UTF-8 is a handler error, as the
// UTF-8 decode in the pynumaflow example makes it.
//
// Handlers written as free functions, passed as compile-time constants with numaflow::fn<&f>.

#include <cstddef>
#include <stdexcept>
#include <string_view>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto const b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 < 0x80)
      len = 1;
    else if (b0 >= 0xC2 && b0 <= 0xDF)
      len = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto const b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

numaflow::Messages flatmap(numaflow::Datum const& d) {
  std::string_view const text = d.value;
  if (!valid_utf8(text)) throw std::invalid_argument("map_flatmap: the value is not valid UTF-8");
  numaflow::Messages out;
  std::size_t start = 0;
  for (;;) {
    auto const comma = text.find(',', start);
    out.emplace_back(std::string{text.substr(start, comma - start)});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

numaflow::Task<numaflow::Messages> flatmap_async(numaflow::Datum const& d) { co_return flatmap(d); }

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args = example::parse(
      argc, argv, {.program = "map_flatmap", .policies = {Policy::sync, Policy::async, Policy::multiproc}});

  switch (args.policy) {
    case Policy::sync:
      return numaflow::Server<numaflow::Map, numaflow::Sync>{numaflow::fn<&flatmap>, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::Map, numaflow::Async>{numaflow::fn<&flatmap_async>, args.options}.serve();
    case Policy::multiproc:
      return numaflow::Server<numaflow::Map, numaflow::MultiProc>{numaflow::fn<&flatmap>, args.options}.serve();
  }
  return 2;
}
