// plaid/json.hpp — JSON reading with correctly rounded doubles, and shortest decimal text of a
// double. Header-only; the Plaid sandbox uses it too.
//
// Why: Boost.JSON 1.81 converts number text to double with a fast path that is up to one ulp off
// for 16–17 significant digits ("1981.3000000000002" reads as 1981.3). Plaid amounts are doubles,
// and our amount rule goes double -> shortest round-trip text -> exact minor units, so the double
// must be the one the text denotes. This reuses Boost's parser (basic_parser + value_stack) and
// only replaces the text -> double step with std::from_chars, which rounds correctly.
#pragma once

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace cx::plaid::json {

namespace detail {
struct PreciseHandler {
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  boost::json::value_stack st;
  std::string number;  // text of the number being read, when it arrives in parts

  using ec_t = boost::json::error_code;
  using sv = boost::json::string_view;
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
  bool on_uint64(std::uint64_t u, sv, ec_t&) { number.clear(); st.push_uint64(u); return true; }
  bool on_double(double d, sv s, ec_t&) {
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
};
}  // namespace detail

/// Parses one JSON document; nullopt on a syntax error. Doubles are correctly rounded.
inline std::optional<boost::json::value> parse(std::string_view text) {
  boost::json::basic_parser<detail::PreciseHandler> p(boost::json::parse_options{});
  p.handler().st.reset();
  boost::json::error_code ec;
  p.write_some(false, text.data(), text.size(), ec);
  if (ec || !p.done()) return std::nullopt;
  return p.handler().st.release();
}

/// Shortest decimal text that reads back as exactly `v` ("12.3" for 12.300000000000001), in
/// plain notation (no exponent), via std::to_chars.
inline std::string shortest_text(double v) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  // chars_format::fixed with no precision is the shortest round-trip text in fixed notation.
  return r.ec == std::errc() ? std::string(buf, r.ptr) : std::string{};
}

}  // namespace cx::plaid::json

namespace cx::plaid::json {

/// obj[key] as a string; nullopt when absent, null or not a string.
inline std::optional<std::string> opt_string(const boost::json::object& obj, std::string_view key) {
  auto* v = obj.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

/// obj[key] as an object; nullptr when absent or not an object.
inline const boost::json::object* opt_object(const boost::json::object& obj, std::string_view key) {
  auto* v = obj.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

/// obj[key] as an array; nullptr when absent or not an array.
inline const boost::json::array* opt_array(const boost::json::object& obj, std::string_view key) {
  auto* v = obj.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

/// Text of a JSON number exactly as the double/integer denotes it ("12.3", "-5"); nullopt for
/// anything that is not a finite number.
inline std::optional<std::string> number_text(const boost::json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    double d = v.get_double();
    if (!(d == d) || d == HUGE_VAL || d == -HUGE_VAL) return std::nullopt;
    return shortest_text(d);
  }
  return std::nullopt;
}

}  // namespace cx::plaid::json
