#include "host/api/json_output.hpp"

#include "host/util/encoding.hpp"

#include <connectivity/money.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <stdexcept>

namespace cx::api {
namespace json = boost::json;
namespace {

// "\x01" + 32 hex chars + ":"; serialised by Boost.JSON as "\u0001<hex>:".
const std::string& nonce_hex() {
  static const std::string hex = [] {
    std::string s = util::uuid_v4();
    std::string out;
    for (char c : s)
      if (c != '-') out.push_back(c);
    return out;
  }();
  return hex;
}

const std::string& raw_prefix() {
  static const std::string p = "\x01" + nonce_hex() + ":";
  return p;
}

const std::string& serialized_prefix() {
  static const std::string p = "\"\\u0001" + nonce_hex() + ":";
  return p;
}

}  // namespace

json::value placeholder(std::string_view text) { return json::value(json::string(raw_prefix() + std::string(text))); }

json::value big_integer(std::string_view digits) {
  if (!money::is_integer_text(digits)) throw std::invalid_argument("not an integer: " + std::string(digits));
  int64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec == std::errc() && p == digits.data() + digits.size()) return json::value(n);
  return placeholder(money::normalize_integer(digits));
}

std::optional<json::value> raw_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  // 16+ digits in a row may be a number Boost.JSON turned into a double: keep the text.
  size_t run = 0;
  for (char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 16) return placeholder(text);
  }
  return v;
}

json::value raw_json_object(std::string_view text) {
  auto v = raw_json(text);
  if (!v) return json::object{};
  if (v->is_object()) return *v;
  if (v->is_string() && v->get_string().starts_with(raw_prefix())) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') return *v;
  }
  return json::object{};
}

std::string serialize_body(const json::value& v) {
  std::string s = json::serialize(v);
  const std::string& prefix = serialized_prefix();
  size_t pos = s.find(prefix);
  if (pos == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  size_t from = 0;
  while (pos != std::string::npos) {
    out.append(s, from, pos - from);
    // The placeholder is a serialised JSON string: find its closing quote, skipping escapes.
    size_t end = pos + 1;
    while (end < s.size() && s[end] != '"') end += s[end] == '\\' ? 2 : 1;
    json::value str = json::parse(std::string_view(s).substr(pos, end + 1 - pos));
    out.append(std::string_view(str.get_string()).substr(raw_prefix().size()));
    from = end + 1;
    pos = s.find(prefix, from);
  }
  out.append(s, from, std::string::npos);
  return out;
}

std::string data_envelope(json::value v) {
  json::object o;
  o["data"] = std::move(v);
  return serialize_body(o);
}

std::string cursor_envelope(int page_size, bool has_more, std::string_view previous, std::string_view next,
                            json::array data) {
  json::object c;
  if (page_size) c["pageSize"] = page_size;
  c["hasMore"] = has_more;
  if (!previous.empty()) c["previous"] = previous;
  if (!next.empty()) c["next"] = next;
  c["data"] = std::move(data);
  json::object o;
  o["cursor"] = std::move(c);
  return serialize_body(o);
}

}  // namespace cx::api
