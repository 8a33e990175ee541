// map_even_odd: reads the value as a little-endian unsigned integer of any length (an empty value
// is 0) and routes it by parity: even numbers get keys ["even"] and tags ["even-tag"], odd numbers
// keys ["odd"] and tags ["odd-tag"]. The value is forwarded unchanged.
//
// Handlers written as classes: numaflow::Mapper for --policy sync and multiproc,
// numaflow::AsyncMapper (a coroutine) for async.

#include <string_view>

#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

// The parity of a little-endian integer is the lowest bit of its first byte; no need to build the
// (possibly huge) number. Same result as Python's int.from_bytes(value, "little") % 2 == 0.
bool is_even(std::string_view little_endian) {
  return little_endian.empty() || (static_cast<unsigned char>(little_endian.front()) & 1u) == 0;
}

numaflow::Messages route(numaflow::Datum const& d) {
  if (is_even(d.value)) return {numaflow::Message{d.value}.with_keys({"even"}).with_tags({"even-tag"})};
  return {numaflow::Message{d.value}.with_keys({"odd"}).with_tags({"odd-tag"})};
}

class EvenOdd final : public numaflow::Mapper {
 public:
  numaflow::Messages handle(numaflow::Datum const& d) override { return route(d); }
};

class AsyncEvenOdd final : public numaflow::AsyncMapper {
 public:
  numaflow::Task<numaflow::Messages> handle(numaflow::Datum const& d) override { co_return route(d); }
};

}  // namespace

int main(int argc, char** argv) {
  using example::Policy;
  auto const args = example::parse(
      argc, argv, {.program = "map_even_odd", .policies = {Policy::sync, Policy::async, Policy::multiproc}});

  switch (args.policy) {
    case Policy::sync: return numaflow::Server<numaflow::Map, numaflow::Sync>{EvenOdd{}, args.options}.serve();
    case Policy::async: return numaflow::Server<numaflow::Map, numaflow::Async>{AsyncEvenOdd{}, args.options}.serve();
    case Policy::multiproc:
      return numaflow::Server<numaflow::Map, numaflow::MultiProc>{EvenOdd{}, args.options}.serve();
  }
  return 2;
}
