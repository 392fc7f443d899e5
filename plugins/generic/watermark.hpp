// Incremental paging of a timestamp-sorted list (/accounts, /beneficiaries by createdAt;
// /transactions by updatedAt) with a composite watermark: the greatest timestamp delivered so far
// plus the ids already delivered at exactly that timestamp.
//
// The service pages with `page` (from 1) and `pageSize`, sorted ascending by the timestamp, and
// filters with `<ts>From` (docs/providers/generic.md §2). The reference connector keeps only the timestamp
// and skips everything <= it, so items sharing the watermark timestamp across two polls are lost;
// here an item is new when its timestamp is after the watermark, or equal to it with an id not
// yet seen. The `From` bound sent is the watermark floored to the second minus one second, so a
// service may treat the bound as inclusive or exclusive and may ignore sub-second precision.
//
// One call fetches one page. The cursor restarts at page 1 whenever that bound moves (items
// are then positioned relative to the new bound, so items that moved to the end of the list
// meanwhile cannot shift unseen ones past us), and goes to the next page while the bound is
// unchanged (inside a run of equal timestamps longer than a page). A failed page returns no state,
// so the host keeps the previous cursor: nothing is ever advanced past an unfetched item.
//
// The state is rewritten with every page, so it must stay small: only the latest ids delivered at
// the watermark are kept (seen_kept()). Forgetting an id can only deliver its item again, which the
// host's upsert absorbs; it can never skip one. When a poll ends inside a run longer than that
// (the ids at its start are forgotten), restarting at page 1 would deliver the whole run again at
// every poll, so the next poll re-reads the last page instead, and only if that page still starts
// with the same item (the `anchor`: nothing before it moved) does it walk on from there; otherwise
// it restarts at page 1.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cx::generic {

/// Where the next poll of one list starts (the op's state JSON).
struct Cursor {
  std::optional<std::string> from;      ///< `<ts>From` to send (RFC 3339 UTC, whole seconds); none = all
  int64_t page = 1;                     ///< 1-based page of the list filtered by `from`
  std::optional<int64_t> watermark_ms;  ///< greatest delivered timestamp, UTC ms
  std::vector<std::string> seen;        ///< latest ids delivered with timestamp == watermark_ms, oldest first
  bool seen_all = true;                 ///< false once ids at watermark_ms were forgotten
  std::optional<std::string> anchor;    ///< id the page must start with (a resumed page), if any

  /// {"from", "page", "watermark", "seen", "seenAll"?, "anchor"?}; watermark as RFC 3339 with
  /// milliseconds; the last two only when they differ from a fresh cursor.
  boost::json::value to_json() const;
  /// Reads a state written by to_json(); null or a non-object gives a fresh cursor, an unreadable
  /// field its default.
  static Cursor from_json(const boost::json::value& state);
};

/// One item of a page, reduced to what paging needs. Items without a readable id or timestamp
/// never reach paging (they are rejected by the caller) but still count as received.
struct Row {
  std::string id;
  int64_t ts_ms = 0;  ///< the list's timestamp (createdAt or updatedAt), UTC ms
  size_t index = 0;   ///< position in the page as received
};

/// What to do with one received page.
struct Step {
  std::vector<size_t> deliver;  ///< Row::index of the items to deliver, ascending by timestamp
  Cursor next;                  ///< the state to return with them
  bool has_more = false;        ///< the host should call again at once
};

/// Decides which rows of a page are new and where to continue.
/// @param cursor     the state the page was fetched with.
/// @param rows       the page's readable items.
/// @param received   how many items the service returned (readable or not).
/// @param page_size  the pageSize that was requested (>= 1).
/// At most page_size items are delivered; a page with more new items is read again.
Step step(const Cursor& cursor, std::vector<Row> rows, size_t received, size_t page_size);

/// How many ids at the watermark a cursor keeps: enough to recognise the last pages after a
/// shift of the list, few enough that the state stays a few tens of KiB.
size_t seen_kept(size_t page_size);

/// The `From` bound for a watermark: floor to the second, minus one second, RFC 3339 UTC.
std::string from_bound(int64_t watermark_ms);

}  // namespace cx::generic
