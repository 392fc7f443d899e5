// The one list query every repository runs: scope + compiled filter + keyset bound, newest first
// with insertion order as the tiebreak, page_size+1 rows read to know has_more (internal to host/store).
#pragma once

#include "host/store/filter_sql.hpp"
#include "host/store/query.hpp"
#include "host/store/tx.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace cx::store {

struct ListSql {
  std::string columns;  ///< "id, name, …" (the row reader's column order)
  std::string table;
  std::string scope;    ///< optional condition with ? placeholders ("psu_id = ?")
  std::vector<SqlParam> scope_params;
};

template <class T, class Row>
Page<T> list_page(Tx& tx, const ListSql& l, const FilterSpec& spec, const PageQuery& q, Row&& row) {
  std::vector<SqlParam> params = l.scope_params;
  std::string where = l.scope;
  auto add = [&](const std::string& cond) { where = where.empty() ? cond : "(" + where + ") AND " + cond; };
  if (q.filter) {
    CompiledFilter c = compile_filter(*q.filter, spec, &tx.blind_index(), tx.backend());
    add(c.sql);
    params.insert(params.end(), std::make_move_iterator(c.params.begin()), std::make_move_iterator(c.params.end()));
  }
  // Keyset: a row value comparison on the (…, created_at, sort_id) index seeks straight to the
  // page, so a page costs O(log n + page_size) whatever its depth.
  const bool backward = q.before.has_value();
  const std::optional<PageKey>& key = backward ? q.before : q.after;
  if (key) {
    add(backward ? "(created_at, sort_id) > (?, ?)" : "(created_at, sort_id) < (?, ?)");
    params.emplace_back(key->created_at);
    params.emplace_back(key->sort_id);
  }
  const int size = std::clamp(q.page_size, 1, 1000);
  std::string sql = "SELECT " + l.columns + ", created_at, sort_id FROM " + l.table +
                    (where.empty() ? "" : " WHERE " + where) +
                    (backward ? " ORDER BY created_at ASC, sort_id ASC" : " ORDER BY created_at DESC, sort_id DESC") +
                    " LIMIT ? OFFSET ?";
  // Parameters are bound, so one filter shape is one SQL text: the statement cache serves repeats.
  db::Statement& s = tx.prepare(sql);
  int next = bind_params(s, params);
  s.bind(next, static_cast<int64_t>(size) + 1);
  s.bind(next + 1, key ? int64_t{0} : std::max<int64_t>(q.offset, 0));
  Page<T> page;
  std::vector<PageKey> keys;
  bool extra = false;
  while (s.step()) {
    if (static_cast<int>(page.items.size()) == size) {
      extra = true;
      break;
    }
    page.items.push_back(row(s));
    const int key_col = s.column_count() - 2;
    keys.push_back({s.get_int64(key_col), s.get_int64(key_col + 1)});
  }
  if (backward) {
    std::reverse(page.items.begin(), page.items.end());
    std::reverse(keys.begin(), keys.end());
    page.has_newer = extra;
    page.has_more = !keys.empty();  // the page this one was read back from
  } else {
    page.has_more = extra;
    page.has_newer = q.after.has_value() || q.offset > 0;
  }
  if (!keys.empty()) {
    page.first = keys.front();
    page.last = keys.back();
  }
  return page;
}

}  // namespace cx::store
