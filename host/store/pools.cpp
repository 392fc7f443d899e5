#include "host/store/pools.hpp"

#include "host/store/amount_key.hpp"
#include "host/store/errors.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace cx::store::pools {
namespace {

constexpr const char* kColumns = "id, name, query";

const FilterSpec& spec() {
  static const FilterSpec s{"pools",
                            {FilterKey{"name", "name", ops::bit(Filter::Kind::Match), FilterValue::Text, ""},
                             FilterKey{"id", "id", ops::kEquality, FilterValue::Text, ""}},
                            ""};
  return s;
}

std::vector<std::string> members(Tx& tx, std::string_view pool_id) {
  db::Statement& s = tx.prepare("SELECT account_id FROM pool_accounts WHERE pool_id = ? ORDER BY sort_id");
  sql::bind_str(s, 1, pool_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(sql::col_str(s, 0));
  return out;
}

// `account_id` is a membership test, not a column: each of its leaves becomes `id $in` the pools
// holding that account, so the rest of the filter compiles as usual.
Filter rewrite_membership(Tx& tx, const Filter& f) {
  Filter out = f;
  if (f.kind == Filter::Kind::And || f.kind == Filter::Kind::Or || f.kind == Filter::Kind::Not) {
    for (auto& c : out.children) c = rewrite_membership(tx, c);
    return out;
  }
  if (f.key != "account_id") return out;
  if (f.kind != Filter::Kind::Match) throw QueryError("operator not allowed on 'account_id' for pools: use $match");
  if (!f.value.is_string()) throw QueryError("'account_id' takes a string");
  db::Statement& s = tx.prepare("SELECT pool_id FROM pool_accounts WHERE account_id = ?");
  sql::bind_str(s, 1, f.value.get_string());
  boost::json::array ids;
  while (s.step()) ids.emplace_back(sql::col_str(s, 0));
  out.kind = Filter::Kind::In;
  out.key = "id";
  out.value = std::move(ids);
  return out;
}

void insert_member(WriteTx& tx, std::string_view pool_id, std::string_view account_id) {
  db::Statement& acc = tx.prepare("SELECT 1 FROM accounts WHERE id = ?");
  sql::bind_str(acc, 1, account_id);
  if (!acc.step()) throw InvalidReference("account " + std::string(account_id) + " not found");
  db::Statement& s =
      tx.prepare("INSERT INTO pool_accounts (pool_id, account_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
  sql::bind_str(s, 1, pool_id);
  sql::bind_str(s, 2, account_id);
  s.exec();
}

}  // namespace

void insert(WriteTx& tx, const PoolRecord& p) {
  db::Statement& taken = tx.prepare("SELECT 1 FROM pools WHERE id = ? OR name = ?");
  sql::bind_str(taken, 1, p.id);
  sql::bind_str(taken, 2, p.name);
  if (taken.step()) throw Conflict("a pool named '" + p.name + "' already exists");
  db::Statement& s = tx.prepare("INSERT INTO pools (id, name, query, created_at) VALUES (?, ?, ?, ?)");
  s.bind(1, p.id);
  s.bind(2, p.name);
  sql::bind_opt(s, 3, p.query);
  s.bind(4, p.created_at ? p.created_at : tx.now());
  s.exec();
  for (const auto& a : p.account_ids) insert_member(tx, p.id, a);
}

std::optional<PoolRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + ", created_at FROM pools WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  // read_row prepares another statement: copy the row out first.
  PoolRecord p;
  p.id = sql::col_str(s, 0);
  p.name = sql::col_str(s, 1);
  p.query = sql::col_opt_str(s, 2);
  p.created_at = s.get_int64(3);
  s.reset();
  if (!p.query) p.account_ids = members(tx, p.id);
  return p;
}

Page<PoolRecord> list(Tx& tx, const PageQuery& q) {
  PageQuery rewritten = q;
  if (q.filter) rewritten.filter = rewrite_membership(tx, *q.filter);
  // Rows first, members after: the membership statement must not run while the list one steps.
  struct Row {
    std::string id, name;
    std::optional<std::string> query;
    int64_t created_at;
  };
  Page<Row> rows = list_page<Row>(tx, {kColumns, "pools", "", {}}, spec(), rewritten, [](db::Statement& s) {
    return Row{sql::col_str(s, 0), sql::col_str(s, 1), sql::col_opt_str(s, 2), s.get_int64(3)};
  });
  Page<PoolRecord> out;
  out.has_more = rows.has_more;
  out.has_newer = rows.has_newer;
  out.first = rows.first;
  out.last = rows.last;
  for (auto& r : rows.items) {
    PoolRecord p{std::move(r.id), std::move(r.name), std::move(r.query), {}, r.created_at};
    if (!p.query) p.account_ids = members(tx, p.id);
    out.items.push_back(std::move(p));
  }
  return out;
}

bool remove(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("DELETE FROM pools WHERE id = ?");
  sql::bind_str(s, 1, id);
  return s.exec() > 0;
}

void add_account(WriteTx& tx, std::string_view pool_id, std::string_view account_id) {
  db::Statement& p = tx.prepare("SELECT 1 FROM pools WHERE id = ?");
  sql::bind_str(p, 1, pool_id);
  if (!p.step()) throw InvalidReference("pool " + std::string(pool_id) + " not found");
  p.reset();
  insert_member(tx, pool_id, account_id);
}

void remove_account(WriteTx& tx, std::string_view pool_id, std::string_view account_id) {
  db::Statement& s = tx.prepare("DELETE FROM pool_accounts WHERE pool_id = ? AND account_id = ?");
  sql::bind_str(s, 1, pool_id);
  sql::bind_str(s, 2, account_id);
  s.exec();
}

void update_query(WriteTx& tx, std::string_view pool_id, const std::string& query) {
  db::Statement& s = tx.prepare("UPDATE pools SET query = ? WHERE id = ?");
  s.bind(1, query);
  sql::bind_str(s, 2, pool_id);
  if (s.exec() == 0) throw NotFound("pool " + std::string(pool_id) + " not found");
}

std::vector<PoolBalance> balances(Tx& tx, const std::vector<std::string>& account_ids, std::optional<int64_t> at) {
  // The row in force: greatest created_at (unique per account and asset) not after `at`.
  db::Statement& s = tx.prepare(
      "SELECT b.asset, b.balance FROM balances b WHERE b.account_id = ?1 AND b.created_at = "
      "(SELECT MAX(created_at) FROM balances WHERE account_id = ?1 AND asset = b.asset AND created_at <= ?2)");
  std::map<std::string, PoolBalance> by_asset;
  std::set<std::string> seen;
  for (const auto& id : account_ids) {
    if (!seen.insert(id).second) continue;
    s.reset();
    sql::bind_str(s, 1, id);
    s.bind(2, at ? *at : INT64_MAX);
    while (s.step()) {
      std::string asset = sql::col_str(s, 0);
      auto amount = normalize_amount(sql::col_str(s, 1));
      if (!amount) throw InvalidValue("stored balance of account " + id + " is not an integer");
      auto [it, fresh] = by_asset.try_emplace(asset, PoolBalance{asset, "0", {}});
      it->second.amount = amount_add(it->second.amount, *amount);
      it->second.related_accounts.push_back(id);
    }
  }
  std::vector<PoolBalance> out;
  for (auto& [asset, b] : by_asset) {
    std::sort(b.related_accounts.begin(), b.related_accounts.end());
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace cx::store::pools
