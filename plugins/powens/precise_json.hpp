// JSON reading that never turns an amount into a double.
//
// Powens sends amounts as JSON numbers such as -12.5 or 1234.56 (docs/providers/powens.md §1). Boost.JSON's
// tokenizer hands us the source text of every number; this parser keeps integers as integers
// and stores every other number as its exact source text (a JSON string), so amounts can be
// converted to minor units with cx::money::decimal_to_minor without rounding.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace powens {

/// Parses JSON text; non-integer numbers (and integers beyond 64 bits) become strings holding
/// their source text. Throws cx::Failure(CX_ERR_UPSTREAM) naming `what` on malformed JSON.
boost::json::value parse_precise(std::string_view text, std::string_view what = "Powens response");

/// The decimal text of a number or numeric string ("-12.5", "100"); nullopt for null, doubles
/// (precision already lost) and other types.
std::optional<std::string> decimal_text(const boost::json::value* v);

/// An identifier as text: integers in decimal, strings as is; nullopt otherwise.
std::optional<std::string> id_text(const boost::json::value* v);

/// A non-empty string member; nullopt when absent, null, empty or not a string.
std::optional<std::string> string_member(const boost::json::object& o, std::string_view key);

/// The object member `key`, or nullptr when absent or not an object.
const boost::json::object* object_member(const boost::json::object& o, std::string_view key);

/// The array member `key`, or nullptr when absent or not an array.
const boost::json::array* array_member(const boost::json::object& o, std::string_view key);

/// True when `key` is present and neither null nor false.
bool truthy_member(const boost::json::object& o, std::string_view key);

}  // namespace powens
