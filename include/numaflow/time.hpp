#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

namespace numaflow {

// A protobuf timestamp kept as (seconds, nanos) without validation: the platform sends instants
// far outside std::chrono's nanosecond range (an accumulator window ends in the year 262143).
struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;

  friend constexpr auto operator<=>(Timestamp const&, Timestamp const&) = default;

  static constexpr Timestamp from_unix_millis(std::int64_t ms) {
    std::int64_t secs = ms / 1000;
    std::int64_t rem = ms % 1000;
    if (rem < 0) {
      rem += 1000;
      --secs;
    }
    return {secs, static_cast<std::int32_t>(rem * 1'000'000)};
  }

  template <class Duration>
  static constexpr Timestamp from(std::chrono::time_point<std::chrono::system_clock, Duration> tp) {
    auto const ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
    std::int64_t secs = ns / 1'000'000'000;
    std::int64_t rem = ns % 1'000'000'000;
    if (rem < 0) {
      rem += 1'000'000'000;
      --secs;
    }
    return {secs, static_cast<std::int32_t>(rem)};
  }

  static Timestamp now() { return from(std::chrono::system_clock::now()); }

  // Milliseconds since the epoch, saturating instead of overflowing. (`nanos` is not validated: a
  // platform timestamp may carry any value, so its milliseconds can push past the limit too.)
  constexpr std::int64_t unix_millis() const {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    if (seconds > max / 1000) return max;
    if (seconds < min / 1000 + 1) return min;
    std::int64_t const ms = seconds * 1000;
    std::int64_t const extra = nanos / 1'000'000;
    if (extra > 0 && ms > max - extra) return max;
    if (extra < 0 && ms < min - extra) return min;
    return ms + extra;
  }

  // As a system_clock time point (microsecond precision), saturating at the clock's range
  // (with libstdc++'s nanosecond clock: years 1678 to 2262).
  constexpr std::chrono::system_clock::time_point time_point() const {
    using Duration = std::chrono::system_clock::duration;
    // Whole seconds that fit, leaving room for the sub-second part (unvalidated nanos: up to ±2.15 s).
    constexpr std::int64_t limit = std::chrono::duration_cast<std::chrono::seconds>(Duration::max()).count() - 3;
    std::int64_t const s = seconds > limit ? limit : (seconds < -limit ? -limit : seconds);
    return std::chrono::system_clock::time_point{
        std::chrono::duration_cast<Duration>(std::chrono::seconds{s}) +
        std::chrono::duration_cast<Duration>(std::chrono::microseconds{nanos / 1000})};
  }
};

// RFC 3339 in UTC: "2022-01-01T00:00:00Z", with the fraction only when not zero
// ("…T00:00:00.123Z"). Years beyond 9999 are printed in full.
inline std::string to_rfc3339(Timestamp t) {
  std::int64_t secs = t.seconds;
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (proleptic Gregorian).
  days += 719468;
  std::int64_t const era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t const doe = days - era * 146097;
  std::int64_t const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t year = yoe + era * 400;
  std::int64_t const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t const mp = (5 * doy + 2) / 153;
  std::int64_t const day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t const month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(rem / 3600),
                static_cast<long long>(rem % 3600 / 60), static_cast<long long>(rem % 60));
  std::string out = buf;
  if (t.nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09d", static_cast<int>(t.nanos));
    std::string fraction = buf;
    while (fraction.back() == '0') fraction.pop_back();
    out += fraction;
  }
  return out + "Z";
}

}  // namespace numaflow
