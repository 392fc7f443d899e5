// The Powens REST API (docs/providers/powens.md §2): auth, users, connections, accounts, transactions and
// webhook auths, with Powens' error bodies, per-user tokens and API fault injection.
#include "clock.hpp"
#include "sandbox.hpp"

#include <boost/url/url.hpp>
#include <algorithm>
#include <chrono>
#include <thread>

namespace cx::sandbox::powens {
namespace {

namespace json = boost::json;
using httplib::Request;
using httplib::Response;

/// Request parameters from a JSON body, a form body or the query string.
std::string param(const Request& req, const std::string& name) {
  if (req.get_header_value("Content-Type").find("json") != std::string::npos && !req.body.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (!ec && v.is_object())
      if (auto* p = v.get_object().if_contains(name)) {
        if (p->is_string()) return std::string(p->get_string());
        if (p->is_int64()) return std::to_string(p->get_int64());
        if (p->is_bool()) return p->get_bool() ? "true" : "false";
      }
  }
  return req.has_param(name) ? req.get_param_value(name) : std::string{};
}

bool flag(const Request& req, const std::string& name) {
  if (!req.has_param(name)) return false;
  auto v = req.get_param_value(name);
  return v.empty() || v == "1" || v == "true" || v == "True";
}

/// The authenticated user for a /users/{me|id}/… request, or nullopt with the error written.
std::optional<int64_t> user_of(Sandbox& sb, const Request& req, Response& res, const std::string& segment) {
  auto token = bearer_of(req);
  if (!token) {
    powens_error(sb, res, 401, "unauthorized", "Authorization header with a user token is required");
    return std::nullopt;
  }
  auto user = sb.world.user_of_token(*token);
  if (!user) {
    powens_error(sb, res, 401, "invalidToken", "The user token is invalid, revoked or its user deleted");
    return std::nullopt;
  }
  if (segment != "me" && segment != std::to_string(*user)) {
    powens_error(sb, res, 403, "forbidden", "This token does not give access to user " + segment);
    return std::nullopt;
  }
  return user;
}

Connection* connection_of(Sandbox& sb, Response& res, int64_t user, const std::string& id) {
  auto it = sb.world.connections.find(std::stoll(id));
  if (it == sb.world.connections.end() || it->second.user_id != user || it->second.deleted) {
    powens_error(sb, res, 404, "connectionNotFound", "No connection " + id + " for this user");
    return nullptr;
  }
  return &it->second;
}

Account* account_of(Sandbox& sb, Response& res, int64_t user, const std::string& id) {
  auto it = sb.world.accounts.find(std::stoll(id));
  if (it == sb.world.accounts.end() || it->second.user_id != user ||
      sb.world.connections[it->second.connection_id].deleted) {
    powens_error(sb, res, 404, "accountNotFound", "No account " + id + " for this user");
    return nullptr;
  }
  return &it->second;
}

/// Accounts of a user's live connections (or one connection).
std::vector<const Account*> accounts_in_scope(const World& w, int64_t user, std::optional<int64_t> connection) {
  std::vector<const Account*> out;
  for (auto cid : w.users.at(user).connections) {
    auto& c = w.connections.at(cid);
    if (c.deleted || (connection && cid != *connection)) continue;
    for (auto aid : c.accounts) out.push_back(&w.accounts.at(aid));
  }
  return out;
}

void list_accounts(Sandbox& sb, Response& res, const std::vector<const Account*>& accounts) {
  json::array list;
  std::map<std::string, std::pair<int64_t, int>> totals;
  for (auto* a : accounts) {
    list.push_back(account_json(sb.world, *a));
    auto& t = totals[a->currency.id];
    t.first += sb.world.balance_of(*a);
    t.second = a->currency.precision;
  }
  json::object balances;
  for (auto& [cur, t] : totals) balances[cur] = number_text(decimal_of(t.first, t.second));
  auto eur = totals.find("EUR");
  send_json(res, json::object{{"accounts", std::move(list)},
                              {"balance", eur == totals.end() ? number_text("0.0") : number_text(decimal_of(eur->second.first, 2))},
                              {"balances", std::move(balances)},
                              {"coming_balances", json::object{}},
                              {"total", accounts.size()}});
}

/// GET …/transactions: limit (required, <= 1000) / offset paging with _links.next.
void list_transactions(Sandbox& sb, const Request& req, Response& res, const std::vector<const Account*>& accounts) {
  if (!req.has_param("limit")) return powens_error(sb, res, 400, "missingParameter", "limit is required");
  long long limit = 0, offset = 0;
  try {
    limit = std::stoll(req.get_param_value("limit"));
    offset = req.has_param("offset") ? std::stoll(req.get_param_value("offset")) : 0;
  } catch (...) {
    return powens_error(sb, res, 400, "invalidValue", "limit and offset must be integers");
  }
  if (limit < 1 || limit > 1000) return powens_error(sb, res, 400, "invalidValue", "limit must be between 1 and 1000");
  if (offset < 0) return powens_error(sb, res, 400, "invalidValue", "offset must be >= 0");
  bool all = flag(req, "all");
  std::string min_date = req.get_param_value("min_date"), max_date = req.get_param_value("max_date");
  std::optional<int64_t> since;
  if (req.has_param("last_update")) {
    since = parse_paris(req.get_param_value("last_update"));
    if (!since) return powens_error(sb, res, 400, "invalidValue", "last_update must be YYYY-MM-DD HH:MM:SS");
  }
  std::vector<const Transaction*> rows;
  for (auto* a : accounts)
    for (auto id : a->transactions) {
      auto& t = sb.world.transactions.at(id);
      if (t.deleted && !all) continue;
      if (!min_date.empty() && t.date < min_date) continue;
      if (!max_date.empty() && t.date > max_date) continue;
      if (since && t.last_update < *since) continue;  // rows updated at or after last_update
      rows.push_back(&t);
    }
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->date != b->date ? a->date > b->date : a->id > b->id; });
  json::array page;
  auto opt = sb.render_options();
  for (long long i = offset; i < offset + limit && i < static_cast<long long>(rows.size()); ++i)
    page.push_back(transaction_json(sb.world, *rows[static_cast<size_t>(i)], opt));
  auto href = [&](long long off) {
    boost::urls::url q;  // only its query: Boost.URL percent-encodes each key and value
    for (auto& [k, v] : req.params)
      if (k != "offset") q.params().append({k, v});
    q.params().append({"offset", std::to_string(off)});
    return "http://" + req.get_header_value("Host") + req.path + "?" + std::string(q.encoded_query());
  };
  json::object links{{"self", json::object{{"href", href(offset)}}}};
  links["next"] = offset + limit < static_cast<long long>(rows.size()) ? json::value(json::object{{"href", href(offset + limit)}})
                                                                       : json::value(nullptr);
  if (offset > 0) links["prev"] = json::object{{"href", href(std::max(0LL, offset - limit))}};
  std::string first = rows.empty() ? "" : rows.back()->date, last = rows.empty() ? "" : rows.front()->date;
  send_json(res, json::object{{"transactions", std::move(page)},
                              {"first_date", first.empty() ? json::value(nullptr) : json::value(first)},
                              {"last_date", last.empty() ? json::value(nullptr) : json::value(last)},
                              {"result_min_date", first.empty() ? json::value(nullptr) : json::value(first)},
                              {"result_max_date", last.empty() ? json::value(nullptr) : json::value(last)},
                              {"_links", std::move(links)}});
}

bool config_token_ok(Sandbox& sb, const Request& req, Response& res) {
  auto token = bearer_of(req);
  if (token && *token == sb.world.credentials.configuration_token) return true;
  powens_error(sb, res, 401, "unauthorized", "The configuration token is required for /webhooks/auth");
  return false;
}

void register_webhook_auth(httplib::Server& s, Sandbox& sb, const std::string& prefix) {
  s.Post(prefix + "/webhooks/auth", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    if (!config_token_ok(sb, req, res)) return;
    std::string type = req.get_param_value("type"), name = req.get_param_value("name");
    if (type != "hmac_signature") return powens_error(sb, res, 400, "invalidValue", "type must be hmac_signature");
    if (name.empty()) return powens_error(sb, res, 400, "missingParameter", "name is required");
    if (name.size() > 40 || name.find('-') != std::string::npos)
      return powens_error(sb, res, 500, "dataError", "The auth provider name is too long or contains a dash");
    WebhookAuth a{sb.world.next_auth_id(), name, sb.world.mint("", 44)};
    sb.world.auths.push_back(a);
    send_json(res, json::object{{"id", a.id}, {"type", "hmac_signature"}, {"name", a.name},
                                {"config", json::object{{"secret_key", a.secret}}}});
  });
  s.Get(prefix + "/webhooks/auth", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    if (!config_token_ok(sb, req, res)) return;
    json::array list;
    for (auto& a : sb.world.auths) list.push_back(json::object{{"id", a.id}, {"type", "hmac_signature"}, {"name", a.name}});
    send_json(res, json::object{{"authproviders", std::move(list)}});
  });
  s.Delete(prefix + R"(/webhooks/auth/(\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    if (!config_token_ok(sb, req, res)) return;
    int64_t id = std::stoll(req.matches[1]);
    auto& v = sb.world.auths;
    auto it = std::find_if(v.begin(), v.end(), [&](auto& a) { return a.id == id; });
    if (it == v.end()) return powens_error(sb, res, 404, "notFound", "No webhook auth " + std::to_string(id));
    v.erase(it);
    res.status = 204;
  });
}

}  // namespace

void register_api(httplib::Server& s, Sandbox& sb) {
  // API faults: latency, 429 and 5xx on /2.0 and /webhooks (never on the webview or console).
  s.set_pre_routing_handler([&sb](const Request& req, Response& res) {
    bool api = req.path.rfind("/2.0/", 0) == 0 || req.path.rfind("/webhooks/", 0) == 0;
    if (!api) return httplib::Server::HandlerResponse::Unhandled;
    FaultConfig f = sb.faults.get();
    if (f.latency_ms > 0 && sb.faults.roll(f.latency_rate))
      std::this_thread::sleep_for(std::chrono::milliseconds(f.latency_ms));
    if (sb.faults.roll(f.rate_429)) {
      res.set_header("Retry-After", std::to_string(f.retry_after_s));
      powens_error(sb, res, 429, "tooManyRequests", "Rate limit reached, retry later");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (sb.faults.roll(f.rate_5xx)) {
      if (sb.faults.roll(0.5)) powens_error(sb, res, 500, "bug", "Internal error (injected)");
      else powens_error(sb, res, 503, "serviceUnavailable", "Service temporarily unavailable (injected)");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  s.Post("/2.0/auth/init", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto& c = sb.world.credentials;
    if (param(req, "client_id") != c.client_id || param(req, "client_secret") != c.client_secret)
      return powens_error(sb, res, 401, "invalidClient", "Unknown client_id or wrong client_secret");
    auto [id, token] = sb.world.create_user();
    send_json(res, json::object{{"auth_token", token}, {"type", "permanent"}, {"id_user", id}, {"expires_in", nullptr}});
  });
  s.Post("/2.0/auth/renew", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto& c = sb.world.credentials;
    if (param(req, "client_id") != c.client_id || param(req, "client_secret") != c.client_secret)
      return powens_error(sb, res, 401, "invalidClient", "Unknown client_id or wrong client_secret");
    std::string uid = param(req, "id_user");
    auto it = uid.empty() ? sb.world.users.end() : sb.world.users.find(std::stoll(uid));
    if (it == sb.world.users.end() || it->second.deleted) return powens_error(sb, res, 404, "userNotFound", "No such user");
    std::string token = sb.world.issue_token(it->first, param(req, "revoke_previous") == "true");
    send_json(res, json::object{{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", nullptr}});
  });
  s.Post("/2.0/auth/token/access", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto& c = sb.world.credentials;
    if (param(req, "client_id") != c.client_id || param(req, "client_secret") != c.client_secret)
      return powens_error(sb, res, 401, "invalidClient", "Unknown client_id or wrong client_secret");
    auto user = sb.world.user_of_code(param(req, "code"));
    if (!user) return powens_error(sb, res, 400, "invalidValue", "The code is unknown or expired");
    send_json(res, json::object{{"access_token", sb.world.issue_token(*user, false)}, {"token_type", "Bearer"}});
  });
  s.Get("/2.0/auth/token/code", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, "me");
    if (!user) return;
    std::string type = req.has_param("type") ? req.get_param_value("type") : "temporary";
    send_json(res, json::object{{"code", sb.world.issue_code(*user)}, {"type", type}, {"access", "standard"}, {"expires_in", 1800}});
  });

  s.Get(R"(/2.0/users/(me|\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    send_json(res, json::object{{"id", *user}, {"signin", paris_datetime(sb.world.now)}, {"platform", "sharedAccess"}});
  });
  s.Delete(R"(/2.0/users/(me|\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    sb.world.delete_user(sb.world.users[*user]);
    sb.fire("USER_DELETED", to_text(json::object{{"id", *user}, {"signin", nullptr}, {"platform", "sharedAccess"}}));
    res.status = 204;
  });

  s.Get(R"(/2.0/users/(me|\d+)/connections)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    bool expand = req.get_param_value("expand").find("connector") != std::string::npos;
    json::array list;
    for (auto cid : sb.world.users[*user].connections)
      if (!sb.world.connections[cid].deleted) list.push_back(connection_json(sb.world, sb.world.connections[cid], expand));
    send_json(res, json::object{{"connections", std::move(list)}});
  });
  s.Get(R"(/2.0/users/(me|\d+)/connections/(\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    if (auto* c = connection_of(sb, res, *user, req.matches[2]))
      send_json(res, connection_json(sb.world, *c, req.get_param_value("expand").find("connector") != std::string::npos));
  });
  s.Put(R"(/2.0/users/(me|\d+)/connections/(\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    auto* c = connection_of(sb, res, *user, req.matches[2]);
    if (!c) return;
    if (!c->state && c->last_push && *c->last_push >= sb.world.now)
      return powens_error(sb, res, 409, "connectionLocked", "The connection is already up to date");
    c->last_update = sb.world.now;
    sb.sync(*c);
    send_json(res, connection_json(sb.world, *c));
  });
  s.Delete(R"(/2.0/users/(me|\d+)/connections/(\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    auto* c = connection_of(sb, res, *user, req.matches[2]);
    if (!c) return;
    sb.world.delete_connection(*c);
    sb.fire("CONNECTION_DELETED", to_text(connection_json(sb.world, *c)));
    res.status = 204;
  });

  s.Get(R"(/2.0/users/(me|\d+)/accounts)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    list_accounts(sb, res, accounts_in_scope(sb.world, *user, std::nullopt));
  });
  s.Get(R"(/2.0/users/(me|\d+)/connections/(\d+)/accounts)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    if (auto* c = connection_of(sb, res, *user, req.matches[2])) list_accounts(sb, res, accounts_in_scope(sb.world, *user, c->id));
  });
  s.Get(R"(/2.0/users/(me|\d+)/transactions)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    list_transactions(sb, req, res, accounts_in_scope(sb.world, *user, std::nullopt));
  });
  s.Get(R"(/2.0/users/(me|\d+)/connections/(\d+)/transactions)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    if (auto* c = connection_of(sb, res, *user, req.matches[2]))
      list_transactions(sb, req, res, accounts_in_scope(sb.world, *user, c->id));
  });
  s.Get(R"(/2.0/users/(me|\d+)/accounts/(\d+)/transactions)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto user = user_of(sb, req, res, req.matches[1]);
    if (!user) return;
    if (auto* a = account_of(sb, res, *user, req.matches[2])) list_transactions(sb, req, res, {a});
  });

  register_webhook_auth(s, sb, "");
  register_webhook_auth(s, sb, "/2.0");
}

}  // namespace cx::sandbox::powens
