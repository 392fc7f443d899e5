#include "host/api/cursor.hpp"

#include "host/api/query_parser.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace cx::api {
namespace json = boost::json;
namespace {

int clamp_page_size(int64_t n) {
  if (n <= 0) return kDefaultPageSize;
  return static_cast<int>(std::min<int64_t>(n, kMaxPageSize));
}

[[noreturn]] void bad_cursor(const std::string& why) { throw PageRequestError("invalid cursor: " + why); }

std::optional<int64_t> non_negative(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v->get_uint64());
  return std::nullopt;
}

std::optional<store::PageKey> page_key(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (!v) return std::nullopt;
  const json::array* a = v->if_array();
  if (!a || a->size() != 2 || !(*a)[0].is_int64() || !(*a)[1].is_int64())
    bad_cursor(std::string(name) + " must be [createdAt, sortID] integers");
  return store::PageKey{(*a)[0].get_int64(), (*a)[1].get_int64()};
}

json::array key_json(const store::PageKey& k) { return json::array{k.created_at, k.sort_id}; }

}  // namespace

int parse_page_size(std::optional<std::string_view> text) {
  if (!text || text->empty()) return kDefaultPageSize;
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || p != text->data() + text->size() || n > UINT32_MAX)
    throw PageRequestError("invalid pageSize \"" + std::string(*text) + "\": expected an unsigned integer");
  return clamp_page_size(static_cast<int64_t>(n));
}

PageRequest decode_cursor(std::string_view cursor) {
  if (cursor.size() > 64 * 1024) bad_cursor("too long");
  auto raw = util::base64url_decode(cursor);
  if (!raw) bad_cursor("not base64url");
  json::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) bad_cursor("not a JSON object");
  const auto& o = v.get_object();
  if (o.contains("offset")) bad_cursor("offset cursors are no longer accepted; list again from the first page");
  auto page_size = non_negative(o.if_contains("pageSize"));
  if (!page_size) bad_cursor("pageSize must be a non-negative integer");
  PageRequest req;
  req.query.page_size = clamp_page_size(*page_size);
  req.query.after = page_key(o, "after");
  req.query.before = page_key(o, "before");
  if (req.query.after && req.query.before) bad_cursor("after and before are exclusive");
  if (const auto* filters = o.if_contains("filters")) {
    if (!filters->is_object()) bad_cursor("filters must be an object");
    const auto& f = filters->get_object();
    if (const auto* qb = f.if_contains("qb")) {
      try {
        req.query.filter = parse_query(*qb);
      } catch (const QuerySyntaxError& e) {
        bad_cursor(e.what());
      }
    }
    if (const auto* opts = f.if_contains("options")) {
      if (opts->is_object()) req.options = opts->get_object();
      else if (!opts->is_null()) bad_cursor("options must be an object");
    }
  }
  return req;
}

PageRequest read_page_request(const PageInputs& in) {
  if (in.cursor && !in.cursor->empty()) return decode_cursor(*in.cursor);
  PageRequest req;
  req.query.page_size = parse_page_size(in.page_size);
  req.query.filter = parse_query(in.filter_text);
  req.options = in.options;
  return req;
}

std::string encode_cursor(const PageRequest& req, CursorSide side, const store::PageKey& key) {
  json::object filters;
  filters["qb"] = req.query.filter ? filter_to_json(*req.query.filter) : json::value(nullptr);
  filters["pageSize"] = req.query.page_size;
  filters["options"] = req.options;
  json::object c;
  c["order"] = 1;  // created_at DESC, sort_id DESC: the only order
  c[side == CursorSide::After ? "after" : "before"] = key_json(key);
  c["pageSize"] = req.query.page_size;
  c["filters"] = std::move(filters);
  return util::base64url_encode(json::serialize(c));
}

}  // namespace cx::api
