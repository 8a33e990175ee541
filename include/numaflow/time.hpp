#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>

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

  // Milliseconds since the epoch, saturating instead of overflowing.
  constexpr std::int64_t unix_millis() const {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    if (seconds > max / 1000) return max;
    if (seconds < min / 1000 + 1) return min;
    return seconds * 1000 + nanos / 1'000'000;
  }

  // As a system_clock time point (microsecond precision), saturating at the representable range.
  constexpr std::chrono::system_clock::time_point time_point() const {
    using std::chrono::microseconds;
    constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1'000'000 - 1;
    std::int64_t const s = seconds > limit ? limit : (seconds < -limit ? -limit : seconds);
    return std::chrono::system_clock::time_point{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(microseconds{s * 1'000'000 + nanos / 1000})};
  }
};

}  // namespace numaflow
