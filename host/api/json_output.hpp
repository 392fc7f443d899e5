// Response bodies: the {"data":…} and {"cursor":…} envelopes, and money amounts as raw JSON
// integers of any size.
//
// Boost.JSON holds at most 64-bit integers, but amounts are arbitrary-precision decimal text
// (minor units). big_integer() returns a plain int64 when the amount fits; otherwise it returns a
// placeholder string "\x01<process nonce>:<digits>". serialize_body() serialises the document and
// then replaces each quoted placeholder with its bare digits. The nonce is 128 random bits drawn
// at start-up and never exposed, so no client-supplied string can be mistaken for a placeholder;
// the digits are validated when the placeholder is made.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace cx::api {

/// An amount ("-123", any length, optional '-') as a JSON value for serialize_body().
/// Throws std::invalid_argument when `digits` is not an integer text.
boost::json::value big_integer(std::string_view digits);

/// Serialises `v`, splicing big integers in as bare JSON numbers.
std::string serialize_body(const boost::json::value& v);

/// {"data": v}
std::string data_envelope(boost::json::value v);

/// {"cursor":{"pageSize":N,"hasMore":b,"previous":"…","next":"…","data":[…]}}; pageSize omitted
/// when 0, previous/next omitted when empty (the reference's omitempty).
std::string cursor_envelope(int page_size, bool has_more, std::string_view previous, std::string_view next,
                            boost::json::array data);

}  // namespace cx::api
