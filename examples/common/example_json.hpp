#pragma once

// A small C++ stand-in for the expression language (expr + sprig) that numaflow-go's filter and
// event-time examples evaluate over the payload. A condition names a field of the payload, parsed
// as JSON, by a JSON pointer (RFC 6901: "/id", "/item/1/time") and compares it:
//
//   less_than  the field as an integer (a JSON number, or a string of decimal digits) < operand;
//              a missing or non-integer field is an error (Go's int() panics the same way)
//   equals     the field is the string operand; a missing field is not equal
//   contains   the field as text (a string as is, any other value as JSON, missing as "")
//              contains the operand
//
// A payload that is not a JSON object is an error. Errors are std::invalid_argument: thrown from a
// handler they are a UDF error (logged, reported to the platform, the server stops), like the
// log.Fatalf of the Go examples.

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "example_number.hpp"

namespace example {

struct JsonCondition {
  enum class Compare { less_than, equals, contains };
  std::string path;  // a JSON pointer into the payload
  Compare compare;
  std::string operand;  // less_than: decimal integer text; equals, contains: the text
};

inline nlohmann::json parse_json_object(std::string_view payload) {
  auto doc = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) throw std::invalid_argument("payload is not a JSON object: \"" + std::string{payload} + "\"");
  return doc;
}

// The field at `path`, or nullptr if the payload has none.
inline nlohmann::json const* json_field(nlohmann::json const& doc, std::string const& path) {
  nlohmann::json::json_pointer const pointer{path};
  return doc.contains(pointer) ? &doc.at(pointer) : nullptr;
}

inline std::string json_text(nlohmann::json const* field) {
  if (!field || field->is_null()) return "";
  return field->is_string() ? field->get<std::string>() : field->dump();
}

inline std::int64_t json_integer(nlohmann::json const* field, std::string const& path) {
  if (field && field->is_number()) return field->get<std::int64_t>();
  if (field && field->is_string())
    if (auto n = parse_int(field->get<std::string>())) return *n;
  throw std::invalid_argument("field " + path + " is not an integer: " + (field ? field->dump() : "missing"));
}

inline bool holds(JsonCondition const& condition, nlohmann::json const& doc) {
  auto const* field = json_field(doc, condition.path);
  switch (condition.compare) {
    case JsonCondition::Compare::less_than:
      return json_integer(field, condition.path) < parse_int(condition.operand).value();
    case JsonCondition::Compare::equals: return field && field->is_string() && *field == condition.operand;
    case JsonCondition::Compare::contains: return json_text(field).find(condition.operand) != std::string::npos;
  }
  return false;
}

// Every condition holds for the payload (evaluated in order, stopping at the first that does not).
inline bool holds_all(std::initializer_list<JsonCondition> conditions, std::string_view payload) {
  auto const doc = parse_json_object(payload);
  for (auto const& condition : conditions)
    if (!holds(condition, doc)) return false;
  return true;
}

// The text of the field at `path` (a string as is, any other value as JSON); missing is an error.
inline std::string json_text_at(std::string_view payload, std::string const& path) {
  auto const doc = parse_json_object(payload);
  auto const* field = json_field(doc, path);
  if (!field) throw std::invalid_argument("payload has no field " + path + ": \"" + std::string{payload} + "\"");
  return json_text(field);
}

}  // namespace example
