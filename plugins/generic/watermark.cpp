#include "watermark.hpp"

#include <connectivity/time.hpp>

#include <algorithm>
#include <map>
#include <unordered_set>

namespace cx::generic {

boost::json::value Cursor::to_json() const {
  boost::json::object o;
  o["from"] = from ? boost::json::value(*from) : boost::json::value(nullptr);
  o["page"] = page;
  o["watermark"] = watermark_ms ? boost::json::value(time::format_rfc3339(*watermark_ms)) : boost::json::value(nullptr);
  boost::json::array ids;
  for (auto& id : seen) ids.emplace_back(id);
  o["seen"] = std::move(ids);
  if (!seen_all) o["seenAll"] = false;
  if (anchor) o["anchor"] = *anchor;
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
  if (c.watermark_ms) {
    if (auto* v = o.if_contains("seen"); v && v->is_array())
      for (auto& id : v->get_array())
        if (id.is_string()) c.seen.emplace_back(id.get_string());
    if (auto* v = o.if_contains("seenAll"); v && v->is_bool()) c.seen_all = v->get_bool();
  }
  if (auto* v = o.if_contains("anchor"); v && v->is_string()) c.anchor = std::string(v->get_string());
  return c;
}

size_t seen_kept(size_t page_size) { return std::max<size_t>(1000, 2 * page_size); }

namespace {

/// Restart at page 1 of the cursor's bound: what a resumed page does when the list shifted.
Step restart(const Cursor& cursor) {
  Step out;
  out.next = cursor;
  out.next.page = 1;
  out.next.anchor.reset();
  out.has_more = true;
  return out;
}

}  // namespace

std::string from_bound(int64_t watermark_ms) {
  int64_t secs = watermark_ms >= 0 ? watermark_ms / 1000 : -((-watermark_ms + 999) / 1000);
  return time::format_rfc3339((secs - 1) * 1000);
}

Step step(const Cursor& cursor, std::vector<Row> rows, size_t received, size_t page_size) {
  if (page_size == 0) page_size = 1;
  const auto& wm = cursor.watermark_ms;

  // A resumed page must start where the last poll's last page started, at or before the watermark.
  if (cursor.anchor &&
      (rows.empty() || rows[0].index != 0 || rows[0].id != *cursor.anchor || (wm && rows[0].ts_ms > *wm)))
    return restart(cursor);

  // New items only; one per id (the latest version if the page repeats an id).
  const std::unordered_set<std::string_view> seen(cursor.seen.begin(), cursor.seen.end());
  std::map<std::string, Row> fresh;
  for (auto& r : rows) {
    bool is_new = !wm || r.ts_ms > *wm || (r.ts_ms == *wm && !seen.count(r.id));
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
  Cursor& next = out.next;
  next.watermark_ms = wm;
  next.seen = cursor.seen;
  next.seen_all = cursor.seen_all;
  for (auto& r : kept) {
    out.deliver.push_back(r.index);
    if (!next.watermark_ms || r.ts_ms > *next.watermark_ms) {
      next.watermark_ms = r.ts_ms;
      next.seen.clear();
      next.seen_all = true;
    }
    if (r.ts_ms == *next.watermark_ms) next.seen.push_back(r.id);
  }
  if (const size_t keep = seen_kept(page_size); next.seen.size() > keep) {
    next.seen.erase(next.seen.begin(), next.seen.end() - static_cast<std::ptrdiff_t>(keep));
    next.seen_all = false;
  }

  out.has_more = trimmed || received >= page_size;
  std::optional<std::string> bound;
  if (next.watermark_ms) bound = from_bound(*next.watermark_ms);
  next.from = bound;
  const bool same_bound = bound == cursor.from;
  if (out.has_more && same_bound) {
    next.page = trimmed ? cursor.page : cursor.page + 1;  // same bound: walk on
  } else if (!out.has_more && same_bound && !next.seen_all && !rows.empty() && rows[0].index == 0) {
    next.page = cursor.page;  // the poll ended inside a run page 1 can no longer recognise: resume here
    next.anchor = rows[0].id;
  } else {
    next.page = 1;  // (re)start from the bound
  }
  return out;
}

}  // namespace cx::generic
