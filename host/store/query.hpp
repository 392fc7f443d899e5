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

/// A row's place in list order: its created_at (ms, UTC) and its sort_id (insertion order).
/// Lists are ordered by (created_at, sort_id) descending, so the pair is unique and total.
struct PageKey {
  int64_t created_at = 0;
  int64_t sort_id = 0;
  bool operator==(const PageKey&) const = default;
};

/// One page of a list: rows ordered newest first (created_at DESC, then sort_id DESC).
/// Keyset paging: `after` asks for the rows strictly older than a key (the next page),
/// `before` for the rows strictly newer (the previous page, still returned newest first).
/// Rows inserted or deleted between pages neither repeat nor push other rows out of reach.
/// `offset` is only for internal callers that read a bounded list once; it is ignored when a key
/// is given.
struct PageQuery {
  std::optional<Filter> filter;
  int64_t offset = 0;
  int page_size = 15;  ///< 1..100, already clamped by the API
  std::optional<PageKey> after = std::nullopt;
  std::optional<PageKey> before = std::nullopt;
};

template <class T>
struct Page {
  std::vector<T> items;  ///< at most page_size
  bool has_more = false;   ///< rows older than the last item exist (a next page)
  bool has_newer = false;  ///< rows newer than the first item exist (a previous page)
  std::optional<PageKey> first;  ///< key of items.front()
  std::optional<PageKey> last;   ///< key of items.back()
};

}  // namespace cx::store
