# Configures, builds and runs one consumer project of tests/consumers/.
#   cmake -DCONSUMER=<name> -DSOURCE_DIR=<numaflow-cpp source> -DWORK_DIR=<scratch dir>
#         [-DINSTALL_FROM=<numaflow-cpp build dir>] [-DCXX=<compiler>] [-DLAUNCHER=<ccache>] [-DJOBS=2]
#         -P run_consumer.cmake
# With INSTALL_FROM, that build is first installed to WORK_DIR/prefix and found from there.
cmake_minimum_required(VERSION 3.25)
if(NOT JOBS)
  set(JOBS 2)
endif()

set(RUN_STEP_CONTEXT "consumer ${CONSUMER}")
include(${CMAKE_CURRENT_LIST_DIR}/../run_step.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(configure_args -S ${SOURCE_DIR}/tests/consumers/${CONSUMER} -B ${WORK_DIR}/build
    -DNUMAFLOW_SOURCE_DIR=${SOURCE_DIR})
if(CXX)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX})
endif()
if(LAUNCHER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
if(INSTALL_FROM)
  run("cmake --install" ${CMAKE_COMMAND} --install ${INSTALL_FROM} --prefix ${WORK_DIR}/prefix)
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
endif()
run(configure ${CMAKE_COMMAND} ${configure_args})
run(build ${CMAKE_COMMAND} --build ${WORK_DIR}/build -j${JOBS})
run("the consumer binary" ${WORK_DIR}/build/consumer)
message(STATUS "consumer ${CONSUMER}: configured, built and ran")
