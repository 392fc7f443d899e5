// The one table from a plugin status (CX_ERR_* of connectivity/abi.h) to what the host does with
// it: the HTTP answer of a synchronous call (status, v3 errorCode, whether the plugin's message is
// shown) and whether a background task retries. Everything that maps a status reads this table:
// the engine's EngineError (host/engine/errors.hpp), the task retry decision, cx-inspect's names,
// the instance's default messages. The same table is written in abi.h's comment and in
// sdk/README.md "Errors and retries"; tests/unit/engine/plugin_status_test.cpp checks every row.
#pragma once

#include <connectivity/abi.h>

#include <cstdint>
#include <string_view>

namespace cx::plugin {

struct StatusInfo {
  int32_t status;
  std::string_view name;        ///< "CX_ERR_RATE_LIMITED"
  std::string_view text;        ///< default message when the plugin gave none
  int http;                     ///< HTTP status of a synchronous call's answer
  std::string_view error_code;  ///< the v3 API errorCode of that answer
  bool shows_message;           ///< false: the answer carries the fixed internal-error message
  bool retried;                 ///< a background task retries (honouring retryAfterMs)
};

/// The table of abi.h ("Status codes"), row for row, plus CX_OK.
inline constexpr StatusInfo kStatuses[] = {
    {CX_OK, "CX_OK", "ok", 200, "", true, false},
    {CX_ERR_INVALID_ARGUMENT, "CX_ERR_INVALID_ARGUMENT", "invalid argument", 400, "VALIDATION", true, false},
    {CX_ERR_UNSUPPORTED, "CX_ERR_UNSUPPORTED", "unsupported", 400, "CONNECTOR_CAPABILITY_NOT_SUPPORTED", true, false},
    {CX_ERR_NOT_FOUND, "CX_ERR_NOT_FOUND", "not found", 404, "NOT_FOUND", true, false},
    {CX_ERR_AUTH, "CX_ERR_AUTH", "the provider refused the connector's credentials", 502, "INTERNAL", true, false},
    {CX_ERR_RATE_LIMITED, "CX_ERR_RATE_LIMITED", "the provider is rate limiting requests", 429, "INTERNAL", true, true},
    {CX_ERR_UPSTREAM, "CX_ERR_UPSTREAM", "the provider failed", 502, "INTERNAL", true, true},
    {CX_ERR_TIMEOUT, "CX_ERR_TIMEOUT", "the provider did not answer in time", 504, "INTERNAL", true, true},
    {CX_ERR_INTERNAL, "CX_ERR_INTERNAL", "internal error", 500, "INTERNAL", false, false},
};

/// The row of `status`; any status not in abi.h reads as CX_ERR_INTERNAL's row.
constexpr const StatusInfo& status_info(int32_t status) {
  for (const auto& s : kStatuses)
    if (s.status == status) return s;
  return kStatuses[CX_ERR_INTERNAL];
}

/// True for the statuses a background task retries with backoff.
constexpr bool retryable(int32_t status) { return status_info(status).retried; }

}  // namespace cx::plugin
