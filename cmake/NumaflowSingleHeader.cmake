# NUMAFLOW_USE_SINGLE_HEADER=ON builds the tests, examples and doc snippets against
# single_include/numaflow/numaflow.hpp instead of include/. Their sources keep including the
# headers they need by name (<numaflow/testing.hpp>, <numaflow/options.hpp>, ...), so every other
# public header name is answered by a one-line forwarder to the single header, generated here into
# a directory searched after single_include/: nothing from include/ is compiled in this mode.
function(numaflow_single_header_forwarders out_var)
  set(forwarders ${CMAKE_CURRENT_BINARY_DIR}/single_header_forwarders)
  file(GLOB_RECURSE headers RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/include CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/include/numaflow/*.hpp)
  foreach(header IN LISTS headers)
    if(NOT header STREQUAL "numaflow/numaflow.hpp")
      file(CONFIGURE OUTPUT ${forwarders}/${header}
           CONTENT "// Generated (NUMAFLOW_USE_SINGLE_HEADER): every public header is the single header.\n#pragma once\n#include <numaflow/numaflow.hpp>\n")
    endif()
  endforeach()
  set(${out_var} ${forwarders} PARENT_SCOPE)
endfunction()
