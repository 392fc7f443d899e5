// Plaid sandbox: Hosted Link sessions (docs/providers/plaid.md §5): log in at an institution,
// ITEM_ADD_RESULT per Item, SESSION_FINISHED with every public token.
#include "world.hpp"

#include <connectivity/time.hpp>

#include <algorithm>

namespace cx::sandbox::plaid {

namespace {
PlaidErr link_err(const std::string& code, const std::string& msg, const std::string& display) {
  return PlaidErr{400, code == "INVALID_LINK_TOKEN" ? "INVALID_INPUT" : "ITEM_ERROR", code, msg, display};
}
}  // namespace

LinkToken& World::hosted(const std::string& hosted_id) {
  auto it = hosted_.find(hosted_id);
  if (it == hosted_.end())
    throw link_err("INVALID_LINK_TOKEN", "unknown hosted link session", "This link is not valid. Please ask for a new one.");
  LinkToken& lt = link_tokens_.at(it->second);
  if (lt.expiration_ms < clock_.now_ms())
    throw link_err("INVALID_LINK_TOKEN", "link token expired", "This link has expired. Please ask for a new one.");
  return lt;
}

LinkSession& World::open_session(LinkToken& lt) {
  if (lt.sessions.empty() || !lt.sessions.back().status.empty()) {
    LinkSession s;
    s.id = rng_.uuid();
    s.started_ms = clock_.now_ms();
    lt.sessions.push_back(s);
  }
  return lt.sessions.back();
}

Json World::hosted_view(const std::string& hosted_id) {
  std::lock_guard l(mu_);
  LinkToken& lt = hosted(hosted_id);
  open_session(lt);
  boost::json::array insts;
  std::string update_inst;
  if (lt.access_token) update_inst = items_.at(access_.at(*lt.access_token)).institution_id;
  for (auto& i : institutions()) {
    bool offered = update_inst.empty() ? std::find(lt.country_codes.begin(), lt.country_codes.end(), i.country) != lt.country_codes.end()
                                       : update_inst == i.id;
    if (offered) insts.push_back(Json{{"institution_id", i.id}, {"name", i.name}, {"country", i.country}});
  }
  if (insts.empty())
    for (auto& i : institutions()) insts.push_back(Json{{"institution_id", i.id}, {"name", i.name}, {"country", i.country}});
  boost::json::array linked;
  for (auto& pt : lt.sessions.back().public_tokens) {
    const Item& item = items_.at(public_tokens_.at(pt).item_id);
    linked.push_back(Json{{"institution", find_institution(item.institution_id)->name}, {"accounts", item.accounts.size()}});
  }
  return Json{{"client_name", lt.client_name}, {"language", lt.language}, {"institutions", insts}, {"linked", linked},
              {"update_mode", lt.access_token.has_value()}, {"completion_redirect", lt.completion_redirect}};
}

std::string World::hosted_first_institution(const std::string& hosted_id) {
  auto view = hosted_view(hosted_id);
  return std::string(view.at("institutions").as_array().at(0).at("institution_id").as_string());
}

std::string World::hosted_login(const std::string& hosted_id, const std::string& institution_id, const std::string& username,
                                 const std::string& password) {
  std::lock_guard l(mu_);
  LinkToken& lt = hosted(hosted_id);
  LinkSession& session = open_session(lt);
  const Institution* inst = find_institution(institution_id);
  if (!inst) throw PlaidErr{400, "INVALID_INPUT", "INVALID_INSTITUTION", "invalid institution_id provided", std::string("Unknown institution.")};
  bool good = (username == "user_good" && password == "pass_good") || (username == "user_transactions_dynamic" && !password.empty());
  if (!good)
    throw link_err("INVALID_CREDENTIALS", "the provided credentials were not correct",
                   "The credentials you provided were incorrect. Check that your credentials are the same that you use for this institution");
  if (lt.access_token) {  // update mode: repair the existing Item
    Item& item = items_.at(access_.at(*lt.access_token));
    if (item.institution_id != institution_id) throw PlaidErr{400, "INVALID_INPUT", "INVALID_INSTITUTION", "update mode must use the Item's institution", std::nullopt};
    item.error.reset();
    return {};
  }
  Item& item = create_item(*inst, username, lt.client_user_id, lt.webhook);
  std::string pt = new_public_token(item);
  session.public_tokens.push_back(pt);
  sender_.enqueue(lt.webhook, Json{{"webhook_type", "LINK"}, {"webhook_code", "ITEM_ADD_RESULT"}, {"link_session_id", session.id},
                                   {"link_token", lt.token}, {"public_token", pt}, {"environment", "sandbox"}});
  return pt;
}

std::string World::hosted_finish(const std::string& hosted_id, bool exited) {
  std::lock_guard l(mu_);
  LinkToken& lt = hosted(hosted_id);
  LinkSession& session = open_session(lt);
  session.status = exited ? "EXITED" : "SUCCESS";
  session.finished_ms = clock_.now_ms();
  boost::json::array tokens;
  if (!exited)
    for (auto& pt : session.public_tokens) tokens.emplace_back(pt);
  Json body{{"webhook_type", "LINK"}, {"webhook_code", "SESSION_FINISHED"}, {"status", session.status},
            {"link_session_id", session.id}, {"link_token", lt.token}, {"public_tokens", tokens}};
  if (!tokens.empty()) body["public_token"] = tokens[0];
  if (lt.user_id) body["user_id"] = *lt.user_id;
  body["environment"] = "sandbox";
  sender_.enqueue(lt.webhook, std::move(body));
  return lt.completion_redirect;
}

}  // namespace cx::sandbox::plaid
