// Boost.URL compiled into cx_util (its documented header-only mode), so every target of the
// project that links cx_util has it: Debian's libboost1.81-dev ships only the headers.
#include <boost/url/src.hpp>
