#pragma once

#include <numaflow/options.hpp>
#include <numaflow/testing.hpp>

#include <chrono>
#include <string>

namespace test {

// Temp paths for one server: socket, server-info file and error directory.
struct Dirs {
  numaflow::testing::TempDir tmp;
  std::string operator/(std::string const& name) const { return tmp / name; }
  std::string info_path() const { return tmp / "server-info"; }
  std::string error_dir() const { return tmp / "errors"; }
  numaflow::ServerOptions options(std::string const& socket) const {
    numaflow::ServerOptions o;
    o.socket_path = tmp / socket;
    o.server_info_path = tmp / (socket + "-info");
    o.error_dir = error_dir();
    o.shutdown_grace = std::chrono::seconds{5};
    return o;
  }
};

}  // namespace test
