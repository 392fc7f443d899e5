// JSON with integers beyond 64 bits, as Formance Ledger v2 sends and expects them: amounts and
// balances are big integers written as bare JSON numbers (spec: `type: integer, format: bigint`).
// Boost.JSON alone would turn such a literal into a lossy double, so parse_bigint_json() keeps the
// digits of every out-of-range integer literal in a tagged string, and serialize_bigint_json()
// writes tagged strings back as bare numbers.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cx::util {

/// Parses one JSON document (strict RFC 8259, Boost.JSON's parser) like boost::json::parse, except
/// that an integer literal outside int64/uint64 becomes bigint_value(digits) instead of a double.
/// Returns nullopt (and sets `error`, if given) on malformed JSON.
std::optional<boost::json::value> parse_bigint_json(std::string_view text, std::string* error = nullptr);

/// A JSON value that serialize_bigint_json() writes as the bare integer `decimal` (e.g. "-1234…").
/// `decimal` must be an optional '-' then digits (it is not checked here).
boost::json::value bigint_value(std::string_view decimal);

/// The decimal text of an integer JSON value (int64, uint64 or a bigint_value), nullopt for
/// anything else: doubles (1.5, 1e3), strings, etc.
std::optional<std::string> integer_text(const boost::json::value& v);

/// boost::json::serialize, with every bigint_value written as a bare JSON number.
std::string serialize_bigint_json(const boost::json::value& v);

}  // namespace cx::util
