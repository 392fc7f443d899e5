// connectivityd's --ledger-* flags: where reconciliation reads the Formance Ledger and with which
// credentials (docs/ledger/client.md). Every flag also reads the environment variable in brackets.
#pragma once

#include "host/reconciliation/ledger_client.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace cx::daemon {

struct LedgerOptions {
  std::string url;                                  ///< --ledger-url [CONNECTIVITY_LEDGER_URL]
  std::optional<std::filesystem::path> token_file;  ///< --ledger-token-file (else CONNECTIVITY_LEDGER_TOKEN)
  std::string client_id;                            ///< --ledger-client-id [CONNECTIVITY_LEDGER_CLIENT_ID]
  std::string client_secret;                        ///< --ledger-client-secret [CONNECTIVITY_LEDGER_CLIENT_SECRET]
  std::string token_url;                            ///< --ledger-token-url [CONNECTIVITY_LEDGER_TOKEN_URL]
  int timeout_ms = 10000;                           ///< --ledger-timeout-ms
};

/// Declares the --ledger-* options on `app`, writing into `o`.
void add_ledger_options(CLI::App& app, LedgerOptions& o);

/// The client configuration: the bearer token read from the token file (first non-empty line,
/// trimmed) or CONNECTIVITY_LEDGER_TOKEN. Throws std::runtime_error naming the flag when the
/// settings are unusable: URL not http(s), unreadable token file, client id without secret,
/// both a token and client credentials, credentials without a URL.
recon::LedgerConfig ledger_config(const LedgerOptions& o);

}  // namespace cx::daemon
