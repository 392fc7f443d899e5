// Response bodies: the {"data":…} and {"cursor":…} envelopes, money amounts as raw JSON integers
// of any size, and provider payloads spliced verbatim.
//
// Boost.JSON holds at most 64-bit integers, but amounts are arbitrary-precision decimal text
// (minor units) and provider payloads may carry long numbers too. big_integer() returns a plain
// int64 when the amount fits and raw_json() a parsed value when nothing could lose precision;
// otherwise both return a placeholder string "\x01<process nonce>:<JSON text>".
// serialize_body() serialises the document, then replaces each quoted placeholder by its text
// (unescaped with Boost.JSON). The nonce is 128 random bits drawn at start-up and never exposed,
// so no client-supplied string can be mistaken for a placeholder; the text is validated as JSON
// when the placeholder is made and again before it is spliced, so the body is valid JSON even if
// a string somehow carried the marker (it then stays a string).
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cx::api {

/// An amount ("-123", any length, optional '-') as a JSON value for serialize_body().
/// Throws std::invalid_argument when `digits` is not an integer text.
boost::json::value big_integer(std::string_view digits, boost::json::storage_ptr sp = {});

/// JSON text (a provider payload) as a value for serialize_body(). Kept byte-exact (spliced) when
/// it holds a number Boost.JSON stores as a double — a fraction, an exponent, or an integer
/// beyond 64 bits — which it would round, re-spell ("12.5" → "1.25E1") or overflow to infinity
/// (unserialisable); otherwise the parsed value (64-bit integers are exact).
/// nullopt when `text` is not valid JSON.
std::optional<boost::json::value> raw_json(std::string_view text, boost::json::storage_ptr sp = {});

/// raw_json() restricted to objects: anything else (invalid, array, scalar, null) gives {}.
boost::json::value raw_json_object(std::string_view text, boost::json::storage_ptr sp = {});

/// True when no number in `v` is an infinity or NaN (Boost.JSON parses "1e999" to infinity and
/// would then write text that is not JSON). Request bodies holding one are refused.
bool all_numbers_finite(const boost::json::value& v);

/// The placeholder marker of this process (tests and fuzzing use it to tell forged input apart).
std::string_view splice_marker();

/// Serialises `v`, splicing big integers and raw payloads in as bare JSON.
std::string serialize_body(const boost::json::value& v);
/// Same for an object (without converting it to a value, which would deep-copy it).
std::string serialize_body(const boost::json::object& o);

/// {"data": v}
std::string data_envelope(boost::json::value v);

/// {"cursor":{"pageSize":N,"hasMore":b,"previous":"…","next":"…","data":[…]}}; pageSize omitted
/// when 0, previous/next omitted when empty (the reference's omitempty). The envelope is built in
/// `data`'s storage, so a page rendered into a monotonic resource is never copied.
std::string cursor_envelope(int page_size, bool has_more, std::string_view previous, std::string_view next,
                            boost::json::array data);

}  // namespace cx::api
