// The named checks of cx-conformance (list and rules: sdk/conformance/README.md).
#pragma once

#include "fixtures.hpp"
#include "plugin.hpp"
#include "report.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cx::conformance {

struct Context {
  const Plugin& plugin;
  std::string stem;                  ///< file name without directory and ".so"
  boost::json::object config;        ///< a valid config (the --config file)
  std::optional<Fixtures> fixtures;  ///< recorded answers (--fixtures), if any
  Report& report;
  std::vector<std::string> texts;    ///< every log line and error the plugin produced
};

void check_descriptor(Context& ctx);
void check_symbols(Context& ctx);
void check_config(Context& ctx);
/// Pagination, outputs, error classes, deadlines and concurrency, per op of the fixtures.
void check_ops(Context& ctx);
/// Run last: no configured secret in any log line or error seen so far.
void check_secrets(Context& ctx);

}  // namespace cx::conformance
