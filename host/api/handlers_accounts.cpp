// Accounts and their balances: GET /accounts, /accounts/{accountID}, /accounts/{accountID}/balances.
#include "host/api/errors.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"

#include <connectivity/time.hpp>

#include <map>

namespace cx::api {
namespace json = boost::json;
namespace {

// Renders accounts with their connector embedded, reading each connector once.
class AccountRenderer {
 public:
  explicit AccountRenderer(store::Tx& tx) : tx_(tx) {}
  json::object operator()(const store::AccountRecord& a, json::storage_ptr sp = {}) {
    auto it = connectors_.find(a.connector_id);
    if (it == connectors_.end()) {
      auto c = store::connectors::get(tx_, a.connector_id);
      it = connectors_.emplace(a.connector_id, c ? std::optional(account_connector(*c, sp)) : std::nullopt).first;
    }
    return account_json(a, it->second ? &*it->second : nullptr, std::move(sp));
  }

 private:
  store::Tx& tx_;
  std::map<std::string, std::optional<AccountConnector>> connectors_;
};

// ?from / ?fromTimestamp (and to) as UTC ms; 400 VALIDATION when not RFC 3339.
std::optional<int64_t> time_param(const ApiRequest& r, std::string_view name, std::string_view alias) {
  auto v = r.param(name);
  if (!v || v->empty()) v = r.param(alias);
  if (!v || v->empty()) return std::nullopt;
  auto ms = time::parse_rfc3339(*v);
  if (!ms) throw validation_error("invalid " + std::string(name) + " \"" + std::string(*v) + "\": expected RFC 3339");
  return ms;
}

}  // namespace

void add_account_routes(Api& api, const Services& s) {
  api.add("GET", v3("/accounts"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& r) {
      return s.db.read([&](store::ReadTx& tx) {
        AccountRenderer render(tx);
        return render_page(store::accounts::list(tx, r.query), render);
      });
    });
  });

  api.add("GET", v3("/accounts/{accountID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = account_id_param(c);
    auto out = s.db.read([&](store::ReadTx& tx) -> std::optional<json::object> {
      auto a = store::accounts::get(tx, id);
      if (!a) return std::nullopt;
      return AccountRenderer(tx)(*a);
    });
    if (!out) throw not_found("account not found");
    return data_response(200, std::move(*out));
  });

  api.add("GET", v3("/accounts/{accountID}/balances"), Access::Private, [s](const RouteContext& c) {
    std::string id = account_id_param(c);
    const ApiRequest& req = c.request;
    json::object options;
    if (auto asset = req.param("asset"); asset && !asset->empty()) options["asset"] = *asset;
    if (auto from = time_param(req, "from", "fromTimestamp")) options["from"] = *from;
    auto to = time_param(req, "to", "toTimestamp");
    options["to"] = to ? *to : s.db.now();
    if (!s.db.read([&](store::ReadTx& tx) { return store::accounts::get(tx, id).has_value(); }))
      throw not_found("account not found");
    return list_response(
        c,
        [&](const PageRequest& r) {
          store::BalanceQuery bq;
          bq.account_id = id;
          if (auto a = r.options.if_contains("asset"); a && a->is_string()) bq.asset = std::string(a->get_string());
          if (auto f = r.options.if_contains("from"); f && f->is_int64()) bq.from = f->get_int64();
          if (auto t = r.options.if_contains("to"); t && t->is_int64()) bq.to = t->get_int64();
          auto page = s.db.read([&](store::ReadTx& tx) { return store::balances::list(tx, bq, r.query); });
          return render_page(page, [](const store::BalanceRecord& b, json::storage_ptr sp) {
            return balance_json(b, std::move(sp));
          });
        },
        std::move(options));
  });
}

}  // namespace cx::api
