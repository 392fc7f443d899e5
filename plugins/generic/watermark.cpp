#include "watermark.hpp"

#include <connectivity/time.hpp>

#include <algorithm>
#include <map>

namespace cx::generic {

boost::json::value Cursor::to_json() const {
  boost::json::object o;
  o["from"] = from ? boost::json::value(*from) : boost::json::value(nullptr);
  o["page"] = page;
  o["watermark"] = watermark_ms ? boost::json::value(time::format_rfc3339(*watermark_ms)) : boost::json::value(nullptr);
  boost::json::array ids;
  for (auto& id : seen) ids.emplace_back(id);
  o["seen"] = std::move(ids);
  return o;
}

Cursor Cursor::from_json(const boost::json::value& state) {
  Cursor c;
  if (!state.is_object()) return c;
  auto& o = state.get_object();
  if (auto* v = o.if_contains("watermark"); v && v->is_string()) c.watermark_ms = time::parse_rfc3339(v->get_string());
  if (auto* v = o.if_contains("from"); v && v->is_string() && time::parse_rfc3339(v->get_string()))
    c.from = std::string(v->get_string());
  else if (c.watermark_ms)
    c.from = from_bound(*c.watermark_ms);
  if (auto* v = o.if_contains("page"); v && v->is_number()) {
    boost::system::error_code ec;
    auto page = v->to_number<int64_t>(ec);
    if (!ec && page >= 1) c.page = page;
  }
  if (c.watermark_ms)
    if (auto* v = o.if_contains("seen"); v && v->is_array())
      for (auto& id : v->get_array())
        if (id.is_string()) c.seen.emplace(id.get_string());
  return c;
}

std::string from_bound(int64_t watermark_ms) {
  int64_t secs = watermark_ms >= 0 ? watermark_ms / 1000 : -((-watermark_ms + 999) / 1000);
  return time::format_rfc3339((secs - 1) * 1000);
}

Step step(const Cursor& cursor, std::vector<Row> rows, size_t received, size_t page_size) {
  if (page_size == 0) page_size = 1;
  const auto& wm = cursor.watermark_ms;

  // New items only; one per id (the latest version if the page repeats an id).
  std::map<std::string, Row> fresh;
  for (auto& r : rows) {
    bool is_new = !wm || r.ts_ms > *wm || (r.ts_ms == *wm && !cursor.seen.count(r.id));
    if (!is_new) continue;
    auto [it, inserted] = fresh.try_emplace(r.id, r);
    if (!inserted && (r.ts_ms > it->second.ts_ms || (r.ts_ms == it->second.ts_ms && r.index > it->second.index)))
      it->second = r;
  }
  std::vector<Row> kept;
  kept.reserve(fresh.size());
  for (auto& [id, r] : fresh) kept.push_back(r);
  // Ascending by timestamp, then as received: tolerates a page the service did not sort.
  std::sort(kept.begin(), kept.end(),
            [](const Row& a, const Row& b) { return a.ts_ms != b.ts_ms ? a.ts_ms < b.ts_ms : a.index < b.index; });

  const bool trimmed = kept.size() > page_size;
  if (trimmed) kept.resize(page_size);

  Step out;
  out.next.watermark_ms = wm;
  out.next.seen = cursor.seen;
  for (auto& r : kept) {
    out.deliver.push_back(r.index);
    if (!out.next.watermark_ms || r.ts_ms > *out.next.watermark_ms) {
      out.next.watermark_ms = r.ts_ms;
      out.next.seen.clear();
    }
    if (r.ts_ms == *out.next.watermark_ms) out.next.seen.insert(r.id);
  }

  out.has_more = trimmed || received >= page_size;
  std::optional<std::string> bound;
  if (out.next.watermark_ms) bound = from_bound(*out.next.watermark_ms);
  out.next.from = bound;
  if (!out.has_more || bound != cursor.from) out.next.page = 1;               // (re)start from the bound
  else out.next.page = trimmed ? cursor.page : cursor.page + 1;               // same bound: walk on
  return out;
}

}  // namespace cx::generic
