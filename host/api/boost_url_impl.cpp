// Boost.URL compiled into this library (its documented header-only mode): Debian's
// libboost1.81-dev ships the headers, and no other target links a Boost.URL binary.
#include <boost/url/src.hpp>
