#include "fetch.hpp"

#include "mapping.hpp"

#include <connectivity/http.hpp>
#include <connectivity/json.hpp>
#include <connectivity/model.hpp>

#include <algorithm>
#include <set>

namespace powens {

namespace json = boost::json;

namespace {

/// What a fetch op knows about the connection it polls.
struct Context {
  std::string user_token;
  Owner owner;
  const json::object* parent = nullptr;  ///< parent item (an Account) when the task is a child
};

Context context_of(const cx::Call& call) {
  auto scope = cx::OpenBankingScope::of(call);
  Context ctx;
  ctx.owner.provider_user_id = scope.provider_user_id;
  ctx.owner.connection_id = scope.connection_id;
  ctx.user_token = scope.user_token.value_or(scope.connection_token.value_or(""));
  if (!ctx.owner.connection_id) throw cx::invalid("fromPayload.connection.connectionID", "missing the Powens connection id");
  if (ctx.user_token.empty())
    throw cx::invalid("fromPayload.forwardedUser.accessToken", "missing the Powens user token of the PSU");
  ctx.parent = scope.parent;
  return ctx;
}

const json::object& parent_account(const Context& ctx, const char* op) {
  if (!ctx.parent || !cx::json::text_or_none(*ctx.parent, "reference"))
    throw cx::invalid("fromPayload.fromPayload", std::string(op) + " runs under fetch_accounts and needs its Account");
  return *ctx.parent;
}

/// The Powens `limit`: the config's pageSize when the operator set one, else the host's
/// pageSize hint (capped at Powens' 1000), else the config's default.
int64_t page_size(const cx::Call& call, const Client& client) {
  if (client.config().page_size_set) return client.config().page_size;
  const size_t fallback = static_cast<size_t>(client.config().page_size);
  return static_cast<int64_t>(cx::FetchRequest::of(call, {fallback, static_cast<size_t>(kMaxPageSize)}).page_size);
}

/// Transaction paging watermark (see fetch.hpp).
struct Watermark {
  std::optional<std::string> last_update, next, pass_max;
  static Watermark from(const cx::Call& call) {
    Watermark w;
    if (auto* s = cx::json::object_or_null(call.object(), "state")) {
      w.last_update = cx::json::text_or_none(*s, "lastUpdate");
      w.next = cx::json::text_or_none(*s, "next");
      w.pass_max = cx::json::text_or_none(*s, "passMaxUpdate");
    }
    return w;
  }
  void see(const json::object& tx) {
    if (auto lu = cx::json::text_or_none(tx, "last_update"); lu && (!pass_max || *lu > *pass_max)) pass_max = lu;
  }
  /// The state after a page; hasMore while the page had a next link.
  json::object advance(const std::optional<std::string>& page_next) const {
    if (page_next) {
      int64_t offset = 0;
      if (auto o = cx::query_param(*page_next, "offset"))
        for (char c : *o)
          if (c >= '0' && c <= '9') offset = offset * 10 + (c - '0');
      return {{"lastUpdate", last_update ? json::value(*last_update) : json::value(nullptr)},
              {"next", *page_next},
              {"offset", offset},
              {"passMaxUpdate", pass_max ? json::value(*pass_max) : json::value(nullptr)}};
    }
    std::optional<std::string> done = last_update;
    if (pass_max && (!done || *pass_max > *done)) done = pass_max;
    return {{"lastUpdate", done ? json::value(*done) : json::value(nullptr)},
            {"next", nullptr},
            {"offset", 0},
            {"passMaxUpdate", nullptr}};
  }
};

/// One transactions page of the parent account, with the watermark already advanced.
struct TransactionsPage {
  json::array transactions;
  json::object new_state;
  bool has_more = false;
};

TransactionsPage transactions_page(const Client& client, const cx::Call& call, const Context& ctx, const std::string& account_id) {
  Watermark w = Watermark::from(call);
  std::string url = w.next ? *w.next : client.transactions_url(account_id, page_size(call, client), 0, w.last_update);
  auto page = client.transactions_page(call, ctx.user_token, url);
  TransactionsPage out;
  for (auto& t : page.transactions)
    if (t.is_object()) w.see(t.get_object());
  out.new_state = w.advance(page.next);
  out.has_more = page.next.has_value();
  out.transactions = std::move(page.transactions);
  return out;
}

}  // namespace

cx::AccountsPage fetch_accounts(const Client& client, const cx::Call& call, const cx::Host& host) {
  Context ctx = context_of(call);
  auto list = client.connection_accounts(call, ctx.user_token, *ctx.owner.connection_id);
  int64_t now = host.now_ms();
  cx::AccountsPage page;
  std::vector<Rejection> rejected;
  for (auto& v : list) {
    if (!v.is_object()) continue;
    std::string why;
    if (auto a = map_account(v.get_object(), ctx.owner, now, &why)) page.accounts.push_back(std::move(*a));
    else rejected.push_back({"?", why});
  }
  log_rejections(host, "account", rejected);
  return page;
}

cx::BalancesPage fetch_balances(const cx::Call& call, const cx::Host& host) {
  Context ctx = context_of(call);
  auto& account = parent_account(ctx, "fetch_balances");
  cx::BalancesPage page;
  auto* raw = cx::json::object_or_null(account, "raw");
  std::string why = "the parent account has no Powens payload";
  if (raw)
    if (auto b = map_balance(*raw, ctx.owner, host.now_ms(), &why)) page.balances.push_back(std::move(*b));
  if (page.balances.empty())
    host.warn("powens: no balance for account " + cx::json::text_or_none(account, "reference").value_or("?") + ": " + why);
  return page;
}

cx::PaymentsPage fetch_payments(const Client& client, const cx::Call& call, const cx::Host& host) {
  Context ctx = context_of(call);
  auto& account = parent_account(ctx, "fetch_payments");
  std::string account_id = *cx::json::text_or_none(account, "reference");
  std::string asset = cx::json::text_or_none(account, "defaultAsset").value_or("");
  TransactionsPage tx = transactions_page(client, call, ctx, account_id);
  PaymentBatch batch;
  for (auto& t : tx.transactions)
    if (t.is_object()) map_transaction(t.get_object(), account_id, asset, ctx.owner, batch);
  log_rejections(host, "transaction", batch.rejected);
  cx::PaymentsPage page;
  page.payments = std::move(batch.payments);
  page.payments_to_delete = std::move(batch.to_delete);
  page.new_state = std::move(tx.new_state);
  page.has_more = tx.has_more;
  return page;
}

cx::ExternalAccountsPage fetch_external_accounts(const Client& client, const cx::Call& call, const cx::Host& host) {
  Context ctx = context_of(call);
  auto& account = parent_account(ctx, "fetch_external_accounts");
  std::string account_id = *cx::json::text_or_none(account, "reference");
  TransactionsPage tx = transactions_page(client, call, ctx, account_id);
  cx::ExternalAccountsPage page;
  std::set<std::string> seen;
  int64_t now = host.now_ms();
  for (auto& t : tx.transactions) {
    if (!t.is_object() || cx::json::truthy(t.get_object(), "deleted")) continue;
    if (auto ext = map_counterparty(t.get_object(), ctx.owner, now); ext && seen.insert(ext->reference).second)
      page.external_accounts.push_back(std::move(*ext));
  }
  page.new_state = std::move(tx.new_state);
  page.has_more = tx.has_more;
  return page;
}

}  // namespace powens
