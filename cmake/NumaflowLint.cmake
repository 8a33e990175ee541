# `make lint`: tools/lint over this build tree's compile_commands.json — the clang-format check of our
# C++ sources and clang-tidy over our headers through the tests', examples', tools' and benchmarks'
# translation units (.clang-format and .clang-tidy at the root; clang-format-14, clang-tidy-14).
# `make format`: clang-format our sources in place.
# Included by the top-level CMakeLists.txt only, which also turns on CMAKE_EXPORT_COMPILE_COMMANDS.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_FOUND)
  return()
endif()
add_custom_target(lint
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/tools/lint --build-dir ${PROJECT_BINARY_DIR}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "tools/lint: clang-format check and clang-tidy"
  USES_TERMINAL VERBATIM)
# The SDK's headers include the generated stub headers, so clang-tidy needs them (not the tests).
add_dependencies(lint numaflow_proto)
add_custom_target(format
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/tools/lint --format --fix
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "tools/lint --format --fix: clang-format our sources in place"
  USES_TERMINAL VERBATIM)
