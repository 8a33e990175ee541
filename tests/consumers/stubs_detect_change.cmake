# Copies proto/ and single_include/ aside, changes one .proto without regenerating, and expects
# `tools/amalgamate --check --stubs` to fail with its "out of date" message.
file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${SOURCE_DIR}/proto ${SOURCE_DIR}/single_include DESTINATION ${WORK_DIR})
file(APPEND ${WORK_DIR}/proto/numaflow/map/v1/map.proto "\nmessage NobodyRegenerated {}\n")
execute_process(
  COMMAND ${PYTHON} ${SOURCE_DIR}/tools/amalgamate --check --stubs --root ${SOURCE_DIR}/include
          --out ${WORK_DIR}/single_include/numaflow/numaflow.hpp --proto-root ${WORK_DIR}/proto
          --protoc ${PROTOC} --grpc-plugin ${GRPC_PLUGIN}
  RESULT_VARIABLE result
  ERROR_VARIABLE error)
if(result EQUAL 0)
  message(FATAL_ERROR "amalgamate --check --stubs accepted stale stubs")
endif()
if(NOT error MATCHES "stubs is out of date" OR NOT error MATCHES "proto is out of date")
  message(FATAL_ERROR "amalgamate --check --stubs failed without saying why: ${error}")
endif()
message(STATUS "stale stubs detected: ${error}")
