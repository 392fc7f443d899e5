// The ledger emulator's HTTP surface: the Formance Ledger v2 routes of
// docs/ledger/ledger-v2-subset.md, an OAuth2 client-credentials token endpoint, and the test-only
// /_sandbox/* automation routes of tools/sandbox/ledger/README.md.
#pragma once

#include "tools/sandbox/ledger/http.hpp"
#include "tools/sandbox/ledger/model.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace cx::sandbox::ledger {

struct AuthOptions {
  std::string token;          ///< a static bearer token accepted on every API route ("" = none)
  std::string client_id;      ///< OAuth2 client credentials for POST /oauth/token ("" = none)
  std::string client_secret;
  int64_t token_ttl_s = 3600;  ///< lifetime of issued tokens
  /// True when any credential is configured: API routes then need a valid bearer token.
  bool enabled() const { return !token.empty() || !client_id.empty(); }
};

class Api {
 public:
  Api(World& world, AuthOptions auth);

  HttpResponse handle(const HttpRequest& req);

  /// Called after every successful mutation (the --state file writer).
  void on_change(std::function<void()> fn) { on_change_ = std::move(fn); }

 private:
  HttpResponse route(const HttpRequest& req);
  HttpResponse sandbox(const HttpRequest& req);
  HttpResponse oauth_token(const HttpRequest& req);
  bool authorized(const HttpRequest& req);

  World& world_;
  AuthOptions auth_;
  std::function<void()> on_change_;

  std::mutex mu_;  // guards the fields below
  std::map<std::string, int64_t> issued_;  ///< access token -> expiry (UTC ms)
  struct Fault {
    int status = 0;
    int remaining = 0;
    std::string retry_after;
    int64_t delay_ms = 0;
  } fault_;
  uint64_t api_requests_ = 0, tokens_issued_ = 0, unauthorized_ = 0;
};

}  // namespace cx::sandbox::ledger
