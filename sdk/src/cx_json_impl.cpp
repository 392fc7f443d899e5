// Compiles Boost.JSON into the plugin (hidden visibility), so a plugin needs no Boost library at
// run time and two plugins never share or shadow each other's JSON symbols.
#include <boost/json/src.hpp>
