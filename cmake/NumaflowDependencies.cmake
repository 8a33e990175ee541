# Finds everything numaflow-cpp needs; Debian 12 packages provide all of it.
#
# Used by our own CMakeLists.txt and, installed next to numaflowConfig.cmake, by the package config
# (which sets NUMAFLOW_FIND_DEPENDENCIES_FOR_CONFIG first): there every required package goes through
# find_dependency(), so a missing one makes find_package(numaflow) fail cleanly instead of erroring.
if(NUMAFLOW_FIND_DEPENDENCIES_FOR_CONFIG)
  include(CMakeFindDependencyMacro)
  macro(_numaflow_require)
    find_dependency(${ARGV})
  endmacro()
else()
  macro(_numaflow_require)
    find_package(${ARGV} REQUIRED)
  endmacro()
endif()

_numaflow_require(Threads)
_numaflow_require(Protobuf)
find_package(gRPC CONFIG QUIET)
if(NOT gRPC_FOUND AND NOT TARGET gRPC::grpc++)
  # Some distributions ship gRPC without its CMake config: fall back to pkg-config.
  _numaflow_require(PkgConfig)
  pkg_check_modules(NUMAFLOW_GRPCPP REQUIRED IMPORTED_TARGET grpc++)
  add_library(gRPC::grpc++ INTERFACE IMPORTED)
  target_link_libraries(gRPC::grpc++ INTERFACE PkgConfig::NUMAFLOW_GRPCPP)
  find_program(NUMAFLOW_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
  add_executable(gRPC::grpc_cpp_plugin IMPORTED)
  set_target_properties(gRPC::grpc_cpp_plugin PROPERTIES IMPORTED_LOCATION ${NUMAFLOW_GRPC_CPP_PLUGIN})
endif()
_numaflow_require(Boost 1.74)
_numaflow_require(range-v3 CONFIG)
