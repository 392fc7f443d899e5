# Functions of the ConnectivitySDK package; in-tree plugins and out-of-tree authors call the same.
#
# Expects CX_SDK_EXPORTS_MAP, CX_SDK_JSON_IMPL_SOURCE and CX_SDK_CATCH_MAIN_SOURCE (set by
# ConnectivitySDKConfig.cmake, or by sdk/CMakeLists.txt in the Connectivity tree) and cx::sdk.

# Boost.JSON's and Boost.URL's implementations, compiled once per project (hidden,
# position-independent) and linked into every connector and connector test: a plugin needs no
# Boost library at run time, and two plugins never share or shadow each other's symbols.
if(NOT TARGET cx_sdk_json)
  add_library(cx_sdk_json OBJECT ${CX_SDK_JSON_IMPL_SOURCE})
  set_target_properties(cx_sdk_json PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON POSITION_INDEPENDENT_CODE ON)
  target_compile_definitions(cx_sdk_json PUBLIC BOOST_JSON_NO_LIB BOOST_CONTAINER_NO_LIB BOOST_URL_NO_LIB)
  target_link_libraries(cx_sdk_json PUBLIC cx::sdk)
  add_library(cx::sdk_json ALIAS cx_sdk_json)
endif()
# The same objects, for code that lists sources itself (kept for SDK 1.0 callers).
set(CX_SDK_JSON_IMPL $<TARGET_OBJECTS:cx_sdk_json>)

# cx_add_connector(<id> SOURCES <files…> [LINK_LIBRARIES <libs…>] [OUTPUT_DIRECTORY <dir>])
# Builds connector plugin <id>.so (MODULE, no "lib" prefix): hidden visibility, no undefined
# symbols, and a version script that exports only cx_connector_entry.
function(cx_add_connector id)
  cmake_parse_arguments(CX "" "OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT id MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "cx_add_connector: id '${id}' must match [a-z0-9_]+")
  endif()
  add_library(${id} MODULE ${CX_SOURCES})
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
  target_link_libraries(${id} PRIVATE cx::sdk cx_sdk_json ${CX_LINK_LIBRARIES})
  target_link_options(${id} PRIVATE
    -Wl,--no-undefined
    -Wl,--exclude-libs,ALL
    -Wl,--version-script=${CX_SDK_EXPORTS_MAP})
  set_property(TARGET ${id} APPEND PROPERTY LINK_DEPENDS ${CX_SDK_EXPORTS_MAP})
  # Remembered for cx_add_connector_test(CONNECTOR <id>).
  set(abs "")
  foreach(src ${CX_SOURCES})
    get_filename_component(p ${src} ABSOLUTE)
    list(APPEND abs ${p})
  endforeach()
  set_target_properties(${id} PROPERTIES CX_CONNECTOR_SOURCES "${abs}"
    CX_CONNECTOR_LINK_LIBRARIES "${CX_LINK_LIBRARIES}")
endfunction()

# cx_add_connector_test(<name> SOURCES <test files…> [CONNECTOR <id>] [LINK_LIBRARIES <libs…>])
# Builds a Catch2 (v2) test executable <name> from the test sources (plus, with CONNECTOR, the
# connector's own sources and libraries, so the test calls its cx_connector_entry directly
# through cx::testing::Driver) and registers it with CTest. main() comes from the package,
# compiled once per project; call enable_testing() first.
function(cx_add_connector_test name)
  cmake_parse_arguments(CX "" "CONNECTOR" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT TARGET cx_sdk_catch_main)
    find_package(Catch2 2 QUIET CONFIG)
    if(TARGET Catch2::Catch2)
      set(catch Catch2::Catch2)
    else()
      find_path(CX_CATCH2_INCLUDE catch2/catch.hpp)
      if(NOT CX_CATCH2_INCLUDE)
        message(FATAL_ERROR "cx_add_connector_test: Catch2 v2 (catch2/catch.hpp) not found")
      endif()
      add_library(cx_sdk_catch2 INTERFACE)
      target_include_directories(cx_sdk_catch2 INTERFACE ${CX_CATCH2_INCLUDE})
      set(catch cx_sdk_catch2)
    endif()
    add_library(cx_sdk_catch_main STATIC ${CX_SDK_CATCH_MAIN_SOURCE})
    set_target_properties(cx_sdk_catch_main PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
    target_link_libraries(cx_sdk_catch_main PUBLIC ${catch})
  endif()
  set(srcs ${CX_SOURCES})
  set(libs ${CX_LINK_LIBRARIES})
  if(CX_CONNECTOR)
    get_target_property(csrcs ${CX_CONNECTOR} CX_CONNECTOR_SOURCES)
    get_target_property(clibs ${CX_CONNECTOR} CX_CONNECTOR_LINK_LIBRARIES)
    if(NOT csrcs)
      message(FATAL_ERROR "cx_add_connector_test: ${CX_CONNECTOR} was not made by cx_add_connector")
    endif()
    list(APPEND srcs ${csrcs})
    if(clibs)
      list(APPEND libs ${clibs})
    endif()
  endif()
  add_executable(${name} ${srcs})
  set_target_properties(${name} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
  target_link_libraries(${name} PRIVATE cx::sdk cx_sdk_json cx_sdk_catch_main ${libs})
  add_test(NAME ${name} COMMAND ${name})
endfunction()
