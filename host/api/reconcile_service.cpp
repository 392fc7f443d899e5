#include "host/api/reconcile_service.hpp"

#include "host/api/errors.hpp"
#include "host/api/pool_resolver.hpp"
#include "host/store/pools.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <boost/json.hpp>

namespace cx::api {

store::ReconciliationRecord reconcile_policy(store::Database& db, const recon::LedgerSide& ledger,
                                             const store::PolicyRecord& policy, int64_t at_ledger_ms,
                                             int64_t at_payments_ms, std::chrono::milliseconds timeout) {
  recon::Fetch payments = [&](std::chrono::steady_clock::time_point) -> recon::SideResult {
    return db.read([&](store::ReadTx& tx) -> recon::SideResult {
      auto pool = store::pools::get(tx, policy.payments_pool_id);
      if (!pool) return recon::SideError{"pool " + policy.payments_pool_id + " not found", 404};
      recon::Balances out;
      for (auto& b : pool_balances(tx, *pool, at_payments_ms)) out.emplace(std::move(b.asset), std::move(b.amount));
      return out;
    });
  };
  recon::Fetch ledger_fetch = [&](std::chrono::steady_clock::time_point deadline) -> recon::SideResult {
    if (!ledger) return recon::SideError{"no ledger is configured (--ledger-url)", 0};
    auto query = boost::json::parse(policy.ledger_query);
    return ledger(policy.ledger_name, query.is_object() ? query.get_object() : boost::json::object{},
                  std::chrono::system_clock::time_point(std::chrono::milliseconds(at_ledger_ms)), deadline);
  };
  auto result = recon::run(payments, ledger_fetch, std::chrono::steady_clock::now() + timeout);
  if (auto* f = std::get_if<recon::FetchFailure>(&result)) {
    std::string why = f->message.size() > 1000 ? f->message.substr(0, 1000) + "…" : f->message;
    util::log().warn("reconciliation of policy {} failed on the {} side: {}", policy.id, f->side, why);
    throw ApiError(500, code::kInternal, f->side + " side: " + why);
  }
  auto& o = std::get<recon::Outcome>(result);
  store::ReconciliationRecord rec;
  rec.id = util::uuid_v4();
  rec.policy_id = policy.id;
  rec.reconciled_at_ledger = at_ledger_ms;
  rec.reconciled_at_payments = at_payments_ms;
  rec.status = o.status;
  rec.ledger_balances = std::move(o.ledger);
  rec.payments_balances = std::move(o.payments);
  rec.drift_balances = std::move(o.drift);
  rec.error = std::move(o.error);
  db.write([&](store::WriteTx& tx) {
    rec.created_at = tx.now();
    store::reconciliations::insert(tx, rec);
  });
  return rec;
}

}  // namespace cx::api
