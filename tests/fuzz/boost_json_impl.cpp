// Boost.JSON compiled into the fuzz binaries (header-only mode), so sanitizers and coverage
// instrumentation see inside the JSON parser too.
#include <boost/json/src.hpp>
