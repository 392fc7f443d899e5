#include "sandbox.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

namespace cx::sandbox::powens {

namespace json = boost::json;

namespace {

/// What a split sync sends: the envelope and accounts as of the sync, and the ids of the rows,
/// account by account; slice [begin, end) of the concatenated ids is one delivery.
struct SyncPlan {
  json::object user, connection;
  std::vector<json::object> accounts;
  std::vector<std::vector<int64_t>> rows;  ///< per account
  RenderOptions options;
};

std::string render_slice(const World& w, const SyncPlan& plan, size_t begin, size_t end) {
  json::array accounts;
  size_t offset = 0;
  for (size_t i = 0; i < plan.accounts.size(); ++i) {
    json::object a = plan.accounts[i];
    json::array txs;
    const auto& ids = plan.rows[i];
    size_t from = std::max(begin, offset), to = std::min(end, offset + ids.size());
    for (size_t k = from; k < to; ++k) txs.push_back(transaction_json(w, w.transactions.at(ids[k - offset]), plan.options));
    offset += ids.size();
    a["transactions"] = std::move(txs);
    accounts.push_back(std::move(a));
  }
  json::object connection = plan.connection;
  connection["accounts"] = std::move(accounts);
  return to_text(json::object{{"user", plan.user}, {"connection", std::move(connection)}});
}

/// The HMAC secret for `event` (the auth named for it, else the newest); empty when none.
std::string secret_for(const World& world, const std::string& event) {
  auto name = world.webhook_auth_names.find(event);
  for (auto it = world.auths.rbegin(); it != world.auths.rend(); ++it)
    if (name == world.webhook_auth_names.end() || it->name == name->second) return it->secret;
  std::cerr << "powens sandbox: no webhook auth for " << event << ", sending it unsigned\n";
  return {};
}

}  // namespace

void Sandbox::fire(const std::string& event, const std::string& body) {
  auto url = world.webhook_urls.find(event);
  if (url == world.webhook_urls.end()) {
    std::cerr << "powens sandbox: no URL registered for " << event << ", not sent\n";
    return;
  }
  sender.send(event, url->second, body, secret_for(world, event));
}

void Sandbox::fire_lazy(const std::string& event, WebhookSender::Render render) {
  auto url = world.webhook_urls.find(event);
  if (url == world.webhook_urls.end()) {
    std::cerr << "powens sandbox: no URL registered for " << event << ", not sent\n";
    return;
  }
  sender.send_lazy(event, url->second, std::move(render), secret_for(world, event));
}

void Sandbox::sync(Connection& c, bool full) {
  std::optional<int64_t> since = full ? std::nullopt : c.last_push;
  if (scale.webhook_max_transactions <= 0) {
    std::string body = to_text(connection_synced_json(world, c, since, render_options()));
    c.last_push = world.now;
    fire("CONNECTION_SYNCED", body);
    return;
  }
  auto plan = std::make_shared<SyncPlan>();
  plan->user = synced_user_json(c);
  plan->connection = connection_json(world, c, true);
  plan->options = render_options();
  size_t total = 0;
  if (!c.state)
    for (auto aid : c.accounts) {
      const Account& a = world.accounts.at(aid);
      std::vector<int64_t> ids;
      for (auto tid : a.transactions)
        if (!since || world.transactions.at(tid).last_update > *since) ids.push_back(tid);
      total += ids.size();
      plan->accounts.push_back(account_json(world, a));
      plan->rows.push_back(std::move(ids));
    }
  c.last_push = world.now;
  const size_t k = static_cast<size_t>(scale.webhook_max_transactions);
  for (size_t begin = 0; begin < total || begin == 0; begin += k) {
    size_t end = std::min(total, begin + k);
    fire_lazy("CONNECTION_SYNCED", [this, plan, begin, end] {
      std::lock_guard l(world.mu);
      return render_slice(world, *plan, begin, end);
    });
    if (end >= total) break;
  }
}

void powens_error(Sandbox& sb, httplib::Response& res, int status, const std::string& code,
                  const std::string& description, const std::string& message) {
  res.status = status;
  res.set_content(error_body(code, description, sb.request_ids++, message), "application/json");
}

void send_json(httplib::Response& res, const json::value& v, int status) {
  res.status = status;
  res.set_content(to_text(v), "application/json");
}

std::optional<std::string> bearer_of(const httplib::Request& req) {
  std::string h = req.get_header_value("Authorization");
  if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) return h.substr(7);
  return std::nullopt;
}

}  // namespace cx::sandbox::powens
