// Boost.JSON and Boost.URL compiled into cx-conformance, which then needs the Boost headers only.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
