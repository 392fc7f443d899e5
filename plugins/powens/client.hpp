// The Powens REST client: every call the connector makes, through the host's HTTP service.
#pragma once

#include "config.hpp"

#include <connectivity/connector.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace powens {

/// Typed calls to the Powens API (endpoints of docs/providers/powens.md §2). Every method throws
/// cx::Failure classified by failure_from_response on a non-2xx answer, and CX_ERR_UPSTREAM on
/// a 2xx whose body lacks what the endpoint documents.
class Client {
 public:
  Client(cx::Host host, Config config) : host_(std::move(host)), config_(std::move(config)) {}

  const Config& config() const { return config_; }

  struct AuthInit {
    std::string auth_token;               ///< permanent user token
    std::string user_id;                  ///< id_user, decimal
    std::optional<int64_t> expires_in_s;  ///< seconds, when Powens gives one (> 0)
  };
  /// POST /2.0/auth/init with the client credentials: a new Powens user and its permanent token.
  AuthInit auth_init(const cx::Call& call) const;

  struct TemporaryCode {
    std::string code;
    int64_t expires_in_s = 1800;  ///< Powens documents 30 minutes
  };
  /// GET /2.0/auth/token/code with the user token: the one-time webview code.
  TemporaryCode token_code(const cx::Call& call, const std::string& user_token) const;

  /// DELETE /2.0/users/me (GDPR hard delete). An already deleted user (404) is success.
  void delete_user(const cx::Call& call, const std::string& user_token) const;
  /// DELETE /2.0/users/me/connections/{id}. An already deleted connection (404) is success.
  void delete_connection(const cx::Call& call, const std::string& user_token, const std::string& connection_id) const;

  /// GET /2.0/users/me/connections/{id}/accounts (not paginated): the BankAccount objects, with
  /// amounts kept as exact decimal text (precise_json.hpp).
  boost::json::array connection_accounts(const cx::Call& call, const std::string& user_token,
                                         const std::string& connection_id) const;

  struct TransactionsPage {
    boost::json::array transactions;  ///< Transaction objects, amounts as exact decimal text
    std::optional<std::string> next;  ///< _links.next.href, absent on the last page
  };
  /// The first page URL of an account's transactions, deleted rows included (`all`), rows
  /// updated after `last_update` only when given (docs/providers/powens.md §2).
  std::string transactions_url(const std::string& account_id, int64_t limit, int64_t offset,
                               const std::optional<std::string>& last_update) const;
  /// GET one transactions page at `url` (a transactions_url or a _links.next.href on the
  /// endpoint's origin; any other origin is refused so the user token never leaves it).
  TransactionsPage transactions_page(const cx::Call& call, const std::string& user_token, const std::string& url) const;

  /// POST {endpoint}/webhooks/auth?type=hmac_signature&name=… with the configuration token;
  /// returns config.secret_key (docs/providers/powens.md §2, §5).
  std::string create_hmac_auth(const cx::Call& call, const std::string& name) const;

  struct AuthProvider {
    std::string id, type, name;
  };
  /// GET {endpoint}/webhooks/auth?limit=1000 with the configuration token.
  std::vector<AuthProvider> webhook_auths(const cx::Call& call) const;
  /// DELETE {endpoint}/webhooks/auth/{id}; 404 is success.
  void delete_webhook_auth(const cx::Call& call, const std::string& id) const;

 private:
  cx::HttpResponse send(const cx::Call& call, const std::string& method, const std::string& url,
                        const std::string& bearer, const std::string& json_body) const;
  /// send() and throw the classified failure unless 2xx (or 404 when `missing_ok`).
  cx::HttpResponse expect(const cx::Call& call, const std::string& method, const std::string& url,
                          const std::string& bearer, const std::string& json_body, const char* what,
                          bool missing_ok = false) const;

  cx::Host host_;
  Config config_;
};

}  // namespace powens
