// Page requests and the opaque cursors that continue them.
// A cursor is base64url (no padding) of the page query, in the reference's shape with a keyset
// position instead of its offset:
//   {"order":1,"pageSize":N,"after"|"before":[createdAtMs,sortID],
//    "filters":{"qb":<filter|null>,"pageSize":N,"options":{…}}}
// `after` continues with the rows older than that key (next), `before` with the newer ones
// (previous), so rows written between pages neither repeat nor get skipped.
// `options` carries per-route parameters that must survive paging (balances: asset/from/to).
#pragma once

#include "host/store/query.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cx::api {

inline constexpr int kDefaultPageSize = 15;
inline constexpr int kMaxPageSize = 100;

/// A malformed cursor or pageSize; the API answers 400 VALIDATION with this message.
struct PageRequestError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What a list route needs: the store query plus the route's options.
struct PageRequest {
  store::PageQuery query;        ///< filter, page_size (1..100), after/before key
  boost::json::object options;   ///< route options, from the request or from the cursor
};

/// The raw inputs of a list request.
struct PageInputs {
  std::optional<std::string_view> cursor;     ///< ?cursor= (non-empty wins over everything else)
  std::optional<std::string_view> page_size;  ///< ?pageSize=
  std::string_view filter_text;               ///< the GET body, or else ?query=
  boost::json::object options;                ///< route options when there is no cursor
};

/// pageSize text → 1..100: absent or "0" gives 15, above 100 gives 100; anything but an unsigned
/// 32-bit decimal integer throws PageRequestError.
int parse_page_size(std::optional<std::string_view> text);

/// Builds the page request: from the cursor when one is given (its filter, page size, key and
/// options; the other inputs are ignored), else from pageSize + filter text + options.
/// Throws PageRequestError (bad cursor, bad pageSize) or QuerySyntaxError (bad filter).
PageRequest read_page_request(const PageInputs& in);

/// Which side of a key the cursor continues on.
enum class CursorSide { After, Before };

/// The cursor for the same query continuing after (next) or before (previous) `key`.
std::string encode_cursor(const PageRequest& req, CursorSide side, const store::PageKey& key);

/// Decodes a cursor; throws PageRequestError (message "invalid cursor: …") for anything but a
/// cursor this daemon wrote: not base64url, not a JSON object, a bad page size or key, both keys,
/// an offset (the old, unsafe form), a filter the parser rejects.
PageRequest decode_cursor(std::string_view cursor);

}  // namespace cx::api
