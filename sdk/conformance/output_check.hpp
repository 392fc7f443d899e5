// Whether an op's output, or a config schema, is valid against the SDK's schemas (sdk/schemas),
// with the daemon's validator (cx_op_schema).
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace cx::conformance {

/// The first problem with out as the response of op, or nullopt when it conforms.
std::optional<std::string> output_problem(const std::string& op, const boost::json::value& out);

/// The first problem with a plugin's config schema against sdk/schemas/config.schema.json.
std::optional<std::string> config_schema_problem(const boost::json::value& schema);

}  // namespace cx::conformance
