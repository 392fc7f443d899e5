// The v3 list filter language: JSON text → cx::store::Filter, and back (for cursors).
//   expr   := {"$and":[expr…]} | {"$or":[expr…]} | {"$not":expr} | {"<op>":{"<key>":value}}
//   op     := $match $lt $lte $gt $gte $in $exists $like
//   value  := string | integer | boolean; $in takes an array of those
// Every object has exactly one key; numbers must be integers that fit in 64 bits. Empty text and
// `{}` mean "no filter". Which keys a resource accepts is the store's business (QueryError).
// Bounded so that a filter well under the body limit never reaches SQLite's own limits (an
// expression tree deeper than 1000, too many bound variables), which would be a 500: at most
// kMaxFilterTerms leaves, kMaxFilterValues values (one per leaf, one per $in element) and
// kMaxFilterDepth levels of $and/$or/$not; past one, QuerySyntaxError names the limit.
#pragma once

#include "host/store/query.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <stdexcept>
#include <string_view>

namespace cx::api {

inline constexpr size_t kMaxFilterTerms = 100;
inline constexpr size_t kMaxFilterValues = 1000;
inline constexpr int kMaxFilterDepth = 32;

/// A filter that is not well-formed; the message names the operator or key at fault.
/// The API answers it with 400 VALIDATION.
struct QuerySyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses filter text (a GET body or the `query` URL parameter). nullopt = no filter.
/// Throws QuerySyntaxError.
std::optional<store::Filter> parse_query(std::string_view text);

/// Same, from an already parsed JSON value (a cursor's "qb"); null means no filter.
std::optional<store::Filter> parse_query(const boost::json::value& v);

/// The filter in the language above; parse_query(filter_to_json(f)) equals f.
boost::json::value filter_to_json(const store::Filter& f);

/// "$match" for Kind::Match, etc.
std::string_view operator_name(store::Filter::Kind kind);

}  // namespace cx::api
