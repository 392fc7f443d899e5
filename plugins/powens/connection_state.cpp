#include "connection_state.hpp"

#include "paris_time.hpp"

#include <connectivity/json.hpp>
#include <connectivity/model.hpp>
#include <connectivity/time.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace powens {

ConnectionHealth classify_state(const std::optional<std::string>& state) {
  if (!state || state->empty()) return ConnectionHealth::kActive;
  static constexpr std::array<std::string_view, 8> user_action{
      "SCARequired", "webauthRequired", "additionalInformationNeeded", "decoupled",
      "actionNeeded", "wrongpass",       "passwordExpired",             "validating"};
  for (auto s : user_action)
    if (*state == s) return ConnectionHealth::kUserActionNeeded;
  if (*state == "rateLimiting" || *state == "websiteUnavailable") return ConnectionHealth::kTemporaryError;
  return ConnectionHealth::kNonRecoverable;
}

const char* error_type(ConnectionHealth h) {
  switch (h) {
    case ConnectionHealth::kUserActionNeeded: return "USER_ACTION_NEEDED";
    case ConnectionHealth::kTemporaryError: return "TEMPORARY_ERROR";
    default: return "NON_RECOVERABLE";
  }
}

boost::json::array connection_events(const boost::json::object& c, const std::optional<std::string>& user_id,
                                     int64_t now_ms) {
  boost::json::array out;
  auto id = cx::json::id_text(c.if_contains("id"));
  if (!id) return out;
  std::optional<std::string> uid = user_id ? user_id : cx::json::id_text(c.if_contains("id_user"));
  std::optional<std::string> state = cx::json::text_or_none(c, "state");
  if (!state) state = cx::json::text_or_none(c, "error");  // deprecated alias of state (docs/providers/powens.md §3)
  std::string at = cx::time::format_rfc3339(now_ms);
  // The consent's remaining time is measured from the later of our clock and the provider's
  // `last_update` (Powens' clock when it reported the connection): a report stamped ahead of our
  // clock sees the expiry that much closer.
  int64_t reference_ms = now_ms;
  if (auto lu = cx::json::text_or_none(c, "last_update")) {
    if (auto utc = paris_to_rfc3339(*lu)) at = *utc;
    if (auto ms = paris_to_utc_ms(*lu)) reference_ms = std::max(reference_ms, *ms);
  }

  ConnectionHealth h = classify_state(state);
  if (h == ConnectionHealth::kActive) {
    out.push_back(cx::webhook::connection_reconnected(uid, *id, at));
    if (auto expire = cx::json::text_or_none(c, "expire"))
      if (auto ms = paris_to_utc_ms(*expire); ms && *ms <= reference_ms + kExpiryWarningDays * 86400000)
        out.push_back(cx::webhook::connection_pending_disconnect(uid, *id, cx::time::format_rfc3339(*ms),
                                                                 std::string("consent expires; renew it through update-link")));
    return out;
  }
  std::optional<std::string> reason = cx::json::text_or_none(c, "error_message");
  if (!reason) {
    if (*state == "validating") reason = "validation in progress";
    else reason = "connection state " + *state;
  }
  out.push_back(cx::webhook::connection_disconnected(uid, *id, at, error_type(h), reason));
  return out;
}

}  // namespace powens
