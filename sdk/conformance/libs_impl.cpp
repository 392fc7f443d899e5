// Boost.URL compiled into cx-conformance (Boost.JSON comes with cx_op_schema), so the kit needs
// the Boost headers only.
#include <boost/url/src.hpp>
