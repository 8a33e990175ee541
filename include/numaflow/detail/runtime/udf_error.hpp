#pragma once

#include <cxxabi.h>
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "numaflow/detail/runtime/env.hpp"

namespace numaflow::detail {

inline std::string demangle(char const* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out{abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free};
  return status == 0 && out ? std::string{out.get()} : std::string{name};
}

// "<type>: <what>" for the exception being handled by `error`.
// An error already described elsewhere (e.g. in a MultiProc worker): reported verbatim.
class DescribedError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string describe(std::exception_ptr const& error) {
  try {
    std::rethrow_exception(error);
  } catch (DescribedError const& e) {
    return e.what();
  } catch (std::exception const& e) {
    return demangle(typeid(e).name()) + ": " + e.what();
  } catch (...) {
    auto const* type = abi::__cxa_current_exception_type();
    return "non-standard exception of type " + (type ? demangle(type->name()) : std::string{"unknown"});
  }
}

// INTERNAL with the marker the platform parses and a google.rpc.Status carrying DebugInfo.
inline grpc::Status udf_error_status(std::string const& text, std::string const& details) {
  std::string const message = "UDF_EXECUTION_ERROR(" + container_type() + "): " + text;
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(grpc::StatusCode::INTERNAL));
  rich.set_message(message);
  google::rpc::DebugInfo debug;
  debug.set_detail(details);
  rich.add_details()->PackFrom(debug);
  return grpc::Status(grpc::StatusCode::INTERNAL, message, rich.SerializeAsString());
}

}  // namespace numaflow::detail
