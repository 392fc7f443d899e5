// Canonical JSON (gibson042 "JSON Canonical Form", as canonicaljson-go writes it): object members
// sorted by code point, no insignificant whitespace, minimal string escaping with upper-case \u00XX.
// The v3 composite IDs are base64url of this form, so two equal IDs always have equal strings.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace cx::ids {

/// Serialises `v` canonically. Integers are written as integers; a double is written in the
/// canonical exponent form ("1.0E-1"). Keys are compared byte-wise, which equals code-point order
/// for valid UTF-8.
std::string canonical_json(const boost::json::value& v);

}  // namespace cx::ids
