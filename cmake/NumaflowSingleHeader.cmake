# NUMAFLOW_USE_SINGLE_HEADER=ON builds the tests, examples and doc snippets against
# single_include/numaflow/numaflow.hpp and numaflow_testing.hpp instead of include/. Their sources
# keep including the headers they need by name (<numaflow/testing.hpp>, <numaflow/options.hpp>,
# ...), so every other public header name is answered by a one-line forwarder to the single header
# that carries it (numaflow_testing.hpp for the test kit, numaflow.hpp for the rest), generated
# here into a directory searched after single_include/: nothing from include/ is compiled in this
# mode.
function(numaflow_single_header_forwarders out_var)
  set(forwarders ${CMAKE_CURRENT_BINARY_DIR}/single_header_forwarders)
  file(GLOB_RECURSE headers RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/include CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/include/numaflow/*.hpp)
  foreach(header IN LISTS headers)
    if(header STREQUAL "numaflow/numaflow.hpp")
      continue()
    endif()
    if(header STREQUAL "numaflow/testing.hpp" OR header MATCHES "^numaflow/testing/")
      set(single numaflow/numaflow_testing.hpp)
    else()
      set(single numaflow/numaflow.hpp)
    endif()
    file(CONFIGURE OUTPUT ${forwarders}/${header}
         CONTENT "// Generated (NUMAFLOW_USE_SINGLE_HEADER): every public header is a single header.\n#pragma once\n#include <${single}>\n")
  endforeach()
  set(${out_var} ${forwarders} PARENT_SCOPE)
endfunction()
