#pragma once

// How servingstore_redis keeps one payload in Redis: the JSON numaflow-go's redis-store writes,
//   {"origin":"<vertex>","value":"<the bytes, standard base64 with padding>"}
// so a store written by either one reads with the other. Decoding accepts any JSON object whose
// members are strings or null (Go writes "value":null for an empty value, and ignores members it
// does not know); anything else is a std::runtime_error naming the problem.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <numaflow/functions/servingstore.hpp>

namespace stored_payload {

inline constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

inline std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::size_t const n = bytes.size() - i < 3 ? bytes.size() - i : 3;
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 3; ++j) group = group << 8 | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? base64_alphabet[group >> (18 - 6 * j) & 0x3f] : '=';
  }
  return out;
}

inline std::string base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) throw std::runtime_error("base64 text whose length is not a multiple of 4");
  // Padding ("x==" or "xx=" of the last group) is the only place '=' may appear.
  std::size_t const padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::size_t const digits = i + 4 == text.size() ? 4 - padding : 4;
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      auto const digit = j < digits ? base64_alphabet.find(text[i + j]) : 0;
      if (digit == std::string_view::npos) throw std::runtime_error("bad base64 text");
      group = group << 6 | static_cast<std::uint32_t>(digit);
    }
    for (std::size_t j = 0; j + 1 < digits; ++j) out += static_cast<char>(group >> (16 - 8 * j) & 0xff);
  }
  return out;
}

inline void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

inline std::string encode(numaflow::ServingPayload const& payload) {
  std::string out = "{\"origin\":";
  append_json_string(out, payload.origin);
  out += ",\"value\":";
  append_json_string(out, base64_encode(payload.value));
  return out + "}";
}

// A reader over one JSON object of string (or null) members.
class ObjectReader {
 public:
  explicit ObjectReader(std::string_view text) : text_(text) {}

  // Calls `member(name, value)` for each member; a null value arrives as an empty string.
  template <class OnMember>
  void read(OnMember&& member) {
    expect('{');
    if (!consume('}')) {
      do {
        std::string name = string();
        expect(':');
        skip_space();
        std::string value;
        if (text_.substr(pos_).starts_with("null"))
          pos_ += 4;
        else
          value = string();
        member(name, value);
      } while (consume(','));
      expect('}');
    }
    skip_space();
    if (pos_ != text_.size()) fail("text after the object");
  }

 private:
  [[noreturn]] void fail(std::string const& what) const {
    throw std::runtime_error("stored payload is not the JSON expected (" + what + " at offset " + std::to_string(pos_) +
                             ")");
  }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!consume(c)) fail(std::string{"expected '"} + c + "'");
  }
  char next() {
    if (pos_ >= text_.size()) fail("unterminated string");
    return text_[pos_++];
  }
  std::uint32_t hex4() {
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      char const c = next();
      auto const digit = std::string_view{"0123456789abcdef"}.find(static_cast<char>(c | 0x20));
      if (digit == std::string_view::npos) fail("bad \\u escape");
      code = code << 4 | static_cast<std::uint32_t>(digit);
    }
    return code;
  }
  static void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xc0 | code >> 6);
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xe0 | code >> 12);
      out += static_cast<char>(0x80 | (code >> 6 & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | code >> 18);
      out += static_cast<char>(0x80 | (code >> 12 & 0x3f));
      out += static_cast<char>(0x80 | (code >> 6 & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    }
  }
  std::uint32_t code_point() {
    std::uint32_t code = hex4();
    if (code >= 0xd800 && code < 0xdc00) {  // a high surrogate: its low half must follow
      if (next() != '\\' || next() != 'u') fail("lone surrogate");
      std::uint32_t const low = hex4();
      if (low < 0xdc00 || low >= 0xe000) fail("lone surrogate");
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
    } else if (code >= 0xdc00 && code < 0xe000) {
      fail("lone surrogate");
    }
    return code;
  }
  std::string string() {
    skip_space();
    if (next() != '"') fail("expected a string or null");
    std::string out;
    for (char c = next(); c != '"'; c = next()) {
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      switch (char const escape = next()) {
        case '"':
        case '\\':
        case '/': out += escape; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': append_utf8(out, code_point()); break;
        default: fail("bad escape");
      }
    }
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline numaflow::ServingPayload decode(std::string_view json) {
  numaflow::ServingPayload payload;
  ObjectReader{json}.read([&](std::string const& name, std::string const& value) {
    if (name == "origin") payload.origin = value;
    if (name == "value") payload.value = base64_decode(value);
  });
  return payload;
}

}  // namespace stored_payload
