# Sanitizer builds of the whole project (tests, the test fixture, examples, tools, benchmarks and
# the generated stubs): configure with
#   -DNUMAFLOW_SANITIZE=address,undefined      AddressSanitizer (+ LeakSanitizer) + UBSan
#   -DNUMAFLOW_SANITIZE=thread                 ThreadSanitizer
# tools/sanitize asan|tsan does this in build-asan/ or build-tsan/ and runs the suite.
#
# The flags are added to every target of this project (add_compile_options/add_link_options), so
# the processes the tests spawn (numaflow_test_udf, the examples) are instrumented too. Only for a
# top-level build: as a subproject, the consumer's own flags decide.
#
# Sets NUMAFLOW_SANITIZER_ENVIRONMENT: the runtime options (NAME=value, a list) that the tests run
# with. Children inherit them from the test process.

set(NUMAFLOW_SANITIZE "" CACHE STRING
    "Build with sanitizers: empty, address,undefined (or address / undefined), or thread")
set_property(CACHE NUMAFLOW_SANITIZE PROPERTY STRINGS "" "address,undefined" "address" "undefined" "thread")
set(NUMAFLOW_SANITIZER_ENVIRONMENT "")

if(NUMAFLOW_SANITIZE AND PROJECT_IS_TOP_LEVEL)
  string(REPLACE "," ";" numaflow_sanitizers "${NUMAFLOW_SANITIZE}")
  foreach(sanitizer IN LISTS numaflow_sanitizers)
    if(NOT sanitizer MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "NUMAFLOW_SANITIZE: unknown sanitizer '${sanitizer}' (use address,undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST numaflow_sanitizers AND "address" IN_LIST numaflow_sanitizers)
    message(FATAL_ERROR "NUMAFLOW_SANITIZE: thread and address cannot be combined")
  endif()

  add_compile_options(-fsanitize=${NUMAFLOW_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${NUMAFLOW_SANITIZE})
  if("thread" IN_LIST numaflow_sanitizers AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ warns (-Wtsan) that TSan does not model std::atomic_thread_fence, which Boost.Asio's
    # handler queue uses; with -Werror that would stop the build. The fence is in Boost, not ours.
    add_compile_options(-Wno-tsan)
  endif()
  if("undefined" IN_LIST numaflow_sanitizers)
    # Every UB report fails the test instead of printing and carrying on.
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()

  # One exit code for every sanitizer report (it also tells a report apart from the exit code 1
  # that a failing UDF server returns by contract, which some tests expect).
  set(numaflow_sanitizer_exitcode 86)
  if("address" IN_LIST numaflow_sanitizers)
    # detect_leaks: LeakSanitizer runs at exit of every process (test, fixture, examples).
    # abort_on_error=0: exit with the code above (an abort would look like a death by signal).
    list(APPEND NUMAFLOW_SANITIZER_ENVIRONMENT
         "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=${numaflow_sanitizer_exitcode}:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
         "LSAN_OPTIONS=exitcode=${numaflow_sanitizer_exitcode}")
  endif()
  if("undefined" IN_LIST numaflow_sanitizers)
    list(APPEND NUMAFLOW_SANITIZER_ENVIRONMENT
         "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=${numaflow_sanitizer_exitcode}")
  endif()
  if("thread" IN_LIST numaflow_sanitizers)
    # Debian's gRPC is not instrumented: what that takes is explained in tests/sanitizers/tsan.supp.
    # history_size=7: the longest per-thread access history, so that the earlier access of a race
    # on a long-lived stream still has its stack (the suppressions match on it).
    list(APPEND NUMAFLOW_SANITIZER_ENVIRONMENT
         "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:history_size=7:exitcode=${numaflow_sanitizer_exitcode}:suppressions=${CMAKE_CURRENT_LIST_DIR}/../tests/sanitizers/tsan.supp")
  endif()
  message(STATUS "numaflow: sanitizers ${NUMAFLOW_SANITIZE}; tests run with ${NUMAFLOW_SANITIZER_ENVIRONMENT}")
elseif(NUMAFLOW_SANITIZE)
  message(STATUS "numaflow: NUMAFLOW_SANITIZE is ignored in a subproject build")
endif()
