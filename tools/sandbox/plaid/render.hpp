// Plaid sandbox: JSON output as Plaid writes it (pretty-printed, plain decimal numbers) and the
// PlaidError body.
#pragma once

#include "model.hpp"

#include <httplib.h>

#include <boost/json.hpp>

#include <string>

namespace cx::sandbox::plaid {

/// Pretty-printed JSON (2-space indent); doubles in their shortest plain decimal text ("12.3").
std::string pretty(const boost::json::value& v);

/// A PlaidError body (schema PlaidError) for `e`, with request_id.
boost::json::object error_body(const PlaidErr& e, const std::string& request_id);

/// Writes a JSON response.
void send_json(httplib::Response& res, int status, const boost::json::value& body);

/// Amount in major units as Plaid's double (12345 at 2 -> 123.45).
double major(int64_t minor, int precision);

}  // namespace cx::sandbox::plaid
