#include "host/api/json_output.hpp"

#include "host/util/encoding.hpp"

#include <connectivity/money.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
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

json::value placeholder(std::string_view text, json::storage_ptr sp) {
  json::string s(std::move(sp));
  s.reserve(raw_prefix().size() + text.size());
  s.append(raw_prefix());
  s.append(text);
  return json::value(std::move(s));
}

json::value big_integer(std::string_view digits, json::storage_ptr sp) {
  if (!money::is_integer_text(digits)) throw std::invalid_argument("not an integer: " + std::string(digits));
  int64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec == std::errc() && p == digits.data() + digits.size()) return json::value(n, std::move(sp));
  return placeholder(money::normalize_integer(digits), std::move(sp));
}

namespace {
bool has_double(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: return true;
    case json::kind::array:
      for (const auto& e : v.get_array())
        if (has_double(e)) return true;
      return false;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (has_double(kv.value())) return true;
      return false;
    default: return false;
  }
}
}  // namespace

bool all_numbers_finite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: return std::isfinite(v.get_double());
    case json::kind::array:
      for (const auto& e : v.get_array())
        if (!all_numbers_finite(e)) return false;
      return true;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (!all_numbers_finite(kv.value())) return false;
      return true;
    default: return true;
  }
}

std::optional<json::value> raw_json(std::string_view text, json::storage_ptr sp) {
  json::error_code ec;
  json::value v = json::parse(text, ec, sp);
  if (ec) return std::nullopt;
  // Integers up to 64 bits parse exactly; anything else numeric became a double.
  if (has_double(v)) return placeholder(text, std::move(sp));
  return v;
}

json::value raw_json_object(std::string_view text, json::storage_ptr sp) {
  auto v = raw_json(text, sp);
  if (!v) return json::object(sp);
  if (v->is_object()) return *v;
  if (v->is_string() && v->get_string().starts_with(raw_prefix())) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') return *v;
  }
  return json::object(sp);
}

namespace {

// Serialises into a per-thread scratch buffer that keeps its capacity between responses, so a
// large page costs no fresh pages (Boost's serialize() grows a new string by zero-filled
// doubling, which for ~100 KB bodies meant mmap + page faults + memset on every response).
template <class Json>
const std::string& serialize_to_scratch(const Json& v) {
  thread_local std::string scratch;
  if (scratch.capacity() > 8 * 1024 * 1024) std::string().swap(scratch);  // give back outliers
  scratch.clear();
  json::serializer sr;
  sr.reset(&v);
  char buf[16 * 1024];
  while (!sr.done()) {
    auto part = sr.read(buf, sizeof buf);
    scratch.append(part.data(), part.size());
  }
  return scratch;
}

}  // namespace

namespace {

std::string splice(const std::string& s) {
  // Look for the escaped control character (a backslash is rare in JSON text, a quote is not),
  // then check the quote before it.
  const std::string_view marker = std::string_view(serialized_prefix()).substr(1);
  std::string_view text(s);
  size_t pos = text.find(marker);
  while (pos != std::string_view::npos && (pos == 0 || text[pos - 1] != '"')) pos = text.find(marker, pos + 1);
  if (pos == std::string_view::npos) return s;
  std::string out;
  out.reserve(s.size());
  size_t from = 0;
  while (pos != std::string_view::npos) {
    size_t start = pos - 1;  // the opening quote
    out.append(text.substr(from, start - from));
    // The placeholder is a serialised JSON string: find its closing quote, skipping escapes.
    size_t end = pos;
    while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
    std::string_view quoted = text.substr(start, end + 1 - start);
    json::error_code ec;
    json::value str = json::parse(quoted, ec);
    std::string_view payload = !ec && str.is_string() ? std::string_view(str.get_string()) : std::string_view();
    if (payload.starts_with(raw_prefix())) payload.remove_prefix(raw_prefix().size());
    else payload = {};
    // Splice only a complete JSON value in a value position (an object key is followed by ':'):
    // a forged or damaged placeholder stays a plain string, so the body is valid JSON whatever
    // the strings in it contain.
    bool is_key = end + 1 < text.size() && text[end + 1] == ':';
    if (!payload.empty() && !is_key && (json::parse(payload, ec), !ec)) out.append(payload);
    else out.append(quoted);
    from = end + 1;
    pos = text.find(marker, from);
    while (pos != std::string_view::npos && text[pos - 1] != '"') pos = text.find(marker, pos + 1);
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace

std::string_view splice_marker() { return raw_prefix(); }

std::string serialize_body(const json::value& v) { return splice(serialize_to_scratch(v)); }
std::string serialize_body(const json::object& o) { return splice(serialize_to_scratch(o)); }

std::string data_envelope(json::value v) {
  json::object o;
  o["data"] = std::move(v);
  return serialize_body(o);
}

std::string cursor_envelope(int page_size, bool has_more, std::string_view previous, std::string_view next,
                            json::array data) {
  json::storage_ptr sp = data.storage();
  json::object c(sp);
  if (page_size) c["pageSize"] = page_size;
  c["hasMore"] = has_more;
  if (!previous.empty()) c["previous"] = previous;
  if (!next.empty()) c["next"] = next;
  c["data"] = std::move(data);
  json::object o(sp);
  o["cursor"] = std::move(c);
  return serialize_body(o);
}

}  // namespace cx::api
