// Whether an op's output has the shape its response schema (sdk/schemas/<op>.response.json) asks.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace cx::conformance {

/// The first problem with out as the response of op, or nullopt when it conforms.
std::optional<std::string> output_problem(const std::string& op, const boost::json::value& out);

}  // namespace cx::conformance
