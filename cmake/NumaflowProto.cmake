# numaflow_add_proto_library(<target> PROTO_ROOT <dir> PROTOS <relative paths...>)
#
# Generates protobuf and gRPC C++ stubs for the given .proto files (paths relative to PROTO_ROOT)
# into a static library <target>. Users can call it for their own protos too.
function(numaflow_add_proto_library target)
  cmake_parse_arguments(ARG "" "PROTO_ROOT" "PROTOS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(sources)
  foreach(rel IN LISTS ARG_PROTOS)
    get_filename_component(dir ${rel} DIRECTORY)
    get_filename_component(stem ${rel} NAME_WE)
    set(base ${out_dir}/${dir}/${stem})
    set(outs ${base}.pb.cc ${base}.pb.h)
    file(READ ${ARG_PROTO_ROOT}/${rel} proto_text)
    set(plugin_args)
    if(proto_text MATCHES "\nservice ")
      list(APPEND outs ${base}.grpc.pb.cc ${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${out_dir} --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc --cpp_out=${out_dir} ${plugin_args} -I ${ARG_PROTO_ROOT} ${ARG_PROTO_ROOT}/${rel}
      DEPENDS ${ARG_PROTO_ROOT}/${rel} protobuf::protoc
      COMMENT "Generating C++ stubs for ${rel}"
      VERBATIM)
    list(APPEND sources ${outs})
  endforeach()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${out_dir}>)
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
