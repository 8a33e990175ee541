#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace numaflow::detail {

// Writes `content` to `path` through a temporary file in the same directory and a rename, so
// readers never see a partial file.
inline void write_file_atomically(std::filesystem::path const& path, std::string const& content) {
  auto const tmp = std::filesystem::path{path.string() + ".tmp"};
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("numaflow: cannot write " + tmp.string() + ": " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("numaflow: cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw std::runtime_error("numaflow: cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
}

}  // namespace numaflow::detail
