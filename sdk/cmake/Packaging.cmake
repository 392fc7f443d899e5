# `cpack -G DEB` in a standalone SDK build: connectivity-sdk_<version>_<arch>.deb with the headers,
# the CMake package, the schemas, cx-conformance and the template.
set(CPACK_PACKAGE_NAME connectivity-sdk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Connectivity")
set(CPACK_PACKAGE_CONTACT "Connectivity maintainers <connectivity@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Connectivity connector SDK: headers, CMake package, cx-conformance, template")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Authors compile against the Boost headers and build with CMake and a C++20 compiler.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libboost-dev (>= 1.81) | libboost1.81-dev, cmake (>= 3.20), g++ (>= 4:12)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "catch2")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # cx-conformance's libc/libstdc++ versions
include(CPack)
