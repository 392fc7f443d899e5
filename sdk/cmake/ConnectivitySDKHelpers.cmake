# cx_add_connector(<id> SOURCES <files…>)
# Builds connector plugin <id>.so (MODULE, no "lib" prefix) against the Connectivity SDK:
# hidden visibility, no undefined symbols, and a version script that exports only
# cx_connector_entry. In-tree plugins and out-of-tree authors call this same function.
function(cx_add_connector id)
  cmake_parse_arguments(CX "" "OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT id MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "cx_add_connector: id '${id}' must match [a-z0-9_]+")
  endif()
  add_library(${id} MODULE ${CX_SOURCES} ${CX_SDK_JSON_IMPL})
  set_target_properties(${id} PROPERTIES
    PREFIX ""
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(CX_OUTPUT_DIRECTORY)
    set_target_properties(${id} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CX_OUTPUT_DIRECTORY})
  endif()
  target_compile_definitions(${id} PRIVATE BOOST_JSON_NO_LIB BOOST_CONTAINER_NO_LIB BOOST_URL_NO_LIB)
  target_link_libraries(${id} PRIVATE cx::sdk ${CX_LINK_LIBRARIES})
  target_link_options(${id} PRIVATE
    -Wl,--no-undefined
    -Wl,--exclude-libs,ALL
    -Wl,--version-script=${CX_SDK_EXPORTS_MAP})
  set_property(TARGET ${id} APPEND PROPERTY LINK_DEPENDS ${CX_SDK_EXPORTS_MAP})
endfunction()
