#include "host/store/balances.hpp"

#include "host/store/amount_key.hpp"
#include "host/store/errors.hpp"
#include "host/store/events.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

namespace cx::store::balances {
namespace {

constexpr const char* kColumns = "account_id, asset, balance, created_at, last_updated_at, psu_id, connection_id";

BalanceRecord read_row(db::Statement& s) {
  BalanceRecord b;
  b.account_id = sql::col_str(s, 0);
  b.asset = sql::col_str(s, 1);
  b.balance = sql::col_str(s, 2);
  b.created_at = s.get_int64(3);
  b.last_updated_at = s.get_int64(4);
  b.psu_id = sql::col_opt_str(s, 5);
  b.connection_id = sql::col_opt_str(s, 6);
  return b;
}

}  // namespace

BalanceWrite record(WriteTx& tx, const BalanceRecord& o) {
  auto amount = normalize_amount(o.balance);
  if (!amount) throw InvalidValue("balance '" + o.balance + "' of account " + o.account_id + " is not an integer");

  auto emit = [&] {
    events::append(tx, event_type::kSavedBalance,
                   boost::json::object{{"accountID", o.account_id}, {"asset", o.asset}, {"balance", *amount},
                                       {"createdAt", o.created_at}});
  };
  db::Statement& latest = tx.prepare(
      "SELECT sort_id, balance, created_at, last_updated_at FROM balances WHERE account_id = ? AND asset = ? "
      "ORDER BY created_at DESC LIMIT 1");
  latest.bind(1, o.account_id);
  latest.bind(2, o.asset);
  if (latest.step()) {
    const int64_t sort_id = latest.get_int64(0);
    const std::string current = sql::col_str(latest, 1);
    const int64_t created_at = latest.get_int64(2);
    const int64_t last_updated_at = latest.get_int64(3);
    if (o.created_at < last_updated_at) return BalanceWrite::Ignored;  // older than what we know
    if (current == *amount) {
      if (o.created_at == last_updated_at) return BalanceWrite::Ignored;  // a replay
      db::Statement& bump = tx.prepare("UPDATE balances SET last_updated_at = ? WHERE sort_id = ?");
      bump.bind(1, o.created_at);
      bump.bind(2, sort_id);
      bump.exec();
      return BalanceWrite::Bumped;
    }
    if (o.created_at == created_at) {
      // Two amounts for the same instant: the later observation wins, in place.
      db::Statement& fix = tx.prepare("UPDATE balances SET balance = ? WHERE sort_id = ?");
      fix.bind(1, *amount);
      fix.bind(2, sort_id);
      fix.exec();
      emit();
      return BalanceWrite::Inserted;
    }
    db::Statement& close = tx.prepare("UPDATE balances SET last_updated_at = ? WHERE sort_id = ?");
    close.bind(1, o.created_at);
    close.bind(2, sort_id);
    close.exec();
  }
  // psu and connection default to the account's (a balance belongs to its account's PSU).
  db::Statement& ins = tx.prepare(
      "INSERT INTO balances (account_id, asset, balance, created_at, last_updated_at, psu_id, connection_id) "
      "SELECT ?1, ?2, ?3, ?4, ?4, COALESCE(?5, a.psu_id), COALESCE(?6, a.connection_id) FROM accounts a "
      "WHERE a.id = ?1");
  ins.bind(1, o.account_id);
  ins.bind(2, o.asset);
  ins.bind(3, *amount);
  ins.bind(4, o.created_at);
  sql::bind_opt(ins, 5, o.psu_id);
  sql::bind_opt(ins, 6, o.connection_id);
  if (ins.exec() == 0) throw InvalidReference("balance of unknown account " + o.account_id);
  emit();
  return BalanceWrite::Inserted;
}

Page<BalanceRecord> list(Tx& tx, const BalanceQuery& bq, const PageQuery& q) {
  ListSql l{kColumns, "balances", "account_id = ?", {bq.account_id}};
  if (bq.asset) {
    l.scope += " AND asset = ?";
    l.scope_params.emplace_back(*bq.asset);
  }
  if (bq.from) {
    l.scope += " AND last_updated_at >= ?";
    l.scope_params.emplace_back(*bq.from);
  }
  if (bq.to) {
    l.scope += " AND created_at <= ?";
    l.scope_params.emplace_back(*bq.to);
  }
  return list_page<BalanceRecord>(tx, l, filter_specs::none("balances"), q, read_row);
}

std::vector<BalanceRecord> latest(Tx& tx, std::string_view account_id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns +
                                    " FROM balances b WHERE account_id = ?1 AND created_at = (SELECT MAX(created_at) "
                                    "FROM balances WHERE account_id = ?1 AND asset = b.asset) ORDER BY asset");
  sql::bind_str(s, 1, account_id);
  std::vector<BalanceRecord> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

}  // namespace cx::store::balances
