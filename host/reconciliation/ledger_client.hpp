// The reconciliation's client of Formance Ledger v2: aggregated balances of the accounts a
// policy's `ledgerQuery` selects, at a point in time (docs/ledger/ledger-v2-subset.md §3, the
// client's behaviour in docs/ledger/client.md).
//
//   GET {url}/v2/{ledgerName}/aggregate/balances?pit=<RFC 3339 UTC>&query=<JSON filter>
//   -> 200 {"data": {"EUR/2": -150000, "USD/2": 0}}
//
// `url` is a bare ledger ("http://ledger:3068") or a stack gateway prefix
// ("https://stack.example.com/api/ledger"). Authentication: a static bearer token, or OAuth2
// client credentials (RFC 6749 §4.4) whose access token is cached until shortly before it expires.
// 429 and 5xx answers, and connection failures, are retried with backoff (honouring Retry-After)
// as long as the caller's deadline allows; everything else fails at once.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <string>
#include <variant>

namespace cx::recon {

struct LedgerConfig {
  std::string url;            ///< bare ledger or stack gateway prefix; "" = no ledger configured
  std::string bearer_token;   ///< static token (--ledger-token-file / CONNECTIVITY_LEDGER_TOKEN)
  std::string client_id, client_secret;  ///< OAuth2 client credentials (used when client_id is set)
  /// Token endpoint; "" = derived from `url`: "{prefix}/api/auth/oauth/token" for a gateway
  /// prefix ending in /api/ledger, else "{origin}/oauth/token" (the ledger spec's tokenUrl).
  std::string token_url;
  std::chrono::milliseconds timeout{10000};  ///< per HTTP attempt (also bounded by the deadline)
};

/// Why the ledger side could not be read. `message` starts with "ledger" and names the cause
/// (unreachable, timeout, HTTP status with the ledger's errorCode/errorMessage, bad answer).
struct LedgerError {
  std::string message;
  int http_status = 0;  ///< the ledger's (or token endpoint's) last HTTP status; 0 = no answer
};

/// Asset (UMN, "EUR/2") -> balance in minor units as a decimal string (may exceed 64 bits, may be
/// negative), summed over the accounts matching `query` (the policy's ledgerQuery, sent verbatim;
/// empty = every account) with moves dated at or before `pit` (UTC, inclusive, millisecond
/// precision). Blocks until the answer or `deadline`. Thread-safe; the OAuth token cache is shared
/// by every call with the same token endpoint and client id.
std::variant<std::map<std::string, std::string>, LedgerError> aggregate_balances(
    const LedgerConfig& config, const std::string& ledger_name, const boost::json::object& query,
    std::chrono::system_clock::time_point pit, std::chrono::steady_clock::time_point deadline);

/// The token endpoint `config` uses (explicit or derived, see LedgerConfig::token_url).
std::string ledger_token_url(const LedgerConfig& config);

}  // namespace cx::recon
