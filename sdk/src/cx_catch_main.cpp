// The main() of every cx_add_connector_test() executable (Catch2 v2), compiled once per project.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
