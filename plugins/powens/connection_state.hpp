// Powens connection states -> open-banking connection events (docs/providers/powens.md §7, issue 5).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace powens {

/// How healthy a connection is, from its `state` (null or "" = OK).
enum class ConnectionHealth {
  kActive,            ///< null / "" -> reconnected (ACTIVE)
  kUserActionNeeded,  ///< SCARequired, webauthRequired, additionalInformationNeeded, decoupled,
                      ///< actionNeeded, wrongpass, passwordExpired, validating
  kTemporaryError,    ///< rateLimiting, websiteUnavailable
  kNonRecoverable,    ///< bug and any state we do not know
};

/// Classifies a Powens connection state (nullopt = null).
ConnectionHealth classify_state(const std::optional<std::string>& state);

/// The event errorType of a non-active health ("USER_ACTION_NEEDED" | "TEMPORARY_ERROR" |
/// "NON_RECOVERABLE").
const char* error_type(ConnectionHealth h);

/// Days before consent expiry (`expire`, PSD2 ~180 days) from which an active connection is
/// reported as pending disconnect, to be renewed through update-link.
inline constexpr int64_t kExpiryWarningDays = 7;

/// Events describing a Connection object's state, in order: reconnected (+ pending disconnect
/// when `expire` is within kExpiryWarningDays of now_ms, or of the connection's `last_update` when
/// that is later), or disconnected with errorType and
/// reason (error_message, else a default per class). `user_id` is the Powens user id.
boost::json::array connection_events(const boost::json::object& connection, const std::optional<std::string>& user_id,
                                     int64_t now_ms);

}  // namespace powens
