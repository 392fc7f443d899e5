#include "host/store/reconciliations.hpp"

#include "host/store/errors.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

namespace cx::store {
namespace {

constexpr uint32_t kMatch = ops::bit(Filter::Kind::Match);

std::string map_json(const std::map<std::string, std::string>& m) {
  boost::json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return boost::json::serialize(o);
}

std::map<std::string, std::string> map_from(std::string_view text, std::string_view what) {
  std::map<std::string, std::string> out;
  auto v = sql::json_from(text, what);
  if (!v.is_object()) throw StoreError("stored " + std::string(what) + " is not an object");
  for (const auto& [k, val] : v.get_object()) {
    if (!val.is_string()) throw StoreError("stored " + std::string(what) + " holds a non-text amount");
    out.emplace(std::string(k), std::string(val.get_string()));
  }
  return out;
}

}  // namespace

namespace policies {
namespace {
constexpr const char* kColumns = "id, name, ledger_name, ledger_query, payments_pool_id, interval_ms";

const FilterSpec& spec() {
  static const FilterSpec s{"policies",
                            {FilterKey{"name", "name", kMatch, FilterValue::Text, ""}, FilterKey{"ledgerName", "ledger_name", kMatch, FilterValue::Text, ""},
                             FilterKey{"paymentsPoolID", "payments_pool_id", kMatch, FilterValue::Text, ""},
                             FilterKey{"ledgerQuery", "ledger_query", kMatch, FilterValue::Text, ""}},
                            ""};
  return s;
}

PolicyRecord read_row(db::Statement& s) {
  PolicyRecord p;
  p.id = sql::col_str(s, 0);
  p.name = sql::col_str(s, 1);
  p.ledger_name = sql::col_str(s, 2);
  p.ledger_query = sql::col_str(s, 3);
  p.payments_pool_id = sql::col_str(s, 4);
  p.interval_ms = sql::col_opt_int(s, 5);
  p.created_at = s.get_int64(6);
  return p;
}
}  // namespace

void insert(WriteTx& tx, const PolicyRecord& p) {
  db::Statement& taken = tx.prepare("SELECT 1 FROM reconciliation_policies WHERE id = ?");
  taken.bind(1, p.id);
  if (taken.step()) throw Conflict("policy " + p.id + " already exists");
  db::Statement& s = tx.prepare(std::string("INSERT INTO reconciliation_policies (") + kColumns +
                                    ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, p.id);
  s.bind(2, p.name);
  s.bind(3, p.ledger_name);
  s.bind(4, p.ledger_query);
  s.bind(5, p.payments_pool_id);
  sql::bind_opt(s, 6, p.interval_ms);
  s.bind(7, p.created_at ? p.created_at : tx.now());
  s.exec();
}

std::optional<PolicyRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s =
      tx.prepare(std::string("SELECT ") + kColumns + ", created_at FROM reconciliation_policies WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

Page<PolicyRecord> list(Tx& tx, const PageQuery& q) {
  return list_page<PolicyRecord>(tx, {kColumns, "reconciliation_policies", "", {}}, spec(), q, read_row);
}

std::vector<PolicyRecord> with_interval(Tx& tx) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    ", created_at FROM reconciliation_policies WHERE interval_ms IS NOT NULL "
                                    "ORDER BY created_at, sort_id");
  std::vector<PolicyRecord> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

bool remove(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("DELETE FROM reconciliation_policies WHERE id = ?");
  sql::bind_str(s, 1, id);
  return s.exec() > 0;
}
}  // namespace policies

namespace reconciliations {
namespace {
constexpr const char* kColumns =
    "id, policy_id, reconciled_at_ledger, reconciled_at_payments, status, ledger_balances, payments_balances, "
    "drift_balances, error";

const FilterSpec& spec() {
  static const FilterSpec s{
      "reconciliations", {FilterKey{"policyID", "policy_id", kMatch, FilterValue::Text, ""}, FilterKey{"status", "status", kMatch, FilterValue::Text, ""}}, ""};
  return s;
}

ReconciliationRecord read_row(db::Statement& s) {
  ReconciliationRecord r;
  r.id = sql::col_str(s, 0);
  r.policy_id = sql::col_str(s, 1);
  r.reconciled_at_ledger = s.get_int64(2);
  r.reconciled_at_payments = s.get_int64(3);
  r.status = sql::col_str(s, 4);
  r.ledger_balances = map_from(sql::col_str(s, 5), "ledger_balances");
  r.payments_balances = map_from(sql::col_str(s, 6), "payments_balances");
  r.drift_balances = map_from(sql::col_str(s, 7), "drift_balances");
  r.error = sql::col_str(s, 8);
  r.created_at = s.get_int64(9);
  return r;
}
}  // namespace

void insert(WriteTx& tx, const ReconciliationRecord& r) {
  db::Statement& taken = tx.prepare("SELECT 1 FROM reconciliations WHERE id = ?");
  taken.bind(1, r.id);
  if (taken.step()) throw Conflict("reconciliation " + r.id + " already exists");
  db::Statement& s = tx.prepare(std::string("INSERT INTO reconciliations (") + kColumns +
                                    ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.id);
  s.bind(2, r.policy_id);
  s.bind(3, r.reconciled_at_ledger);
  s.bind(4, r.reconciled_at_payments);
  s.bind(5, r.status);
  s.bind(6, map_json(r.ledger_balances));
  s.bind(7, map_json(r.payments_balances));
  s.bind(8, map_json(r.drift_balances));
  s.bind(9, r.error);
  s.bind(10, r.created_at ? r.created_at : tx.now());
  s.exec();
}

std::optional<ReconciliationRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + ", created_at FROM reconciliations WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

Page<ReconciliationRecord> list(Tx& tx, const PageQuery& q) {
  return list_page<ReconciliationRecord>(tx, {kColumns, "reconciliations", "", {}}, spec(), q, read_row);
}

std::optional<int64_t> last_created_at(Tx& tx, std::string_view policy_id) {
  db::Statement& s = tx.prepare("SELECT MAX(created_at) FROM reconciliations WHERE policy_id = ?");
  sql::bind_str(s, 1, policy_id);
  if (!s.step()) return std::nullopt;
  return sql::col_opt_int(s, 0);
}
}  // namespace reconciliations

}  // namespace cx::store
