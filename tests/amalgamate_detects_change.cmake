# Copies include/ and the current single headers aside, changes one header, and expects
# `tools/amalgamate --check` to fail with its "out of date" message naming the single header that
# carries it: once for an SDK header (numaflow.hpp), once for a test-kit header (numaflow_testing.hpp).
function(expect_stale changed_header stale_output)
  set(work ${WORK_DIR}/${stale_output})
  file(REMOVE_RECURSE ${work})
  file(COPY ${SOURCE_DIR}/include DESTINATION ${work})
  file(COPY ${SOURCE_DIR}/single_include DESTINATION ${work})
  file(APPEND ${work}/include/${changed_header} "// a change nobody regenerated\n")
  execute_process(
    COMMAND ${PYTHON} ${SOURCE_DIR}/tools/amalgamate --check --root ${work}/include
            --out ${work}/single_include/numaflow/numaflow.hpp
    RESULT_VARIABLE result
    ERROR_VARIABLE error)
  if(result EQUAL 0)
    message(FATAL_ERROR "amalgamate --check accepted a stale ${stale_output} (${changed_header} changed)")
  endif()
  if(NOT error MATCHES "${stale_output} is out of date")
    message(FATAL_ERROR "amalgamate --check did not say that ${stale_output} is out of date: ${error}")
  endif()
  message(STATUS "stale single header detected: ${error}")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
expect_stale(numaflow/version.hpp numaflow.hpp)
expect_stale(numaflow/testing/map.hpp numaflow_testing.hpp)
