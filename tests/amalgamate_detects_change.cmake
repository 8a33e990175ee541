# Copies include/ and the current single header aside, changes one header, and expects
# `tools/amalgamate --check` to fail with its "out of date" message.
file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${SOURCE_DIR}/include DESTINATION ${WORK_DIR})
file(COPY ${SOURCE_DIR}/single_include DESTINATION ${WORK_DIR})
file(APPEND ${WORK_DIR}/include/numaflow/version.hpp "// a change nobody regenerated\n")
execute_process(
  COMMAND ${PYTHON} ${SOURCE_DIR}/tools/amalgamate --check --root ${WORK_DIR}/include
          --out ${WORK_DIR}/single_include/numaflow/numaflow.hpp
  RESULT_VARIABLE result
  ERROR_VARIABLE error)
if(result EQUAL 0)
  message(FATAL_ERROR "amalgamate --check accepted a stale single header")
endif()
if(NOT error MATCHES "is out of date")
  message(FATAL_ERROR "amalgamate --check failed without saying why: ${error}")
endif()
message(STATUS "stale single header detected: ${error}")
