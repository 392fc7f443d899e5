// The console: a small admin API standing in for the Powens console (register webhook URLs),
// plus emulator controls (clock, faults, connection states) and the ground truth it served.
#include "clock.hpp"
#include "sandbox.hpp"

namespace cx::sandbox::powens {
namespace {

namespace json = boost::json;
using httplib::Request;
using httplib::Response;

void console_error(Response& res, int status, const std::string& message) {
  send_json(res, json::object{{"error", message}}, status);
}

std::optional<json::object> body_object(const Request& req, Response& res) {
  if (req.body.empty()) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object()) {
    console_error(res, 400, "the body must be a JSON object");
    return std::nullopt;
  }
  return v.get_object();
}

std::string str(const json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

/// The ground truth for one user: what the API serves now, plus the neutral view a correct
/// connector must end with (amounts in minor units, direction in the type, deleted rows gone).
json::object truth_of(Sandbox& sb, const User& u) {
  auto& w = sb.world;
  auto opt = sb.render_options();
  json::array connections, accounts, balances, transactions, payments, deleted, externals;
  std::set<std::string> external_refs;
  for (auto cid : u.connections) {
    auto& c = w.connections.at(cid);
    if (c.deleted) continue;
    connections.push_back(connection_json(w, c));
    for (auto aid : c.accounts) {
      auto& a = w.accounts.at(aid);
      std::string asset = a.currency.id + "/" + std::to_string(a.currency.precision);
      accounts.push_back(account_json(w, a));
      balances.push_back(json::object{{"accountReference", std::to_string(a.id)},
                                      {"amount", std::to_string(w.balance_of(a))},
                                      {"asset", asset},
                                      {"served", decimal_of(w.balance_of(a), a.currency.precision)}});
      for (auto tid : a.transactions) {
        auto& t = w.transactions.at(tid);
        if (t.deleted) {
          json::object d{{"id", t.id}, {"accountReference", std::to_string(a.id)}};
          if (t.replaced_by) d["replacedBy"] = *t.replaced_by;
          deleted.push_back(std::move(d));
          continue;
        }
        transactions.push_back(transaction_json(w, t, opt));
        payments.push_back(json::object{{"reference", std::to_string(t.id)},
                                        {"accountReference", std::to_string(a.id)},
                                        {"amount", std::to_string(t.value < 0 ? -t.value : t.value)},
                                        {"asset", asset},
                                        {"type", t.value < 0 ? "PAYOUT" : "PAY-IN"},
                                        {"status", t.coming ? "PENDING" : "SUCCEEDED"},
                                        {"malformed", malformed(w, t, opt)}});
        if (t.counterparty && external_refs.insert(t.counterparty->identification).second)
          externals.push_back(json::object{{"reference", t.counterparty->identification}, {"name", t.counterparty->label}});
      }
    }
  }
  return {{"user", u.id},
          {"now", rfc3339(w.now)},
          {"connections", std::move(connections)},
          {"accounts", std::move(accounts)},
          {"balances", std::move(balances)},
          {"transactions", std::move(transactions)},
          {"payments", std::move(payments)},
          {"deletedTransactions", std::move(deleted)},
          {"externalAccounts", std::move(externals)}};
}

/// Counts of what truth_of lists, without rendering anything (large data sets).
struct TruthCounts {
  int64_t users = 0, connections = 0, accounts = 0, transactions = 0, payments = 0, malformed = 0, deleted = 0;
  json::object to_json() const {
    return {{"users", users},       {"connections", connections}, {"accounts", accounts},
            {"transactions", transactions}, {"payments", payments}, {"malformedPayments", malformed},
            {"deletedTransactions", deleted}};
  }
};

void count_truth(Sandbox& sb, const User& u, TruthCounts& n) {
  auto& w = sb.world;
  auto opt = sb.render_options();
  ++n.users;
  for (auto cid : u.connections) {
    auto& c = w.connections.at(cid);
    if (c.deleted) continue;
    ++n.connections;
    for (auto aid : c.accounts) {
      ++n.accounts;
      for (auto tid : w.accounts.at(aid).transactions) {
        auto& t = w.transactions.at(tid);
        if (t.deleted) {
          ++n.deleted;
          continue;
        }
        ++n.transactions;
        ++n.payments;
        if (malformed(w, t, opt)) ++n.malformed;
      }
    }
  }
}

Connection* live_connection(Sandbox& sb, Response& res, const std::string& id) {
  auto it = sb.world.connections.find(std::stoll(id));
  if (it == sb.world.connections.end() || it->second.deleted) {
    console_error(res, 404, "no live connection " + id);
    return nullptr;
  }
  return &it->second;
}

}  // namespace

void register_console(httplib::Server& s, Sandbox& sb) {
  const std::string base = "/sandbox/console";

  s.Get(base, [&sb](const Request&, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto& c = sb.world.credentials;
    json::array bank_names;
    for (auto& b : banks()) bank_names.push_back(json::string(b.name));
    send_json(res, json::object{{"provider", "powens"},
                                {"now", rfc3339(sb.world.now)},
                                {"credentials", json::object{{"clientID", c.client_id},
                                                             {"clientSecret", c.client_secret},
                                                             {"configurationToken", c.configuration_token}}},
                                {"banks", std::move(bank_names)},
                                {"docs", "tools/sandbox/powens/README.md"}});
  });

  // Webhook URLs, one call per event: {"event": "CONNECTION_SYNCED", "url": "…", "auth"?: "<auth name>"}.
  s.Post(base + "/webhooks", [&sb](const Request& req, Response& res) {
    auto body = body_object(req, res);
    if (!body) return;
    std::string event = str(*body, "event"), url = str(*body, "url"), auth = str(*body, "auth");
    if (event.empty() || event.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != std::string::npos)
      return console_error(res, 400, "event must be a Powens event name such as CONNECTION_SYNCED");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return console_error(res, 400, "url must be an absolute http(s) URL");
    std::lock_guard l(sb.world.mu);
    sb.world.webhook_urls[event] = url;
    if (auth.empty()) sb.world.webhook_auth_names.erase(event);
    else sb.world.webhook_auth_names[event] = auth;
    res.status = 204;
  });
  s.Get(base + "/webhooks", [&sb](const Request&, Response& res) {
    std::lock_guard l(sb.world.mu);
    json::array hooks, auths;
    for (auto& [event, url] : sb.world.webhook_urls) {
      auto a = sb.world.webhook_auth_names.find(event);
      hooks.push_back(json::object{{"event", event}, {"url", url},
                                   {"auth", a == sb.world.webhook_auth_names.end() ? json::value(nullptr) : json::value(a->second)}});
    }
    // The secrets too: tests sign their own deliveries (dates outside the window, replays).
    for (auto& a : sb.world.auths) auths.push_back(json::object{{"id", a.id}, {"name", a.name}, {"secret", a.secret}});
    send_json(res, json::object{{"webhooks", std::move(hooks)}, {"auths", std::move(auths)}});
  });
  s.Delete(base + R"(/webhooks/([A-Z_]+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    sb.world.webhook_urls.erase(req.matches[1]);
    sb.world.webhook_auth_names.erase(req.matches[1]);
    res.status = 204;
  });
  s.Get(base + "/deliveries", [&sb](const Request&, Response& res) { send_json(res, sb.sender.status()); });

  // Clock: {"advance": "48h"} | {"seconds": N} | {"days": N}.
  s.Get(base + "/clock", [&sb](const Request&, Response& res) {
    std::lock_guard l(sb.world.mu);
    send_json(res, json::object{{"now", rfc3339(sb.world.now)}, {"paris", paris_datetime(sb.world.now)}});
  });
  s.Post(base + "/clock", [&sb](const Request& req, Response& res) {
    auto body = body_object(req, res);
    if (!body) return;
    int64_t seconds = 0;
    if (auto d = str(*body, "advance"); !d.empty()) seconds = parse_duration_s(d).value_or(0);
    if (auto* v = body->if_contains("seconds"); v && v->is_int64()) seconds = v->get_int64();
    if (auto* v = body->if_contains("days"); v && v->is_int64()) seconds = v->get_int64() * 86400;
    if (seconds <= 0) return console_error(res, 400, "give a positive {\"advance\": \"48h\"}, {\"seconds\": N} or {\"days\": N}");
    std::lock_guard l(sb.world.mu);
    AdvanceReport r = sb.world.advance(seconds);
    for (auto cid : r.synced_connections) sb.sync(sb.world.connections.at(cid));
    json::array replaced, in_place;
    for (auto& [from, to] : r.replaced) replaced.push_back(json::object{{"provisional", from}, {"permanent", to}});
    for (auto id : r.booked_in_place) in_place.push_back(id);
    send_json(res, json::object{{"now", rfc3339(sb.world.now)},
                                {"replaced", std::move(replaced)},
                                {"bookedInPlace", std::move(in_place)},
                                {"newTransactions", r.new_transactions},
                                {"syncedConnections", r.synced_connections.size()}});
  });

  // Faults: POST merges into the current settings, DELETE resets them.
  s.Get(base + "/faults", [&sb](const Request&, Response& res) { send_json(res, faults_json(sb.faults.get())); });
  s.Post(base + "/faults", [&sb](const Request& req, Response& res) {
    auto body = body_object(req, res);
    if (!body) return;
    try {
      sb.faults.set(parse_faults(*body, sb.faults.get()));
    } catch (const std::exception& e) {
      return console_error(res, 400, e.what());
    }
    send_json(res, faults_json(sb.faults.get()));
  });
  s.Delete(base + "/faults", [&sb](const Request&, Response& res) {
    sb.faults.set(FaultConfig{});
    res.status = 204;
  });

  // Connection controls.
  s.Post(base + R"(/connections/(\d+)/state)", [&sb](const Request& req, Response& res) {
    auto body = body_object(req, res);
    if (!body) return;
    std::lock_guard l(sb.world.mu);
    auto* c = live_connection(sb, res, req.matches[1]);
    if (!c) return;
    if (auto* st = body->if_contains("state")) {
      if (st->is_null() || (st->is_string() && st->get_string().empty())) sb.world.reconnect(*c, false);
      else if (st->is_string()) {
        c->state = std::string(st->get_string());
        c->error_message = str(*body, "errorMessage").empty() ? std::optional<std::string>() : str(*body, "errorMessage");
      }
    }
    if (auto e = str(*body, "expire"); !e.empty()) {
      auto t = parse_paris(e);
      if (!t) return console_error(res, 400, "expire must be a Paris time YYYY-MM-DD HH:MM:SS");
      c->expire = *t;
    }
    if (auto* d = body->if_contains("expireInDays"); d && d->is_int64()) c->expire = sb.world.now + d->get_int64() * 86400;
    c->last_update = sb.world.now;
    sb.sync(*c, /*full=*/true);
    send_json(res, connection_json(sb.world, *c));
  });
  s.Post(base + R"(/connections/(\d+)/sync)", [&sb](const Request& req, Response& res) {
    auto body = body_object(req, res);
    if (!body) return;
    std::lock_guard l(sb.world.mu);
    auto* c = live_connection(sb, res, req.matches[1]);
    if (!c) return;
    auto* full = body->if_contains("full");
    sb.sync(*c, full && full->is_bool() && full->get_bool());
    send_json(res, connection_json(sb.world, *c));
  });
  // Every live, healthy connection at once (benchmarks): {"full"?: true}. Answers
  // {"connections": n} at once; the deliveries leave from the sender threads (--webhook-senders).
  s.Post(base + "/sync", [&sb](const Request& req, Response& res) {
    auto body = body_object(req, res);
    if (!body) return;
    auto* full = body->if_contains("full");
    bool all = full && full->is_bool() && full->get_bool();
    std::lock_guard l(sb.world.mu);
    int64_t n = 0;
    for (auto& [id, c] : sb.world.connections)
      if (!c.deleted && !c.state) {
        sb.sync(c, all);
        ++n;
      }
    send_json(res, json::object{{"connections", n}});
  });
  s.Delete(base + R"(/connections/(\d+))", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto* c = live_connection(sb, res, req.matches[1]);
    if (!c) return;
    sb.world.delete_connection(*c);
    sb.fire("CONNECTION_DELETED", to_text(connection_json(sb.world, *c)));
    res.status = 204;
  });
  s.Post(base + R"(/users/(\d+)/sync)", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    auto it = sb.world.users.find(std::stoll(req.matches[1]));
    if (it == sb.world.users.end() || it->second.deleted) return console_error(res, 404, "no such user");
    json::array conns;
    for (auto cid : it->second.connections) {
      auto& c = sb.world.connections.at(cid);
      if (c.deleted) continue;
      conns.push_back(connection_synced_json(sb.world, c, std::nullopt, sb.render_options()).at("connection"));
      c.last_push = sb.world.now;
    }
    sb.fire("USER_SYNCED", to_text(json::object{{"id", it->first}, {"connections", std::move(conns)}}));
    res.status = 204;
  });
  s.Get(base + "/users", [&sb](const Request&, Response& res) {
    std::lock_guard l(sb.world.mu);
    json::array users;
    for (auto& [id, u] : sb.world.users) {
      json::array conns;
      for (auto cid : u.connections) {
        auto& c = sb.world.connections.at(cid);
        conns.push_back(json::object{{"id", cid}, {"bank", banks().at(size_t(c.bank)).name}, {"deleted", c.deleted},
                                     {"state", c.state ? json::value(*c.state) : json::value(nullptr)}});
      }
      users.push_back(json::object{{"id", id}, {"deleted", u.deleted}, {"connections", std::move(conns)}});
    }
    send_json(res, json::object{{"users", std::move(users)}});
  });

  // Ground truth: ?user=ID for one user, else every live user.
  s.Get(base + "/truth", [&sb](const Request& req, Response& res) {
    std::lock_guard l(sb.world.mu);
    if (req.get_param_value("summary") == "true" || req.get_param_value("summary") == "1") {
      // Counts only: what a benchmark needs from a data set too large to render.
      TruthCounts n;
      if (req.has_param("user")) {
        auto it = sb.world.users.find(std::atoll(req.get_param_value("user").c_str()));
        if (it == sb.world.users.end() || it->second.deleted) return console_error(res, 404, "no such user");
        count_truth(sb, it->second, n);
      } else {
        for (auto& [id, u] : sb.world.users)
          if (!u.deleted) count_truth(sb, u, n);
      }
      return send_json(res, n.to_json());
    }
    if (req.has_param("user")) {
      auto it = sb.world.users.find(std::atoll(req.get_param_value("user").c_str()));
      if (it == sb.world.users.end() || it->second.deleted) return console_error(res, 404, "no such user");
      return send_json(res, truth_of(sb, it->second));
    }
    json::array all;
    for (auto& [id, u] : sb.world.users)
      if (!u.deleted) all.push_back(truth_of(sb, u));
    send_json(res, json::object{{"users", std::move(all)}});
  });
}

}  // namespace cx::sandbox::powens
