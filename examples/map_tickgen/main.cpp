// map_tickgen: turns the payloads of Numaflow's generator source, JSON like
//   {"Data":{"value":5,"padding":"..."},"Createdts":1700000000123456789}
// into {"Value":5,"Time":"2023-11-14T22:13:20Z"}: the value, and the creation time (Unix
// nanoseconds) in RFC 3339 UTC to the second. Keys are kept. Field names match in any case, as
// Go's encoding/json matches them; a missing field counts as 0. A payload that does not parse
// (not JSON, or a field of the wrong type) produces no message.
//
// Handler: a lambda, policy sync.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <numaflow/numaflow.hpp>

#include "example_cli.hpp"

namespace {

// The member of `object` named `name` in any letter case (nullptr if there is none).
nlohmann::json const* member(nlohmann::json const& object, std::string_view name) {
  auto same = [&](std::string const& key) {
    if (key.size() != name.size()) return false;
    for (std::size_t i = 0; i < key.size(); ++i)
      if ((key[i] | 0x20) != (name[i] | 0x20)) return false;
    return true;
  };
  for (auto const& [key, value] : object.items())
    if (same(key)) return &value;
  return nullptr;
}

struct Tick {
  std::uint64_t value = 0;
  std::int64_t created_ns = 0;
};

std::optional<Tick> parse_tick(std::string_view payload) {
  auto const doc = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  Tick tick;
  if (auto const* data = member(doc, "Data"); data && !data->is_null()) {
    if (!data->is_object()) return std::nullopt;
    if (auto const* value = member(*data, "value"); value && !value->is_null()) {
      if (!value->is_number_unsigned()) return std::nullopt;
      tick.value = value->get<std::uint64_t>();
    }
  }
  if (auto const* created = member(doc, "Createdts"); created && !created->is_null()) {
    if (!created->is_number_integer()) return std::nullopt;
    tick.created_ns = created->get<std::int64_t>();
  }
  return tick;
}

std::string to_result(Tick const& tick) {
  std::int64_t seconds = tick.created_ns / 1'000'000'000;
  if (tick.created_ns % 1'000'000'000 < 0) --seconds;  // round down before 1970 too
  return "{\"Value\":" + std::to_string(tick.value) + ",\"Time\":\"" + numaflow::to_rfc3339({seconds, 0}) + "\"}";
}

}  // namespace

int main(int argc, char** argv) {
  auto const args = example::parse(argc, argv, {.program = "map_tickgen", .policies = {example::Policy::sync}});

  auto tickgen = [](numaflow::Datum const& d) {
    auto const tick = parse_tick(d.value);
    if (!tick) return numaflow::Messages{};
    return numaflow::Messages{numaflow::Message{to_result(*tick), d.keys}};
  };
  return numaflow::Server<numaflow::Map, numaflow::Sync>{tickgen, args.options}.serve();
}
