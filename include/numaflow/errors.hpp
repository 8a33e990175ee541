#pragma once

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "numaflow/detail/runtime/env.hpp"
#include "numaflow/detail/runtime/files.hpp"
#include "numaflow/detail/runtime/json.hpp"

namespace numaflow {

inline constexpr char const* default_error_dir = "/var/numaflow/runtime/application-errors";

namespace detail {
inline std::atomic<bool>& critical_error_persisted() {
  static std::atomic<bool> done{false};
  return done;
}

// Writes <dir>/<container>/<unix-seconds>-udf.json through current-udf.json.
inline std::filesystem::path write_error_file(std::string const& dir, std::string const& code,
                                              std::string const& message, std::string const& details) {
  namespace fs = std::filesystem;
  auto const container = container_type();
  fs::path const root{dir.empty() ? std::string{default_error_dir} : dir};
  fs::path const container_dir = root / container;
  std::error_code ec;
  fs::create_directories(container_dir, ec);
  if (ec)
    throw std::runtime_error("numaflow: cannot create error directory " + container_dir.string() + ": " + ec.message());
  ::chmod(root.c_str(), 0777);
  ::chmod(container_dir.c_str(), 0777);
  auto const now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string json = "{\"container\":";
  append_json_string(json, container);
  json += ",\"timestamp\":" + std::to_string(now) + ",\"code\":";
  append_json_string(json, code.empty() ? std::string{"Internal error"} : code);
  json += ",\"message\":";
  append_json_string(json, message);
  json += ",\"details\":";
  append_json_string(json, details);
  json += "}";
  auto const current = container_dir / "current-udf.json";
  write_file_atomically(current, json);
  auto final_path = container_dir / (std::to_string(now) + "-udf.json");
  fs::rename(current, final_path, ec);
  if (ec) throw std::runtime_error("numaflow: cannot rename " + current.string() + ": " + ec.message());
  return final_path;
}
}  // namespace detail

// Persists a critical error for the platform to show, as the other SDKs' helpers do. Runs at most
// once per process; a second call throws std::logic_error. Returns the file written.
// `dir` overrides the platform's application-errors directory (tests, local runs).
inline std::filesystem::path persist_critical_error(std::string code, std::string const& message,
                                                    std::string const& details, std::string const& dir = {}) {
  if (detail::critical_error_persisted().exchange(true))
    throw std::logic_error("numaflow::persist_critical_error: already executed in this process");
  return detail::write_error_file(dir, std::move(code), message, details);
}

}  // namespace numaflow
