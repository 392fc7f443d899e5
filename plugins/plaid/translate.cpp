#include "translate.hpp"

#include "mapping.hpp"

#include <connectivity/json.hpp>

#include <algorithm>
#include <cctype>

namespace cx::plaid {

namespace {
namespace wh = cx::webhook;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string item_id_of(const boost::json::object& body) {
  auto id = json::string_or_none(body, "item_id");
  if (!id || id->empty()) throw cx::invalid("webhook.body.item_id", "webhook has no item_id");
  return *id;
}

std::optional<std::string> user_of(const boost::json::object& body) { return json::string_or_none(body, "user_id"); }

std::optional<std::string> error_message(const boost::json::object& body) {
  if (auto* e = json::object_or_null(body, "error")) {
    auto code = json::string_or_none(*e, "error_code");
    auto msg = json::string_or_none(*e, "error_message");
    if (code && msg) return *code + ": " + *msg;
    if (msg) return msg;
    return code;
  }
  return std::nullopt;
}

/// Normalized time of body[field], or nullopt when absent/unparseable.
std::optional<std::string> time_field(const boost::json::object& body, const char* field) {
  auto v = json::string_or_none(body, field);
  return v ? normalize_time(*v) : std::nullopt;
}

boost::json::array session_finished(const boost::json::object& body, const std::string& attempt_id,
                                    const TranslateDeps& deps) {
  if (attempt_id.empty()) throw cx::invalid("webhook.queryValues.attemptID", "SESSION_FINISHED without attemptID");
  std::string status = lower(json::string_or_none(body, "status").value_or(""));
  std::vector<std::string> tokens;
  if (auto* arr = json::array_or_null(body, "public_tokens"))
    for (auto& t : *arr)
      if (t.is_string() && !t.get_string().empty()) tokens.emplace_back(t.get_string());
  if (auto single = json::string_or_none(body, "public_token"); single && !single->empty())
    if (std::find(tokens.begin(), tokens.end(), *single) == tokens.end()) tokens.push_back(*single);

  boost::json::array out;
  if (status == "success" && !tokens.empty()) {
    boost::json::array connections;
    for (auto& t : tokens) connections.push_back(boost::json::value_from(deps.exchange(t)));
    out.push_back(boost::json::object{
        {"userLinkConnections", boost::json::object{{"attemptID", attempt_id}, {"connections", std::move(connections)}}}});
  }
  if (status == "success")
    out.push_back(wh::link_session_finished(attempt_id, "completed"));
  else if (status == "exited")
    out.push_back(wh::link_session_finished(attempt_id, "exited", std::string("exited")));
  else
    out.push_back(wh::link_session_finished(attempt_id, "pending"));
  return out;
}

boost::json::array item_event(const std::string& code, const boost::json::object& body, const TranslateDeps& deps) {
  boost::json::array out;
  if (code == "ERROR") {
    auto* e = json::object_or_null(body, "error");
    std::string err = e ? json::string_or_none(*e, "error_code").value_or("") : "";
    if (err == "ITEM_LOGIN_REQUIRED")
      out.push_back(wh::connection_disconnected(user_of(body), item_id_of(body), deps.now, "USER_ACTION_NEEDED",
                                                error_message(body)));
    else
      deps.log("ITEM/ERROR " + (err.empty() ? std::string("without error_code") : err) + " ignored");
  } else if (code == "USER_PERMISSION_REVOKED" || code == "USER_ACCOUNT_REVOKED") {
    out.push_back(wh::connection_disconnected(user_of(body), item_id_of(body), deps.now, "USER_ACTION_NEEDED",
                                              error_message(body).value_or(code)));
  } else if (code == "LOGIN_REPAIRED") {
    out.push_back(wh::connection_reconnected(user_of(body), item_id_of(body), deps.now));
  } else if (code == "PENDING_EXPIRATION") {
    auto at = time_field(body, "consent_expiration_time");
    if (!at) throw cx::invalid("webhook.body.consent_expiration_time", "PENDING_EXPIRATION without a valid time");
    out.push_back(wh::connection_pending_disconnect(user_of(body), item_id_of(body), *at, std::string("PENDING_EXPIRATION")));
  } else if (code == "PENDING_DISCONNECT") {
    auto at = time_field(body, "disconnect_time");
    if (!at) throw cx::invalid("webhook.body.disconnect_time", "PENDING_DISCONNECT without a valid time");
    out.push_back(wh::connection_pending_disconnect(user_of(body), item_id_of(body), *at,
                                                    json::string_or_none(body, "reason").value_or("PENDING_DISCONNECT")));
  } else {
    deps.log("ITEM/" + code + " ignored");
  }
  return out;
}
}  // namespace

boost::json::array translate_webhook_body(std::string_view text, const std::string& attempt_id, const TranslateDeps& deps) {
  auto parsed = json::parse_exact(text, json::Numbers::rounded);
  if (!parsed || !parsed->is_object()) throw cx::invalid("webhook.body", "webhook body is not a JSON object");
  const auto& body = parsed->get_object();
  std::string type = json::string_or_none(body, "webhook_type").value_or("");
  std::string code = json::string_or_none(body, "webhook_code").value_or("");
  if (type.empty() || code.empty()) throw cx::invalid("webhook.body", "webhook without webhook_type/webhook_code");

  if (type == "LINK") {
    if (code == "SESSION_FINISHED") return session_finished(body, attempt_id, deps);
    deps.log("LINK/" + code + " ignored");
    return {};
  }
  if (type == "TRANSACTIONS") {
    if (code == "SYNC_UPDATES_AVAILABLE" || code == "HISTORICAL_UPDATE")
      return boost::json::array{wh::data_ready_to_fetch(item_id_of(body), {"accounts_and_balances", "payments"})};
    deps.log("TRANSACTIONS/" + code + " ignored");
    return {};
  }
  if (type == "ITEM") return item_event(code, body, deps);
  throw cx::invalid("webhook.body.webhook_type", "unknown webhook_type " + type);
}

}  // namespace cx::plaid
