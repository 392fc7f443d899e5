#include "tools/sandbox/generic/api.hpp"

#include "tools/sandbox/generic/timefmt.hpp"

#include <connectivity/money.hpp>

#include <cstdio>

namespace cx::sandbox::generic {
namespace {

constexpr int64_t kMaxPageSize = 10'000;

/// A positive decimal integer parameter within [1, max]; nullopt when malformed.
std::optional<int64_t> positive(const std::string& text, int64_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > max) return std::nullopt;
  return v;
}

}  // namespace

void send_json(httplib::Response& res, int status, const boost::json::value& body) {
  res.status = status;
  res.set_content(boost::json::serialize(body), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& title, const std::string& detail) {
  send_json(res, status, boost::json::object{{"Title", title}, {"Detail", detail}});
}

void Api::mount(httplib::Server& server) {
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/sandbox" || req.path.starts_with("/sandbox/")) return httplib::Server::HandlerResponse::Unhandled;
    faults_.count_request();
    if (req.get_header_value("Authorization") != "Bearer " + api_key_) {
      faults_.count_unauthorized();
      send_error(res, 401, "Unauthorized", "missing or invalid API key; send Authorization: Bearer <api key>");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (auto f = faults_.next()) {
      res.status = f->status;
      if (f->retry_after) res.set_header("Retry-After", *f->retry_after);
      res.set_content(f->body, f->content_type.c_str());
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Get("/accounts", [this](const httplib::Request& q, httplib::Response& r) { list(q, r, List::Accounts); });
  server.Get("/beneficiaries", [this](const httplib::Request& q, httplib::Response& r) { list(q, r, List::Beneficiaries); });
  server.Get("/transactions", [this](const httplib::Request& q, httplib::Response& r) { list(q, r, List::Transactions); });
  // The path arrives decoded, so an id may itself contain '/'.
  server.Get(R"(/accounts/(.+)/balances)", [this](const httplib::Request& q, httplib::Response& r) { balances(q, r); });
  server.Post("/payouts", [this](const httplib::Request& q, httplib::Response& r) { initiate(q, r, false); });
  server.Post("/transfers", [this](const httplib::Request& q, httplib::Response& r) { initiate(q, r, true); });
}

void Api::list(const httplib::Request& req, httplib::Response& res, List list) {
  PageQuery q;
  const bool transactions = list == List::Transactions;
  q.by_updated = transactions;
  if (req.has_param("page")) {
    auto v = positive(req.get_param_value("page"), 1'000'000'000);
    if (!v) return send_error(res, 400, "Bad Request", "page must be an integer >= 1");
    q.page = *v;
  }
  if (req.has_param("pageSize")) {
    auto v = positive(req.get_param_value("pageSize"), kMaxPageSize);
    if (!v) return send_error(res, 400, "Bad Request", "pageSize must be an integer within [1, 10000]");
    q.page_size = *v;
  }
  if (req.has_param("sort")) {
    std::string sort = req.get_param_value("sort");
    auto colon = sort.find(':');
    std::string field = sort.substr(0, colon);
    std::string dir = colon == std::string::npos ? "asc" : sort.substr(colon + 1);
    if (field == "createdAt") q.by_updated = false;
    else if (field == "updatedAt" && transactions) q.by_updated = true;
    else
      return send_error(res, 400, "Bad Request",
                        std::string("sort field must be createdAt") + (transactions ? " or updatedAt" : "") + ", got \"" + field + "\"");
    if (dir != "asc" && dir != "desc") return send_error(res, 400, "Bad Request", "sort direction must be asc or desc");
    q.descending = dir == "desc";
  }
  auto bound = [&](const char* name, std::optional<int64_t>& out) {
    if (!req.has_param(name)) return true;
    out = parse_time(req.get_param_value(name));
    return out.has_value();
  };
  if (!bound("createdAtFrom", q.created_from))
    return send_error(res, 400, "Bad Request", "createdAtFrom must be an RFC 3339 date-time, e.g. 2025-01-31T00:00:00Z");
  if (transactions && !bound("updatedAtFrom", q.updated_from))
    return send_error(res, 400, "Bad Request", "updatedAtFrom must be an RFC 3339 date-time, e.g. 2025-01-31T00:00:00Z");
  send_json(res, 200, data_.page(list, q));
}

void Api::balances(const httplib::Request& req, httplib::Response& res) {
  std::string account = req.matches[1];
  auto body = data_.balances(account);
  if (!body) return send_error(res, 404, "Not Found", "no account with id \"" + account + "\"");
  send_json(res, 200, *body);
}

boost::json::object Api::initiation_json(const boost::json::object& request, const std::string& id) const {
  boost::json::object out{{"id", id}};
  for (const char* k : {"idempotencyKey", "amount", "currency", "sourceAccountId", "destinationAccountId", "description"})
    if (auto* v = request.if_contains(k)) out[k] = *v;
  auto tx = data_.get(List::Transactions, id);
  out["status"] = tx ? tx->at("status") : boost::json::value("PENDING");
  out["createdAt"] = tx ? tx->at("createdAt") : boost::json::value(nullptr);
  out["updatedAt"] = tx ? tx->at("updatedAt") : boost::json::value(nullptr);
  auto* md = request.if_contains("metadata");
  out["metadata"] = md && md->is_object() ? *md : boost::json::value(boost::json::object{});
  return out;
}

void Api::initiate(const httplib::Request& req, httplib::Response& res, bool transfer) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(req.body, ec);
  if (ec || !body.is_object()) return send_error(res, 400, "Bad Request", "the body must be a JSON object");
  const auto& o = body.get_object();
  auto unprocessable = [&](const std::string& detail) { send_error(res, 422, "Unprocessable Entity", detail); };
  for (const char* k : {"idempotencyKey", "amount", "currency", "sourceAccountId", "destinationAccountId"}) {
    auto* v = o.if_contains(k);
    if (!v || !v->is_string() || v->get_string().empty()) return unprocessable(std::string(k) + " is required (a non-empty string)");
  }
  if (auto* d = o.if_contains("description"); d && !d->is_string() && !d->is_null())
    return unprocessable("description must be a string");
  if (auto* m = o.if_contains("metadata"); m && !m->is_null()) {
    if (!m->is_object()) return unprocessable("metadata must be an object of strings");
    for (auto& [k, v] : m->get_object())
      if (!v.is_string()) return unprocessable("metadata." + std::string(k) + " must be a string");
  }
  const std::string key(o.at("idempotencyKey").get_string());
  const std::string amount(o.at("amount").get_string());
  const std::string currency(o.at("currency").get_string());
  const std::string source(o.at("sourceAccountId").get_string());
  const std::string destination(o.at("destinationAccountId").get_string());

  std::lock_guard lock(initiations_mu_);
  if (auto it = initiations_.find(key); it != initiations_.end()) {
    const auto& prev = it->second.request;
    bool same = it->second.transfer == transfer;
    for (const char* k : {"amount", "currency", "sourceAccountId", "destinationAccountId"}) same = same && prev.at(k) == o.at(k);
    if (!same) return send_error(res, 409, "Conflict", "idempotencyKey \"" + key + "\" was already used for a different request");
    return send_json(res, 201, initiation_json(prev, it->second.id));
  }

  if (!money::is_integer_text(amount) || amount[0] == '-' || money::normalize_integer(amount) == "0" || amount.size() > 18)
    return unprocessable("amount must be a positive integer string in minor units (at most 18 digits)");
  if (!money::is_valid_asset(currency)) return unprocessable("currency must be a UMN asset such as \"EUR/2\"");
  if (!data_.contains(List::Accounts, source)) return unprocessable("sourceAccountId \"" + source + "\" is not one of the accounts");
  if (auto bal = data_.balances(source)) {
    bool held = bal->at("balances").as_array().empty();
    for (auto& line : bal->at("balances").as_array())
      if (auto* c = line.is_object() ? line.as_object().if_contains("currency") : nullptr; c && c->is_string())
        held = held || c->get_string() == currency;
    if (!held) return unprocessable("account \"" + source + "\" holds no " + currency);
  }
  if (transfer && (!data_.contains(List::Accounts, destination) || destination == source))
    return unprocessable("destinationAccountId \"" + destination + "\" must be another of the accounts");
  if (!transfer && !data_.contains(List::Beneficiaries, destination))
    return unprocessable("destinationAccountId \"" + destination + "\" is not a beneficiary");

  char id[32];
  std::snprintf(id, sizeof id, "%s_%08llu", transfer ? "tr" : "po", static_cast<unsigned long long>(next_initiation_++));
  const int64_t now = data_.now_ms();
  const int64_t minor = std::stoll(amount);
  boost::json::object metadata;
  if (auto* m = o.if_contains("metadata"); m && m->is_object()) metadata = m->get_object();
  if (auto* d = o.if_contains("description"); d && d->is_string()) metadata["description"] = *d;
  metadata["idempotencyKey"] = key;
  data_.upsert(List::Transactions, {{"id", id}, {"createdAt", rfc3339(now)}, {"updatedAt", rfc3339(now)},
                                    {"currency", currency}, {"scheme", "OTHER"}, {"type", transfer ? "TRANSFER" : "PAYOUT"},
                                    {"status", "PENDING"}, {"amount", money::normalize_integer(amount)},
                                    {"sourceAccountID", source}, {"destinationAccountID", destination},
                                    {"metadata", std::move(metadata)}});
  std::vector<Effect> effects{{source, currency, -minor}};
  if (transfer) effects.push_back({destination, currency, minor});
  // Transfers between own accounts settle in minutes, payouts within the hour.
  data_.schedule(id, now + (transfer ? 5 * 60'000 : 60 * 60'000), std::move(effects));
  initiations_.emplace(key, Initiation{transfer, o, id});
  send_json(res, 201, initiation_json(o, id));
}

}  // namespace cx::sandbox::generic
