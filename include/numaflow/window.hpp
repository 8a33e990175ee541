#pragma once

#include <compare>
#include <string>

#include "numaflow/datum.hpp"
#include "numaflow/time.hpp"

namespace numaflow {

// A reduce window: [start, end).
struct IntervalWindow {
  Timestamp start{};
  Timestamp end{};
  friend auto operator<=>(IntervalWindow const&, IntervalWindow const&) = default;
};

// A window together with the keys it belongs to (session reduce, accumulator).
struct KeyedWindow {
  Timestamp start{};
  Timestamp end{};
  std::string slot{};
  Keys keys{};
  friend bool operator==(KeyedWindow const&, KeyedWindow const&) = default;
};

}  // namespace numaflow
