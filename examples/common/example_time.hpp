#pragma once

// Reads a date and time written as text, for the event-time examples. Accepted (a stand-in for
// the dateparse package numaflow-go's examples use, which guesses among many layouts):
//
//   YYYY-MM-DD(T| )hh:mm:ss[.fraction][Z|+hh:mm|-hh:mm|+hhmm|-hhmm]
//
// that is RFC 3339 and its common variants. Without a zone the time is UTC (the Go examples set
// the local zone to UTC). Anything else is std::invalid_argument.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <numaflow/time.hpp>

namespace example {

namespace time_detail {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  std::int64_t const era = (y >= 0 ? y : y - 399) / 400;
  auto const yoe = static_cast<unsigned>(y - era * 400);
  unsigned const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  int digits(std::size_t n) {
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') fail();
      value = value * 10 + (text_[pos_++] - '0');
    }
    return value;
  }
  void expect(std::string_view one_of) {
    if (pos_ >= text_.size() || one_of.find(text_[pos_]) == std::string_view::npos) fail();
    ++pos_;
  }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  [[noreturn]] void fail() const { throw std::invalid_argument("not a date and time: \"" + std::string{text_} + "\""); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace time_detail

inline numaflow::Timestamp parse_time(std::string_view text) {
  time_detail::Reader in{text};
  int const year = in.digits(4);
  in.expect("-");
  int const month = in.digits(2);
  in.expect("-");
  int const day = in.digits(2);
  in.expect("Tt ");
  int const hour = in.digits(2);
  in.expect(":");
  int const minute = in.digits(2);
  in.expect(":");
  int const second = in.digits(2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) in.fail();
  std::int32_t nanos = 0;
  if (in.take('.')) {
    int scale = 100'000'000, count = 0;
    while (in.peek() >= '0' && in.peek() <= '9') {
      nanos += in.digits(1) * scale;
      scale /= 10;
      ++count;
    }
    if (count == 0) in.fail();
  }
  std::int64_t offset_seconds = 0;
  if (!in.take('Z') && !in.take('z') && !in.at_end()) {
    int const sign = in.peek() == '-' ? -1 : 1;
    in.expect("+-");
    int const hours = in.digits(2);
    in.take(':');
    offset_seconds = sign * (hours * 3600 + in.digits(2) * 60);
  }
  if (!in.at_end()) in.fail();
  std::int64_t const seconds =
      time_detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset_seconds;
  return {seconds, nanos};
}

}  // namespace example
