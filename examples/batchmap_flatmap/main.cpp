// batchmap_flatmap: the map_flatmap example as a batch map. Every value of a batch (UTF-8 text) is
// split on "," into one message per part, in order, empty parts included ("x,,y" gives "x", "",
// "y"; an empty value gives one empty message); the messages carry no keys and no tags. One
// BatchResponse per request id, in the batch's order. A value that is not valid UTF-8 is a handler
// error, as in map_flatmap.
//
// Handlers written as lambdas: a plain one for --policy sync, a coroutine for async.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <numaflow/functions/batchmap.hpp>
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

numaflow::Messages split(numaflow::Datum const& d) {
  std::string_view const text = d.value;
  if (!valid_utf8(text))
    throw std::invalid_argument("batchmap_flatmap: the value of id " + d.id + " is not valid UTF-8");
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

numaflow::BatchResponses flatmap_batch(numaflow::Datums const& batch) {
  numaflow::BatchResponses responses;
  responses.reserve(batch.size());
  for (auto const& d : batch) responses.emplace_back(d.id, split(d));
  return responses;
}

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args =
      example::parse(argc, argv, {.program = "batchmap_flatmap", .policies = {Policy::sync, Policy::async}});

  auto flatmap = [](numaflow::Datums const& batch) { return flatmap_batch(batch); };
  auto flatmap_async = [](numaflow::Datums const& batch) -> numaflow::Task<numaflow::BatchResponses> {
    co_return flatmap_batch(batch);
  };

  switch (args.policy) {
    case Policy::sync: return numaflow::Server<numaflow::BatchMap, numaflow::Sync>{flatmap, args.options}.serve();
    case Policy::async:
      return numaflow::Server<numaflow::BatchMap, numaflow::Async>{flatmap_async, args.options}.serve();
    case Policy::multiproc: break;  // not offered: batch map serves with Sync or Async only
  }
  return 2;
}
