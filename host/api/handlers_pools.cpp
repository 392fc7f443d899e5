// Payment pools (payments v3, docs/api/pools.md): create (STATIC from accountIDs, DYNAMIC from a
// query), list, get, delete, update a dynamic pool's query, add/remove an account, balances at an
// instant and the latest.
#include "host/api/errors.hpp"
#include "host/api/json_output.hpp"
#include "host/api/pool_resolver.hpp"
#include "host/api/presenters.hpp"
#include "host/api/query_parser.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"
#include "host/store/pools.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <connectivity/time.hpp>

namespace cx::api {
namespace json = boost::json;
namespace {

json::object pool_json(const store::PoolRecord& p, const std::vector<std::string>& accounts,
                       json::storage_ptr sp = {}) {
  json::object o(sp);
  o["id"] = p.id;
  o["name"] = p.name;
  o["createdAt"] = rfc3339(p.created_at);
  o["type"] = p.query ? "DYNAMIC" : "STATIC";
  if (p.query) o["query"] = json::parse(*p.query, sp);
  json::array ids(sp);
  for (const auto& a : accounts) ids.emplace_back(a);
  o["poolAccounts"] = std::move(ids);
  return o;
}

json::value balances_json(const std::vector<store::PoolBalance>& rows) {
  json::array out;
  for (const auto& b : rows) {
    json::array related;
    for (const auto& a : b.related_accounts) related.emplace_back(a);
    out.push_back(json::object{{"asset", b.asset}, {"amount", big_integer(b.amount)}, {"relatedAccounts", related}});
  }
  return out;
}

// A query member: a non-empty object → its compact text (validated against the accounts filter
// language); {} or absent → nullopt.
std::optional<std::string> read_query(const json::object& body, bool required) {
  const json::value* q = body.if_contains("query");
  if (!q || q->is_null()) {
    if (required) throw validation_error("query is a required field");
    return std::nullopt;
  }
  if (!q->is_object()) throw body_error("query must be an object");
  if (q->get_object().empty()) {
    if (required) throw validation_error("query must not be empty");
    return std::nullopt;
  }
  parse_query(*q);  // QuerySyntaxError → 400 VALIDATION
  return json::serialize(*q);
}

store::AccountRecord require_internal_account(store::Tx& tx, const std::string& id) {
  auto a = store::accounts::get(tx, id);
  if (!a) throw not_found("account " + id + " not found");
  if (a->type != store::account_type::kInternal) throw validation_error("account " + id + " is not an internal account");
  return std::move(*a);
}

std::string pool_id_param(const RouteContext& c) { return uuid_param(c, "poolID"); }

store::PoolRecord require_pool(store::Tx& tx, const std::string& id) {
  auto p = store::pools::get(tx, id);
  if (!p) throw not_found("pool " + id + " not found");
  return std::move(*p);
}

void require_static(const store::PoolRecord& p) {
  if (p.query)
    throw validation_error("pool " + p.id + " is a dynamic pool, use the pool query update endpoint to change its accounts");
}

}  // namespace

void add_pool_routes(Api& api, const Services& s) {
  api.add("POST", v3("/pools"), Access::Private, [s](const RouteContext& c) {
    json::object body = parse_object_body(c.request.body);
    store::PoolRecord rec;
    auto name = optional_string(body, "name", "name");
    if (!name || name->empty()) throw validation_error("name is a required field");
    rec.name = *name;
    rec.query = read_query(body, false);
    const json::value* ids = body.if_contains("accountIDs");
    if (ids && !ids->is_null() && !ids->is_array()) throw body_error("accountIDs must be an array of strings");
    if (!rec.query) {
      if (!ids || ids->is_null()) throw validation_error("accountIDs is required when query is absent");
      for (const auto& v : ids->get_array()) {
        if (!v.is_string()) throw body_error("accountIDs must be an array of strings");
        auto id = ids::decode_account_id(v.get_string());
        if (!id) throw validation_error("accountIDs: \"" + std::string(v.get_string()) + "\" is not a valid account id");
        rec.account_ids.push_back(ids::encode(*id));
      }
    }
    rec.id = util::uuid_v4();
    s.db.write([&](store::WriteTx& tx) {
      for (const auto& a : rec.account_ids) require_internal_account(tx, a);
      if (rec.query) pool_account_ids(tx, rec);  // a filter the accounts list refuses fails now
      store::pools::insert(tx, rec);
    });
    return data_response(201, json::value(rec.id));
  });

  api.add("GET", v3("/pools"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& r) {
      return s.db.read([&](store::ReadTx& tx) {
        return render_page(store::pools::list(tx, r.query), [&](const store::PoolRecord& p, json::storage_ptr sp) {
          return pool_json(p, pool_account_ids(tx, p), std::move(sp));
        });
      });
    });
  });

  api.add("GET", v3("/pools/{poolID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = pool_id_param(c);
    return data_response(200, s.db.read([&](store::ReadTx& tx) {
      auto p = require_pool(tx, id);
      return pool_json(p, pool_account_ids(tx, p));
    }));
  });

  api.add("DELETE", v3("/pools/{poolID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = pool_id_param(c);
    s.db.write([&](store::WriteTx& tx) { store::pools::remove(tx, id); });  // unknown: 204 as well
    return no_content();
  });

  api.add("PATCH", v3("/pools/{poolID}/query"), Access::Private, [s](const RouteContext& c) {
    std::string id = pool_id_param(c);
    json::object body = parse_object_body(c.request.body);
    std::string query = *read_query(body, true);
    s.db.write([&](store::WriteTx& tx) {
      auto p = require_pool(tx, id);
      if (!p.query)
        throw validation_error("pool " + id + " is a static pool, use the pool account addition or deletion endpoints");
      store::pools::update_query(tx, id, query);
    });
    return no_content();
  });

  api.add("GET", v3("/pools/{poolID}/balances"), Access::Private, [s](const RouteContext& c) {
    std::string id = pool_id_param(c);
    auto at_text = c.request.param("at");
    if (!at_text || at_text->empty()) throw validation_error("query param 'at' is missing");
    auto at = time::parse_rfc3339(*at_text);
    if (!at) throw validation_error("invalid atTime: \"" + std::string(*at_text) + "\" is not RFC 3339");
    if (*at > s.db.now()) throw validation_error("query param 'at' cannot be in the future");
    return data_response(200, s.db.read([&](store::ReadTx& tx) {
      return balances_json(pool_balances(tx, require_pool(tx, id), *at));
    }));
  });

  api.add("GET", v3("/pools/{poolID}/balances/latest"), Access::Private, [s](const RouteContext& c) {
    std::string id = pool_id_param(c);
    return data_response(200, s.db.read([&](store::ReadTx& tx) {
      return balances_json(pool_balances(tx, require_pool(tx, id), std::nullopt));
    }));
  });

  api.add("POST", v3("/pools/{poolID}/accounts/{accountID}"), Access::Private, [s](const RouteContext& c) {
    std::string pool = pool_id_param(c);
    std::string account = account_id_param(c);
    s.db.write([&](store::WriteTx& tx) {
      require_internal_account(tx, account);
      require_static(require_pool(tx, pool));
      store::pools::add_account(tx, pool, account);
    });
    return no_content();
  });

  api.add("DELETE", v3("/pools/{poolID}/accounts/{accountID}"), Access::Private, [s](const RouteContext& c) {
    std::string pool = pool_id_param(c);
    std::string account = account_id_param(c);
    s.db.write([&](store::WriteTx& tx) {
      if (auto p = store::pools::get(tx, pool)) require_static(*p);
      store::pools::remove_account(tx, pool, account);  // unknown pool or non-member: 204 as well
    });
    return no_content();
  });
}

}  // namespace cx::api
