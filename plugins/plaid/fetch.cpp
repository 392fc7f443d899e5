#include "fetch.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/json.hpp>

namespace cx::plaid {

ConnectionScope connection_scope(const cx::Call& call, std::string now) {
  auto ob = cx::OpenBankingScope::of(call);
  if (!ob.connection_token)
    throw cx::invalid("fromPayload.connection.accessToken", "the connection has no access token");
  ConnectionScope s;
  s.access_token = *ob.connection_token;
  s.ctx.connection_id = ob.connection_id.value_or("");
  s.ctx.provider_user_id = ob.provider_user_id;
  s.ctx.now = std::move(now);
  s.parent = ob.parent;
  return s;
}

namespace {
boost::json::array accounts_of(const boost::json::object& resp) {
  if (auto* a = json::array_or_null(resp, "accounts")) return *a;
  throw cx::Failure(CX_ERR_UPSTREAM, "plaid /accounts/get returned no accounts array");
}
}  // namespace

cx::AccountsPage fetch_accounts(const Client& client, const ConnectionScope& scope, Skipped& skipped,
                                   const cx::Call* call, const AccountSnapshots* snapshots) {
  auto resp = client.post("/accounts/get", boost::json::object{{"access_token", scope.access_token}}, call);
  cx::AccountsPage page;
  page.new_state = boost::json::object{};
  for (auto& a : accounts_of(resp))
    if (a.is_object()) {
      if (auto acc = map_account(a.get_object(), scope.ctx, skipped)) page.accounts.push_back(std::move(*acc));
      auto id = json::string_or_none(a.get_object(), "account_id");
      if (snapshots && snapshots->put && id && !id->empty()) snapshots->put(*id, boost::json::serialize(a));
    }
  return page;
}

cx::BalancesPage fetch_balances(const Client& client, const ConnectionScope& scope, Skipped& skipped,
                                   const cx::Call* call, const AccountSnapshots* snapshots) {
  cx::BalancesPage page;
  page.new_state = boost::json::object{};
  auto& balances = page.balances;
  const boost::json::object* parent = scope.parent;
  const boost::json::object* raw = parent ? json::object_or_null(*parent, "raw") : nullptr;
  std::optional<boost::json::value> latest;
  if (auto ref = parent ? json::string_or_none(*parent, "reference") : std::nullopt; ref && snapshots && snapshots->get)
    if (auto text = snapshots->get(*ref))
      if (auto v = json::parse_exact(*text, json::Numbers::rounded); v && v->is_object() && json::object_or_null(v->get_object(), "balances")) {
        latest = std::move(*v);
        raw = &latest->get_object();
      }
  if (raw && json::object_or_null(*raw, "balances")) {
    if (auto b = map_balance(*raw, scope.ctx, skipped)) balances.push_back(std::move(*b));
  } else {
    boost::json::object body{{"access_token", scope.access_token}};
    if (auto ref = parent ? json::string_or_none(*parent, "reference") : std::nullopt)
      body["options"] = boost::json::object{{"account_ids", boost::json::array{boost::json::value(*ref)}}};
    auto resp = client.post("/accounts/get", body, call);
    for (auto& a : accounts_of(resp))
      if (a.is_object())
        if (auto b = map_balance(a.get_object(), scope.ctx, skipped)) balances.push_back(std::move(*b));
  }
  return page;
}

cx::PaymentsPage fetch_payments(const Client& client, const ConnectionScope& scope, const cx::FetchRequest& req,
                                Skipped& skipped, const cx::Call* call) {
  std::string cursor, loop_start;
  if (auto* state = req.state_object()) {
    cursor = json::string_or_none(*state, "cursor").value_or("");
    loop_start = json::string_or_none(*state, "loopStartCursor").value_or(cursor);
  }
  boost::json::object resp;
  for (int attempt = 0;; ++attempt) {
    boost::json::object body{{"access_token", scope.access_token}, {"count", static_cast<int64_t>(req.page_size)}};
    if (!cursor.empty()) body["cursor"] = cursor;
    try {
      resp = client.post("/transactions/sync", body, call);
      break;
    } catch (const PlaidError& e) {
      if (e.error_code() != "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION" || attempt >= kMaxSyncRestarts) throw;
      cursor = loop_start;  // Plaid: restart the whole pagination loop from its first cursor
    }
  }
  auto* has_more_v = resp.if_contains("has_more");
  auto next = json::string_or_none(resp, "next_cursor");
  if (!has_more_v || !has_more_v->is_bool() || !next)
    throw cx::Failure(CX_ERR_UPSTREAM, "plaid /transactions/sync response lacks has_more/next_cursor");
  bool has_more = has_more_v->get_bool();
  SyncChanges changes = fold_sync_page(resp, scope.ctx, skipped);
  // Mid-loop (has_more) the loop's first cursor is kept; a finished loop starts the next one here.
  cx::PaymentsPage page;
  page.payments = std::move(changes.payments);
  page.payments_to_delete = std::move(changes.to_delete);
  page.new_state = boost::json::object{{"cursor", *next}, {"loopStartCursor", has_more ? loop_start : *next}};
  page.has_more = has_more;
  return page;
}

}  // namespace cx::plaid
