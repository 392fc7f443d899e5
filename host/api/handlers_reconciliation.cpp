// The reconciliation API under /api/reconciliation (docs/reconciliation.md §1), wire-compatible
// with @formance/formance-sdk 7.0.1 sdk.reconciliation.v1: _info, policies create / list / get /
// delete, POST /policies/{policyID}/reconciliation, reconciliations list / get.
#include "host/api/errors.hpp"
#include "host/api/json_output.hpp"
#include "host/api/presenters.hpp"
#include "host/api/reconcile_service.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"
#include "host/engine/duration.hpp"
#include "host/store/pools.hpp"
#include "host/store/reconciliations.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <connectivity/time.hpp>

#include <regex>

namespace cx::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kBase = "/api/reconciliation";
/// Shortest accepted policy interval: monitoring, not a busy loop.
constexpr int64_t kMinIntervalMs = 1000;

std::string r(std::string_view suffix) { return std::string(kBase) + std::string(suffix); }

json::object policy_json(const store::PolicyRecord& p, json::storage_ptr sp = {}) {
  json::object o(sp);
  o["id"] = p.id;
  o["name"] = p.name;
  o["createdAt"] = rfc3339(p.created_at);
  o["ledgerName"] = p.ledger_name;
  o["ledgerQuery"] = json::parse(p.ledger_query, sp);
  o["paymentsPoolID"] = p.payments_pool_id;
  if (p.interval_ms) o["interval"] = engine::format_duration(*p.interval_ms);
  return o;
}

json::object balances_json(const std::map<std::string, std::string>& m, const json::storage_ptr& sp) {
  json::object o(sp);
  for (const auto& [asset, amount] : m) o[asset] = big_integer(amount, sp);
  return o;
}

json::object reconciliation_json(const store::ReconciliationRecord& x, json::storage_ptr sp = {}) {
  json::object o(sp);
  o["id"] = x.id;
  o["policyID"] = x.policy_id;
  o["createdAt"] = rfc3339(x.created_at);
  o["reconciledAtLedger"] = rfc3339(x.reconciled_at_ledger);
  o["reconciledAtPayments"] = rfc3339(x.reconciled_at_payments);
  o["status"] = x.status;
  o["paymentsBalances"] = balances_json(x.payments_balances, sp);
  o["ledgerBalances"] = balances_json(x.ledger_balances, sp);
  o["driftBalances"] = balances_json(x.drift_balances, sp);
  o["error"] = x.error;
  return o;
}

std::string required_text(const json::object& body, std::string_view key) {
  auto v = optional_string(body, key, key);
  if (!v || v->empty()) throw validation_error(std::string(key) + " is a required field");
  return *v;
}

store::PolicyRecord parse_policy(std::string_view text) {
  json::object body = parse_object_body(text);
  store::PolicyRecord p;
  p.name = required_text(body, "name");
  p.ledger_name = required_text(body, "ledgerName");
  // Formance Ledger v2 ledger names (docs/reconciliation.md §4.2).
  static const std::regex kLedgerName("^[0-9a-zA-Z_-]{1,63}$");
  if (!std::regex_match(p.ledger_name, kLedgerName))
    throw validation_error("ledgerName \"" + p.ledger_name + "\" is not a ledger name ([0-9a-zA-Z_-]{1,63})");
  const json::value* q = body.if_contains("ledgerQuery");
  if (q && !q->is_null() && !q->is_object()) throw body_error("ledgerQuery must be an object");
  p.ledger_query = q && q->is_object() ? json::serialize(*q) : "{}";
  auto pool = optional_string(body, "paymentsPoolID", "paymentsPoolID");
  if (!pool) throw validation_error("paymentsPoolID is a required field");
  auto pool_id = ids::normalize_uuid(*pool);
  if (!pool_id) throw invalid_id("paymentsPoolID", *pool);
  p.payments_pool_id = *pool_id;
  if (auto interval = optional_string(body, "interval", "interval")) {
    auto ms = engine::parse_duration_ms(*interval);
    if (!ms || *ms < kMinIntervalMs)
      throw validation_error("interval \"" + *interval + "\" is not a duration of at least 1s (e.g. \"15m\")");
    p.interval_ms = ms;
  }
  return p;
}

// A reconcile body instant: missing → VALIDATION "missing <key>"; not an RFC 3339 string →
// MISSING_OR_INVALID_BODY (the reference fails to decode it); later than now → VALIDATION.
int64_t instant(const json::object& body, std::string_view key, int64_t now) {
  const json::value* v = body.if_contains(key);
  if (!v || v->is_null()) throw validation_error("missing " + std::string(key));
  if (!v->is_string()) throw body_error(std::string(key) + " must be an RFC 3339 date-time string");
  auto ms = time::parse_rfc3339(v->get_string());
  if (!ms) throw body_error(std::string(key) + " \"" + std::string(v->get_string()) + "\" is not an RFC 3339 date-time");
  if (*ms > now) throw validation_error(std::string(key) + " must be in the past");
  return *ms;
}

store::PolicyRecord require_policy(store::Database& db, const std::string& id) {
  auto p = db.read([&](store::ReadTx& tx) { return store::policies::get(tx, id); });
  if (!p) throw not_found("policy " + id + " not found");
  return std::move(*p);
}

}  // namespace

void add_reconciliation_routes(Api& api, const Services& s) {
  api.add("GET", r("/_info"), Access::Public, [s](const RouteContext&) {
    return json_response(200, json::serialize(json::object{{"name", "reconciliation"}, {"version", s.version}}));
  });

  api.add("POST", r("/policies"), Access::Private, [s](const RouteContext& c) {
    store::PolicyRecord p = parse_policy(c.request.body);
    p.id = util::uuid_v4();
    s.db.write([&](store::WriteTx& tx) {
      if (!store::pools::get(tx, p.payments_pool_id)) throw not_found("pool " + p.payments_pool_id + " not found");
      p.created_at = tx.now();
      store::policies::insert(tx, p);
    });
    return data_response(201, policy_json(p));
  });

  api.add("GET", r("/policies"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& req) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::policies::list(tx, req.query); });
      return render_page(page, [](const store::PolicyRecord& p, json::storage_ptr sp) {
        return policy_json(p, std::move(sp));
      });
    });
  });

  api.add("GET", r("/policies/{policyID}"), Access::Private, [s](const RouteContext& c) {
    return data_response(200, policy_json(require_policy(s.db, uuid_param(c, "policyID"))));
  });

  // Deleting a policy keeps its reconciliations (the audit trail); unknown ids answer 204 too.
  api.add("DELETE", r("/policies/{policyID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = uuid_param(c, "policyID");
    s.db.write([&](store::WriteTx& tx) { store::policies::remove(tx, id); });
    return no_content();
  });

  api.add("POST", r("/policies/{policyID}/reconciliation"), Access::Private, [s](const RouteContext& c) {
    json::object body = parse_object_body(c.request.body);
    const int64_t now = s.db.now();
    int64_t at_ledger = instant(body, "reconciledAtLedger", now);
    int64_t at_payments = instant(body, "reconciledAtPayments", now);
    store::PolicyRecord policy = require_policy(s.db, uuid_param(c, "policyID"));
    return data_response(200, reconciliation_json(reconcile_policy(s.db, s.ledger, policy, at_ledger, at_payments)));
  });

  api.add("GET", r("/reconciliations"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& req) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::reconciliations::list(tx, req.query); });
      return render_page(page, [](const store::ReconciliationRecord& x, json::storage_ptr sp) {
        return reconciliation_json(x, std::move(sp));
      });
    });
  });

  api.add("GET", r("/reconciliations/{reconciliationID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = uuid_param(c, "reconciliationID");
    auto x = s.db.read([&](store::ReadTx& tx) { return store::reconciliations::get(tx, id); });
    if (!x) throw not_found("reconciliation " + id + " not found");
    return data_response(200, reconciliation_json(*x));
  });
}

}  // namespace cx::api
