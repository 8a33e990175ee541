# For the test suite's `cmake -P` scripts (tests/consumers/run_consumer.cmake,
# tests/fuzz/run_fuzz.cmake): run(<step> <command>...) runs a command and stops the script with
# "<RUN_STEP_CONTEXT>: <step> failed (<result>)" when it does not succeed.
function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${RUN_STEP_CONTEXT}: ${step} failed (${result})")
  endif()
endfunction()
