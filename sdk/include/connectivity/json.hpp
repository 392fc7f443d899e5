// connectivity/json.hpp — reading provider JSON: field accessors that name the field they
// refuse, and a parser that never rounds a number.
//
// A provider item that breaks its own contract is refused item by item: throw (or let these
// accessors throw) cx::BadItem, log it, keep the rest of the page. A whole response that is not
// what the endpoint promises is an upstream fault instead (connectivity/http.hpp, call_json).
#pragma once

#include <connectivity/connector.hpp>

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cx {

/// One provider item the connector refuses; what() is a sentence naming the field.
class BadItem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace json {

/// A short JSON rendering of v for messages (at most 80 bytes, then "…").
inline std::string quoted(const boost::json::value& v) {
  std::string s = boost::json::serialize(v);
  return s.size() > 80 ? s.substr(0, 80) + "…" : s;
}

/// The member `field` when present and not null; nullptr otherwise.
inline const boost::json::value* find(const boost::json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  return v && !v->is_null() ? v : nullptr;
}

/// A required non-empty string. Throws BadItem "<field> is missing" / "… is not a string" / "… is empty".
inline std::string required_string(const boost::json::object& o, std::string_view field) {
  auto* v = find(o, field);
  if (!v) throw BadItem(std::string(field) + " is missing");
  if (!v->is_string()) throw BadItem(std::string(field) + " " + quoted(*v) + " is not a string");
  if (v->get_string().empty()) throw BadItem(std::string(field) + " is empty");
  return std::string(v->get_string());
}

/// An optional string: absent, null and "" are none. Throws BadItem when present but not a string.
inline std::optional<std::string> optional_string(const boost::json::object& o, std::string_view field) {
  auto* v = find(o, field);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw BadItem(std::string(field) + " " + quoted(*v) + " is not a string");
  if (v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

/// A required object member. Throws BadItem when missing or not an object.
inline const boost::json::object& required_object(const boost::json::object& o, std::string_view field) {
  auto* v = find(o, field);
  if (!v) throw BadItem(std::string(field) + " is missing");
  if (!v->is_object()) throw BadItem(std::string(field) + " " + quoted(*v) + " is not an object");
  return v->get_object();
}

/// A required array member. Throws BadItem when missing or not an array.
inline const boost::json::array& required_array(const boost::json::object& o, std::string_view field) {
  auto* v = find(o, field);
  if (!v) throw BadItem(std::string(field) + " is missing");
  if (!v->is_array()) throw BadItem(std::string(field) + " " + quoted(*v) + " is not an array");
  return v->get_array();
}

/// Lenient readers for optional parts: the value when present with the right type, else none.
inline std::optional<std::string> string_or_none(const boost::json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}
/// A non-empty string, else none (absent, null, "", or another type).
inline std::optional<std::string> text_or_none(const boost::json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  if (!v || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}
/// True when `field` is present and neither null nor false.
inline bool truthy(const boost::json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  return v && !v->is_null() && !(v->is_bool() && !v->get_bool());
}
inline const boost::json::object* object_or_null(const boost::json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  return v && v->is_object() ? &v->get_object() : nullptr;
}
inline const boost::json::array* array_or_null(const boost::json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

/// An identifier as text: a string as is, an integer in decimal; nullopt for anything else.
inline std::optional<std::string> id_text(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

/// How parse_exact keeps a number that is not a 64-bit signed integer.
enum class Numbers {
  text,     ///< as a JSON string of its source text ("12.50" stays "12.50")
  rounded,  ///< as the correctly rounded double (std::from_chars; Boost.JSON 1.81's own
            ///< conversion can be one ulp off for 16-17 significant digits)
};

namespace detail {
/// Boost.JSON basic_parser handler: Boost's tokenizer, our handling of number text.
struct ExactHandler {
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();
  using ec_t = boost::json::error_code;
  using sv = boost::json::string_view;

  boost::json::value_stack st;
  Numbers mode = Numbers::text;
  std::string number;  // text of the number being read, when it arrives in parts

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) { return true; }
  bool on_object_end(std::size_t n, ec_t&) { st.push_object(n); return true; }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t n, ec_t&) { st.push_array(n); return true; }
  bool on_key_part(sv s, std::size_t, ec_t&) { st.push_chars(s); return true; }
  bool on_key(sv s, std::size_t, ec_t&) { st.push_key(s); return true; }
  bool on_string_part(sv s, std::size_t, ec_t&) { st.push_chars(s); return true; }
  bool on_string(sv s, std::size_t, ec_t&) { st.push_string(s); return true; }
  bool on_number_part(sv s, ec_t&) { number.append(s.data(), s.size()); return true; }
  bool on_int64(std::int64_t i, sv, ec_t&) { number.clear(); st.push_int64(i); return true; }
  bool on_uint64(std::uint64_t u, sv s, ec_t&) {
    if (mode == Numbers::rounded) return number.clear(), st.push_uint64(u), true;
    return keep_text(s), true;
  }
  bool on_double(double d, sv s, ec_t&) {
    if (mode == Numbers::text) return keep_text(s), true;
    number.append(s.data(), s.size());
    double exact = 0;
    auto r = std::from_chars(number.data(), number.data() + number.size(), exact);
    if (r.ec == std::errc() && r.ptr == number.data() + number.size()) d = exact;
    number.clear();
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, ec_t&) { st.push_bool(b); return true; }
  bool on_null(ec_t&) { st.push_null(); return true; }
  bool on_comment_part(sv, ec_t&) { return true; }
  bool on_comment(sv, ec_t&) { return true; }

 private:
  void keep_text(sv last) {
    number.append(last.data(), last.size());
    st.push_string(number);
    number.clear();
  }
};
}  // namespace detail

/// Parses one JSON document (RFC 8259) keeping numbers exact. 64-bit signed integers stay
/// integers; with Numbers::text every other number (12.50, 1e3, 2^64) becomes a JSON string of
/// its source text, so an amount reaches cx::money without passing through a double; with
/// Numbers::rounded it is the double the text denotes. nullopt on a syntax error or text after
/// the document.
inline std::optional<boost::json::value> parse_exact(std::string_view text, Numbers mode = Numbers::text) {
  boost::json::basic_parser<detail::ExactHandler> p(boost::json::parse_options{});
  p.handler().st.reset();
  p.handler().mode = mode;
  boost::json::error_code ec;
  // Like boost::json::parser::write: text after the document (other than white space) is an error.
  std::size_t used = p.write_some(false, text.data(), text.size(), ec);
  if (ec || !p.done() || used != text.size()) return std::nullopt;
  return p.handler().st.release();
}

/// The decimal text of a number kept by parse_exact (a numeric string) or of an integer;
/// nullopt for doubles (precision already lost), null and other types. Does not check the
/// string is a number: cx::money's parsers do.
/// (The same reading as id_text: a string as is, an integer in decimal.)
inline std::optional<std::string> decimal_text(const boost::json::value* v) { return id_text(v); }

/// Shortest decimal text that reads back as exactly `v` ("12.3" for 12.300000000000001), in
/// plain notation (std::to_chars, chars_format::fixed); nullopt for NaN and infinities.
inline std::optional<std::string> shortest_text(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc()) return std::nullopt;
  return std::string(buf, r.ptr);
}

/// Text of a JSON number as it denotes ("12.3", "-5"); nullopt for non-numbers and non-finite.
inline std::optional<std::string> number_text(const boost::json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return shortest_text(v.get_double());
  return std::nullopt;
}

}  // namespace json
}  // namespace cx
