#include "host/util/json_bigint.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

namespace cx::util {
namespace {

// Never produced by parsing: Boost.JSON rejects strings that are not valid UTF-8, and 0xFF
// never occurs in UTF-8. So a string starting with it can only be a bigint_value.
constexpr char kTag = '\xFF';

bool is_integer_literal(std::string_view s) {
  size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// A Boost.JSON basic_parser handler that builds a value with boost::json::value_stack, like
// boost::json::parser does, but sees the source text of each number.
struct Handler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  boost::json::value_stack st;
  std::string number;  // the text of the number being parsed, across buffer parts

  bool on_document_begin(boost::system::error_code&) { st.reset(); return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::system::error_code&) { st.push_array(n); return true; }
  bool on_object_begin(boost::system::error_code&) { return true; }
  bool on_object_end(std::size_t n, boost::system::error_code&) { st.push_object(n); return true; }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code&) { st.push_chars(s); return true; }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code&) { st.push_string(s); return true; }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) { st.push_chars(s); return true; }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code&) { st.push_key(s); return true; }
  bool on_number_part(boost::json::string_view s, boost::system::error_code&) { number.append(s.data(), s.size()); return true; }
  bool on_int64(int64_t i, boost::json::string_view, boost::system::error_code&) { number.clear(); st.push_int64(i); return true; }
  bool on_uint64(uint64_t u, boost::json::string_view, boost::system::error_code&) { number.clear(); st.push_uint64(u); return true; }
  bool on_double(double d, boost::json::string_view s, boost::system::error_code&) {
    number.append(s.data(), s.size());
    if (is_integer_literal(number)) st.push_string(std::string(1, kTag) + number);
    else st.push_double(d);
    number.clear();
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) { st.push_bool(b); return true; }
  bool on_null(boost::system::error_code&) { st.push_null(); return true; }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }
};

}  // namespace

std::optional<boost::json::value> parse_bigint_json(std::string_view text, std::string* error) {
  boost::json::basic_parser<Handler> p(boost::json::parse_options{});
  boost::system::error_code ec;
  std::size_t used = p.write_some(false, text.data(), text.size(), ec);
  if (ec || !p.done() || used != text.size()) {
    if (error) *error = ec ? ec.message() : used != text.size() ? "extra data after the JSON document" : "incomplete JSON";
    return std::nullopt;
  }
  return p.handler().st.release();
}

boost::json::value bigint_value(std::string_view decimal) { return boost::json::string(std::string(1, kTag) + std::string(decimal)); }

std::optional<std::string> integer_text(const boost::json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_string()) {
    auto s = v.get_string();
    if (s.size() > 1 && s[0] == kTag) return std::string(s.begin() + 1, s.end());
  }
  return std::nullopt;
}

std::string serialize_bigint_json(const boost::json::value& v) {
  std::string raw = boost::json::serialize(v);
  if (raw.find(kTag) == std::string::npos) return raw;
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == kTag) {
      size_t end = raw.find('"', i + 2);  // digits and '-' only, so the next quote closes it
      out.append(raw, i + 2, end - (i + 2));
      i = end;
    } else {
      out += raw[i];
    }
  }
  return out;
}

}  // namespace cx::util
