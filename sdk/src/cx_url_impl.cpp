// Compiles Boost.URL into the plugin (hidden visibility), for connectivity/http.hpp and
// connectivity/config.hpp: like Boost.JSON, no Boost library is needed at run time.
#include <boost/url/src.hpp>
