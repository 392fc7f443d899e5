// The one list query every repository runs: scope + compiled filter, newest first with insertion
// order as the tiebreak, page_size+1 rows read to know has_more (internal to host/store).
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
  if (q.filter) {
    CompiledFilter c = compile_filter(*q.filter, spec, &tx.blind_index());
    where = where.empty() ? c.sql : "(" + where + ") AND " + c.sql;
    params.insert(params.end(), std::make_move_iterator(c.params.begin()), std::make_move_iterator(c.params.end()));
  }
  const int size = std::clamp(q.page_size, 1, 1000);
  std::string sql = "SELECT " + l.columns + " FROM " + l.table + (where.empty() ? "" : " WHERE " + where) +
                    " ORDER BY created_at DESC, sort_id DESC LIMIT ? OFFSET ?";
  // Parameters are bound, so one filter shape is one SQL text: the statement cache serves repeats.
  SQLite::Statement& s = tx.prepare(sql);
  int next = bind_params(s, params);
  s.bind(next, static_cast<int64_t>(size) + 1);
  s.bind(next + 1, static_cast<int64_t>(std::max<int64_t>(q.offset, 0)));
  Page<T> page;
  while (s.executeStep()) {
    if (static_cast<int>(page.items.size()) == size) {
      page.has_more = true;
      break;
    }
    page.items.push_back(row(s));
  }
  return page;
}

}  // namespace cx::store
