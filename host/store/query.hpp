// The v3 list filter as a tree, and the page request the list repositories take.
// The API parses `{"$and":[{"$match":{"psu_id":"…"}}, …]}` into a Filter (host/api/query_parser);
// each repository compiles it to parameterised SQL against its own allowed keys and rejects an
// unknown key or an operator the key does not accept with QueryError (→ 400 VALIDATION).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cx::store {

struct Filter {
  enum class Kind { Match, Lt, Lte, Gt, Gte, In, Exists, Like, And, Or, Not };
  Kind kind = Kind::And;
  std::string key;               ///< leaves: "psu_id", "amount", "metadata[foo]"
  boost::json::value value;      ///< leaves: a scalar (string, integer, bool); an array for In
  std::vector<Filter> children;  ///< And/Or: any number; Not: exactly one
};

/// A filter the resource cannot answer: unknown key, operator not allowed for the key, bad value.
/// The message names the key.
struct QueryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One page of a list: rows ordered newest first (created_at DESC, then a stable tiebreak).
struct PageQuery {
  std::optional<Filter> filter;
  int64_t offset = 0;
  int page_size = 15;  ///< 1..100, already clamped by the API
};

template <class T>
struct Page {
  std::vector<T> items;  ///< at most page_size
  bool has_more = false;
};

}  // namespace cx::store
