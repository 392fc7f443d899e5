#include "host/daemon/ledger_options.hpp"

#include "host/api/auth.hpp"
#include "host/net/url.hpp"

#include <cstdlib>
#include <stdexcept>

namespace cx::daemon {

void add_ledger_options(CLI::App& app, LedgerOptions& o) {
  app.add_option("--ledger-url", o.url,
                 "Formance Ledger v2 that reconciliation reads: a bare ledger (http://ledger:3068) or a stack "
                 "gateway prefix (https://stack/api/ledger)")
      ->envname("CONNECTIVITY_LEDGER_URL");
  app.add_option("--ledger-token-file", o.token_file, "bearer token for the ledger (else CONNECTIVITY_LEDGER_TOKEN)");
  app.add_option("--ledger-client-id", o.client_id, "OAuth2 client id for the ledger (client credentials)")
      ->envname("CONNECTIVITY_LEDGER_CLIENT_ID");
  app.add_option("--ledger-client-secret", o.client_secret, "its secret")->envname("CONNECTIVITY_LEDGER_CLIENT_SECRET");
  app.add_option("--ledger-token-url", o.token_url,
                 "OAuth2 token endpoint (default: <stack>/api/auth/oauth/token for a gateway URL, else <ledger>/oauth/token)")
      ->envname("CONNECTIVITY_LEDGER_TOKEN_URL");
  app.add_option("--ledger-timeout-ms", o.timeout_ms, "timeout of one HTTP attempt to the ledger (default 10000)")
      ->check(CLI::Range(100, 600'000));
}

recon::LedgerConfig ledger_config(const LedgerOptions& o) {
  recon::LedgerConfig c;
  c.url = o.url;
  c.client_id = o.client_id;
  c.client_secret = o.client_secret;
  c.token_url = o.token_url;
  c.timeout = std::chrono::milliseconds(o.timeout_ms);
  if (o.token_file) {
    auto tokens = api::read_tokens_file(*o.token_file, "--ledger-token-file");
    if (!tokens.empty()) c.bearer_token = tokens.front();
    if (c.bearer_token.empty()) throw std::runtime_error("--ledger-token-file: " + o.token_file->string() + " holds no token");
  } else if (const char* t = std::getenv("CONNECTIVITY_LEDGER_TOKEN"); t && *t) {
    c.bearer_token = t;
  }
  bool credentials = !c.bearer_token.empty() || !c.client_id.empty() || !c.client_secret.empty();
  if (c.url.empty()) {
    if (credentials) throw std::runtime_error("ledger credentials are set but --ledger-url (CONNECTIVITY_LEDGER_URL) is not");
    return c;
  }
  if (!net::parse_url(c.url)) throw std::runtime_error("--ledger-url: not an http(s) URL: " + c.url);
  if (!c.token_url.empty() && !net::parse_url(c.token_url))
    throw std::runtime_error("--ledger-token-url: not an http(s) URL: " + c.token_url);
  if (c.client_id.empty() != c.client_secret.empty())
    throw std::runtime_error("--ledger-client-id and --ledger-client-secret go together");
  if (!c.client_id.empty() && !c.bearer_token.empty())
    throw std::runtime_error("choose one ledger authentication: a bearer token or OAuth2 client credentials");
  return c;
}

}  // namespace cx::daemon
