#include "world.hpp"

#include "render.hpp"

#include <connectivity/time.hpp>

#include <algorithm>

namespace cx::sandbox::plaid {

namespace {
PlaidErr invalid_field(const std::string& msg) { return {400, "INVALID_REQUEST", "INVALID_FIELD", msg, std::nullopt}; }
PlaidErr invalid_input(const std::string& code, const std::string& msg) { return {400, "INVALID_INPUT", code, msg, std::nullopt}; }
const int64_t kDay = 86'400'000;
bool eu(const Institution& i) { return std::string(i.country) != "US"; }
}  // namespace

std::string need_string(const Json& req, const char* field) {
  auto* v = req.if_contains(field);
  if (!v || v->is_null())
    throw PlaidErr{400, "INVALID_REQUEST", "MISSING_FIELDS", std::string("the following required fields are missing: ") + field, std::nullopt};
  if (!v->is_string() || v->get_string().empty())
    throw invalid_field(std::string(field) + " must be a non-empty string");
  return std::string(v->get_string());
}

World::World(Options opts, Clock& clock, Faults& faults, const Signer& signer, WebhookSender& sender)
    : opts_(std::move(opts)), clock_(clock), faults_(faults), signer_(signer), sender_(sender), rng_{opts_.seed} {}

std::string World::request_id() {
  std::lock_guard l(mu_);
  return rng_.id(15);
}

void World::authenticate(const std::string& client_id, const std::string& secret) const {
  if (client_id.empty() || secret.empty())
    throw PlaidErr{400, "INVALID_REQUEST", "MISSING_FIELDS",
                   "the following required fields are missing: client_id, secret", std::nullopt};
  if ((!opts_.client_id.empty() && client_id != opts_.client_id) || (!opts_.secret.empty() && secret != opts_.secret))
    throw invalid_input("INVALID_API_KEYS", "invalid client_id or secret provided");
}

// ---------------------------------------------------------------------------------------------- users

Json World::user_create(const Json& req) {
  std::string cuid = need_string(req, "client_user_id");
  if (cuid.size() > 128) throw invalid_field("client_user_id must be at most 128 characters");
  std::lock_guard l(mu_);
  for (auto& [id, u] : users_)
    if (u.client_user_id == cuid && !u.removed)  // same client_user_id: the existing user
      return Json{{"user_id", u.user_id}, {"user_token", u.user_token}};
  User u{"usr_" + rng_.id(24), "user-sandbox-" + rng_.uuid(), cuid, false};
  users_[u.user_id] = u;
  return Json{{"user_id", u.user_id}, {"user_token", u.user_token}};
}

Json World::user_remove(const Json& req) {
  auto* token = req.if_contains("user_token");
  auto* id = req.if_contains("user_id");
  if ((!token || !token->is_string()) && (!id || !id->is_string()))
    throw PlaidErr{400, "INVALID_REQUEST", "MISSING_FIELDS", "one of user_id or user_token is required", std::nullopt};
  std::lock_guard l(mu_);
  for (auto& [uid, u] : users_) {
    if (u.removed) continue;
    if ((token && token->is_string() && u.user_token == token->get_string()) || (id && id->is_string() && uid == id->get_string())) {
      u.removed = true;
      for (auto& [iid, item] : items_)
        if (item.client_user_id == u.client_user_id) item.removed = true;
      return Json{};
    }
  }
  if (token && token->is_string()) throw invalid_input("INVALID_USER_TOKEN", "the provided user token is invalid or removed");
  throw invalid_input("INVALID_USER_ID", "the provided user_id is invalid or removed");
}

// ------------------------------------------------------------------------------------- link tokens

Json World::link_token_create(const Json& req) {
  static const char* kLanguages[] = {"da", "nl", "en", "et", "fr", "de", "hi", "it", "ja", "lv", "lt", "no", "pl", "pt", "ro", "es", "sv", "vi"};
  static const char* kCountries[] = {"AT", "BE", "CA", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "IE", "IT", "LT", "LV", "NL", "NO", "PL", "PT", "SE", "US"};
  LinkToken lt;
  lt.client_name = need_string(req, "client_name");
  lt.language = need_string(req, "language");
  bool lang_ok = false;
  for (auto* l : kLanguages) lang_ok |= lt.language == l;
  if (!lang_ok) throw invalid_field("language must be one of Plaid's supported languages, got " + lt.language);
  auto* cc = req.if_contains("country_codes");
  if (!cc || !cc->is_array() || cc->get_array().empty())
    throw PlaidErr{400, "INVALID_REQUEST", "MISSING_FIELDS", "the following required fields are missing: country_codes", std::nullopt};
  for (auto& c : cc->get_array()) {
    bool ok = false;
    for (auto* k : kCountries) ok |= c.is_string() && c.get_string() == k;
    if (!ok) throw invalid_field("country_codes must contain supported ISO-3166-1 alpha-2 codes");
    lt.country_codes.emplace_back(c.get_string());
  }
  auto* user = req.if_contains("user");
  if (!user || !user->is_object())
    throw PlaidErr{400, "INVALID_REQUEST", "MISSING_FIELDS", "the following required fields are missing: user", std::nullopt};
  lt.client_user_id = need_string(user->get_object(), "client_user_id");
  if (auto* w = req.if_contains("webhook"); w && w->is_string()) lt.webhook = std::string(w->get_string());
  bool hosted = false;
  if (auto* h = req.if_contains("hosted_link"); h && h->is_object()) {
    hosted = true;
    if (auto* c = h->get_object().if_contains("completion_redirect_uri"); c && c->is_string())
      lt.completion_redirect = std::string(c->get_string());
  }
  std::lock_guard l(mu_);
  if (auto* t = req.if_contains("user_token"); t && t->is_string()) {
    bool found = false;
    for (auto& [id, u] : users_) found |= !u.removed && u.user_token == t->get_string();
    if (!found) throw invalid_input("INVALID_USER_TOKEN", "the provided user token is invalid or removed");
  } else if (auto* id = req.if_contains("user_id"); id && id->is_string()) {
    auto it = users_.find(std::string(id->get_string()));
    if (it == users_.end() || it->second.removed) throw invalid_input("INVALID_USER_ID", "the provided user_id is invalid");
    lt.user_id = it->first;
  }
  if (auto* a = req.if_contains("access_token"); a && a->is_string()) {
    auto it = access_.find(std::string(a->get_string()));
    if (it == access_.end() || items_.at(it->second).removed)
      throw invalid_input("INVALID_ACCESS_TOKEN", "provided access token is in an invalid format or removed");
    lt.access_token = std::string(a->get_string());
  } else {
    auto* p = req.if_contains("products");
    if (!p || !p->is_array() || p->get_array().empty())
      throw invalid_field("products must be a non-empty array outside update mode");
  }
  int64_t now = clock_.now_ms();
  lt.token = "link-sandbox-" + rng_.uuid();
  lt.created_ms = now;
  lt.expiration_ms = now + 4 * 3600 * 1000;
  Json out{{"link_token", lt.token}, {"expiration", cx::time::format_rfc3339(lt.expiration_ms)}};
  if (hosted) {
    lt.hosted_id = rng_.id(32);
    hosted_[lt.hosted_id] = lt.token;
    out["hosted_link_url"] = opts_.public_url + "/hl/" + lt.hosted_id;
  }
  if (lt.user_id) out["user_id"] = *lt.user_id;
  link_tokens_[lt.token] = lt;
  return out;
}

Json World::link_token_get(const Json& req) {
  std::string token = need_string(req, "link_token");
  std::lock_guard l(mu_);
  auto it = link_tokens_.find(token);
  if (it == link_tokens_.end()) throw invalid_input("INVALID_LINK_TOKEN", "provided link token is in an invalid format or expired");
  const LinkToken& lt = it->second;
  boost::json::array sessions;
  for (auto& s : lt.sessions) {
    Json session{{"link_session_id", s.id}, {"started_at", cx::time::format_rfc3339(s.started_ms)}};
    session["finished_at"] = s.finished_ms ? boost::json::value(cx::time::format_rfc3339(s.finished_ms)) : boost::json::value(nullptr);
    boost::json::array adds;
    for (auto& pt : s.public_tokens) {
      const Item& item = items_.at(public_tokens_.at(pt).item_id);
      const Institution* inst = find_institution(item.institution_id);
      boost::json::array accounts;
      for (auto& a : item.accounts)
        accounts.push_back(Json{{"id", a.id}, {"name", a.name}, {"mask", a.mask}, {"type", a.type}, {"subtype", a.subtype},
                                {"verification_status", nullptr}, {"class_type", nullptr}});
      adds.push_back(Json{{"public_token", pt}, {"accounts", accounts},
                          {"institution", Json{{"name", inst->name}, {"institution_id", inst->id}}}});
    }
    if (s.status == "SUCCESS")
      session["results"] = Json{{"item_add_results", adds}, {"cra_item_add_results", boost::json::array{}},
                                {"cra_update_results", boost::json::array{}}, {"bank_income_results", boost::json::array{}},
                                {"payroll_income_results", boost::json::array{}}, {"document_income_results", nullptr}};
    else
      session["results"] = nullptr;
    sessions.push_back(std::move(session));
  }
  return Json{{"link_token", lt.token}, {"created_at", cx::time::format_rfc3339(lt.created_ms)},
              {"expiration", cx::time::format_rfc3339(lt.expiration_ms)}, {"link_sessions", sessions},
              {"metadata", Json{{"initial_products", boost::json::array{"transactions"}}, {"webhook", lt.webhook.empty() ? boost::json::value(nullptr) : boost::json::value(lt.webhook)},
                                {"country_codes", boost::json::value_from(lt.country_codes)}, {"language", lt.language},
                                {"redirect_uri", nullptr}, {"client_name", lt.client_name}}}};
}

// ------------------------------------------------------------------------------------------- items

Item& World::create_item(const Institution& inst, const std::string& username, const std::string& client_user_id,
                         const std::string& webhook) {
  Item item;
  item.item_id = rng_.id(37);
  item.access_token = "access-sandbox-" + rng_.uuid();
  item.institution_id = inst.id;
  item.username = username;
  item.client_user_id = client_user_id;
  item.webhook = webhook;
  item.created_ms = clock_.now_ms();
  item.rng = opts_.seed * 1'000'003ull + (++item_counter_);
  if (eu(inst)) item.consent_expiration_ms = item.created_ms + 180 * kDay;
  generate_item(item, inst, item.created_ms, opts_.history_days);
  access_[item.access_token] = item.item_id;
  return items_[item.item_id] = std::move(item);
}

std::string World::new_public_token(const Item& item) {
  PublicToken pt{"public-sandbox-" + rng_.uuid(), item.item_id, clock_.now_ms() + 30 * 60 * 1000, false};
  public_tokens_[pt.token] = pt;
  return pt.token;
}

Item& World::item_by_token(const Json& req, bool allow_error) {
  std::string token = need_string(req, "access_token");
  auto it = access_.find(token);
  if (it == access_.end())
    throw invalid_input("INVALID_ACCESS_TOKEN", "provided access token is in an invalid format. expected format: access-<environment>-<identifier>");
  Item& item = items_.at(it->second);
  if (item.removed)
    throw PlaidErr{400, "ITEM_ERROR", "ITEM_NOT_FOUND", "the requested item was not found", std::nullopt};
  if (!allow_error && item.error) throw *item.error;
  post_due(item, false);
  return item;
}

Item& World::item_by_id(const std::string& item_id) {
  auto it = items_.find(item_id);
  if (it == items_.end()) throw invalid_input("INVALID_ITEM_ID", "no such item_id: " + item_id);
  return it->second;
}

Json World::public_token_exchange(const Json& req) {
  std::string token = need_string(req, "public_token");
  std::lock_guard l(mu_);
  auto it = public_tokens_.find(token);
  if (it == public_tokens_.end() || it->second.used || it->second.expires_ms < clock_.now_ms())
    throw invalid_input("INVALID_PUBLIC_TOKEN", "provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged");
  it->second.used = true;
  Item& item = items_.at(it->second.item_id);
  int added = 0;
  for (auto& [id, t] : item.live) added += t.pending ? 0 : 1;
  fire(item, "TRANSACTIONS", "HISTORICAL_UPDATE", Json{{"new_transactions", added}, {"error", nullptr}});
  return Json{{"access_token", item.access_token}, {"item_id", item.item_id}};
}

Json World::accounts_get(const Json& req) {
  std::lock_guard l(mu_);
  Item& item = item_by_token(req, false);
  std::vector<std::string> only;
  if (auto* o = req.if_contains("options"); o && o->is_object())
    if (auto* ids = o->get_object().if_contains("account_ids"); ids && ids->is_array())
      for (auto& id : ids->get_array())
        if (id.is_string()) only.emplace_back(id.get_string());
  boost::json::array accounts;
  for (auto& id : only)
    if (!item.account(id)) throw invalid_input("INVALID_ACCOUNT_ID", "one or more of the account IDs is invalid: " + id);
  for (auto& a : item.accounts)
    if (only.empty() || std::find(only.begin(), only.end(), a.id) != only.end()) accounts.push_back(account_json(item, a));
  return Json{{"accounts", accounts}, {"item", item_json(item)}};
}

Json World::item_remove(const Json& req) {
  std::lock_guard l(mu_);
  Item& item = item_by_token(req);
  item.removed = true;
  return Json{};
}

Json World::verification_key_get(const Json& req) {
  std::string kid = need_string(req, "key_id");
  auto key = signer_.jwk(kid);
  if (!key) throw invalid_input("INVALID_WEBHOOK_VERIFICATION_KEY_ID", "invalid key_id provided");
  return Json{{"key", *key}};
}

// ------------------------------------------------------------------------------------ sandbox-only

Json World::sandbox_public_token_create(const Json& req) {
  std::string inst_id = need_string(req, "institution_id");
  auto* products = req.if_contains("initial_products");
  if (!products || !products->is_array() || products->get_array().empty())
    throw invalid_field("initial_products must be a non-empty array");
  const Institution* inst = find_institution(inst_id);
  if (!inst) throw invalid_input("INVALID_INSTITUTION", "invalid institution_id provided");
  std::string username = "user_good", password = "pass_good", webhook;
  if (auto* o = req.if_contains("options"); o && o->is_object()) {
    auto& opt = o->get_object();
    if (auto* u = opt.if_contains("override_username"); u && u->is_string()) username = std::string(u->get_string());
    if (auto* p = opt.if_contains("override_password"); p && p->is_string()) password = std::string(p->get_string());
    if (auto* w = opt.if_contains("webhook"); w && w->is_string()) webhook = std::string(w->get_string());
  }
  if (!(username == "user_good" && password == "pass_good") && username != "user_transactions_dynamic")
    throw PlaidErr{400, "ITEM_ERROR", "INVALID_CREDENTIALS", "the provided credentials were not correct",
                   std::string("The provided credentials were not correct. Please try again.")};
  std::lock_guard l(mu_);
  std::string cuid = "sandbox";
  if (auto* t = req.if_contains("user_token"); t && t->is_string())
    for (auto& [id, u] : users_)
      if (u.user_token == t->get_string()) cuid = u.client_user_id;
  if (auto* t = req.if_contains("user_id"); t && t->is_string())
    if (auto it = users_.find(std::string(t->get_string())); it != users_.end()) cuid = it->second.client_user_id;
  Item& item = create_item(*inst, username, cuid, webhook);
  return Json{{"public_token", new_public_token(item)}};
}

Json World::sandbox_fire_webhook(const Json& req) {
  std::string code = need_string(req, "webhook_code");
  std::lock_guard l(mu_);
  Item& item = item_by_token(req);
  if (item.webhook.empty()) throw invalid_field("the Item has no webhook; set one at link time");
  int64_t now = clock_.now_ms();
  Json login_err{{"error_type", "ITEM_ERROR"}, {"error_code", "ITEM_LOGIN_REQUIRED"}, {"error_code_reason", nullptr},
                 {"error_message", "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state"},
                 {"display_message", nullptr}, {"request_id", ""}, {"causes", boost::json::array{}}, {"status", 400},
                 {"documentation_url", "https://plaid.com/docs/errors/item/#item_login_required"}, {"suggested_action", nullptr}};
  if (code == "SYNC_UPDATES_AVAILABLE")
    fire(item, "TRANSACTIONS", "SYNC_UPDATES_AVAILABLE", Json{{"initial_update_complete", true}, {"historical_update_complete", true}});
  else if (code == "DEFAULT_UPDATE")
    fire(item, "TRANSACTIONS", "DEFAULT_UPDATE", Json{{"new_transactions", 0}, {"error", nullptr}});
  else if (code == "NEW_ACCOUNTS_AVAILABLE")
    fire(item, "ITEM", "NEW_ACCOUNTS_AVAILABLE", Json{{"error", nullptr}});
  else if (code == "USER_PERMISSION_REVOKED" || code == "USER_ACCOUNT_REVOKED") {
    Json err = login_err;
    err["error_code"] = code;
    err["error_message"] = code == "USER_PERMISSION_REVOKED" ? "the user has revoked their permission to share data"
                                                               : "the user has closed or revoked access to this account";
    err["documentation_url"] = "https://plaid.com/docs/errors/item/";
    fire(item, "ITEM", code == "USER_PERMISSION_REVOKED" ? "USER_PERMISSION_REVOKED" : "USER_ACCOUNT_REVOKED",
         Json{{"error", err}});
  } else if (code == "PENDING_DISCONNECT")
    fire(item, "ITEM", "PENDING_DISCONNECT",
         Json{{"reason", "INSTITUTION_TOKEN_EXPIRATION"}, {"disconnect_time", cx::time::format_rfc3339(now + 7 * kDay)}, {"error", nullptr}});
  else if (code == "LOGIN_REPAIRED") {
    item.error.reset();
    fire(item, "ITEM", "LOGIN_REPAIRED", Json{});
  } else if (code == "ERROR")
    fire(item, "ITEM", "ERROR", Json{{"error", login_err}});
  else
    throw invalid_field("webhook_code " + code + " cannot be fired for an Item with the transactions product");
  return Json{{"webhook_fired", true}};
}

Json World::sandbox_reset_login(const Json& req) {
  std::lock_guard l(mu_);
  Item& item = item_by_token(req);
  item.error = PlaidErr{400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED",
                        "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
                        std::nullopt};
  Json err = error_body(*item.error, "");
  fire(item, "ITEM", "ERROR", Json{{"error", err}});
  return Json{{"reset_login", true}};
}

void World::fire(const Item& item, const char* type, const char* code, Json extra) {
  Json body{{"webhook_type", type}, {"webhook_code", code}, {"item_id", item.item_id}};
  for (auto& [k, v] : extra) body[k] = v;
  body["environment"] = "sandbox";
  bool delayed = std::string(code) == "HISTORICAL_UPDATE";
  sender_.enqueue(item.webhook, std::move(body), delayed ? opts_.webhook_delay_ms : 0);
}

}  // namespace cx::sandbox::plaid
