# Builds tests/fuzz with clang in a scratch dir and runs fuzz_protocol for a fixed time budget over
# the checked-in seed corpus (tests/fuzz/corpus/protocol); new inputs go to WORK_DIR/corpus.
#   cmake -DSOURCE_DIR=<numaflow-cpp source> -DWORK_DIR=<scratch dir> -DCXX=<clang++>
#         [-DLAUNCHER=<ccache>] [-DJOBS=2] [-DSECONDS=30] -P run_fuzz.cmake
# A crash, sanitizer report, hang or broken invariant fails the test; the input is kept in
# WORK_DIR/artifacts/ (replay: <WORK_DIR>/build/fuzz_protocol <file>).
cmake_minimum_required(VERSION 3.25)
if(NOT JOBS)
  set(JOBS 2)
endif()
if(NOT SECONDS)
  set(SECONDS 30)
endif()

set(RUN_STEP_CONTEXT "fuzz")
include(${CMAKE_CURRENT_LIST_DIR}/../run_step.cmake)

# The build dir is kept between runs (ccache and make keep rebuilds short); the corpus is not.
set(configure_args -S ${SOURCE_DIR}/tests/fuzz -B ${WORK_DIR}/build -DCMAKE_CXX_COMPILER=${CXX})
if(LAUNCHER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
string(TIMESTAMP start "%s")
run(configure ${CMAKE_COMMAND} ${configure_args})
run(build ${CMAKE_COMMAND} --build ${WORK_DIR}/build -j${JOBS})
string(TIMESTAMP built "%s")
file(REMOVE_RECURSE ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
run("fuzz_protocol (-max_total_time=${SECONDS})"
    ${WORK_DIR}/build/fuzz_protocol -max_total_time=${SECONDS} -timeout=60 -rss_limit_mb=4096 -print_final_stats=1
    -artifact_prefix=${WORK_DIR}/artifacts/ ${WORK_DIR}/corpus ${SOURCE_DIR}/tests/fuzz/corpus/protocol)
string(TIMESTAMP done "%s")
math(EXPR build_s "${built} - ${start}")
math(EXPR run_s "${done} - ${built}")
message(STATUS "fuzz: built in ${build_s} s, fuzzed ${run_s} s without a finding")
