#pragma once

// The windowed shape's non-template functions: compiled once in the numaflow library under
// NUMAFLOW_SEPARATE_COMPILATION, inline otherwise (see detail/separate_compilation.hpp).

#include <boost/asio/post.hpp>

#include <functional>
#include <vector>

#include "numaflow/detail/shapes/windowed.hpp"

namespace numaflow::detail {

NUMAFLOW_DETAIL_COMPILED void post_all(Strand const& strand, std::vector<std::function<void()>>& jobs) {
  for (auto& job : jobs) boost::asio::post(strand, std::move(job));
  jobs.clear();
}

}  // namespace numaflow::detail
