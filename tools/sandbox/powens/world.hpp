// The Powens emulator's state and its operations (users, tokens, connections, clock).
// Every member is guarded by `mu`; callers lock it around any use.
#pragma once

#include "catalog.hpp"
#include "model.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cx::sandbox::powens {

/// Client credentials the emulator accepts (tools/sandbox/powens/README.md).
struct Credentials {
  std::string client_id = "cx-sandbox-client";
  std::string client_secret = "cx-sandbox-secret";
  std::string configuration_token = "cx-sandbox-config-token";
};

/// What a clock advance changed, for the console's answer.
struct AdvanceReport {
  std::vector<std::pair<int64_t, int64_t>> replaced;  ///< provisional id -> permanent id
  std::vector<int64_t> booked_in_place;               ///< pending rows that simply became booked
  int new_transactions = 0;
  std::vector<int64_t> synced_connections;
};

class World {
 public:
  World(uint64_t seed, int transactions_per_account, int64_t start_utc, Credentials credentials);

  mutable std::mutex mu;

  uint64_t seed;
  int transactions_per_account;  ///< < 0: each template's default
  /// Accounts generated per connection; <= 0: the bank's own list. More than the bank lists
  /// cycles through its templates ("Compte de dépôt 2", …), for benchmarks.
  int accounts_per_connection = 0;
  Credentials credentials;
  int64_t now;                   ///< the emulated clock, UTC seconds

  std::map<int64_t, User> users;
  std::map<int64_t, Connection> connections;
  std::map<int64_t, Account> accounts;
  std::map<int64_t, Transaction> transactions;
  std::map<std::string, int64_t> tokens;  ///< permanent token -> user id
  struct Code {
    int64_t user_id;
    int64_t expires_wall;  ///< wall-clock UTC seconds
  };
  std::map<std::string, Code> codes;      ///< temporary webview codes
  std::vector<WebhookAuth> auths;
  std::map<std::string, std::string> webhook_urls;   ///< event -> URL (console registrations)
  std::map<std::string, std::string> webhook_auth_names;  ///< event -> auth name (optional)

  /// A new user with a permanent token; returns {id, token}.
  std::pair<int64_t, std::string> create_user();
  /// Issues another permanent token for `user_id`, revoking the previous ones when asked.
  std::string issue_token(int64_t user_id, bool revoke_previous);
  /// The live user a permanent token belongs to.
  std::optional<int64_t> user_of_token(const std::string& token) const;
  /// A 30-minute webview code for a user.
  std::string issue_code(int64_t user_id);
  /// The live user of a still valid code.
  std::optional<int64_t> user_of_code(const std::string& code) const;

  /// Creates a connection at `bank`. With `sca`, it stays in SCARequired with no accounts;
  /// otherwise its accounts and 90 days of history are generated and it is synced.
  Connection& add_connection(int64_t user_id, int bank, bool sca);
  /// Repairs or renews a connection through /reconnect: state back to null, consent renewed,
  /// accounts generated if it never had any.
  void reconnect(Connection& c, bool sca);
  /// Marks a connection deleted (hard delete at Powens: it disappears from every listing).
  void delete_connection(Connection& c);
  /// Deletes a user and its connections.
  void delete_user(User& u);

  /// Moves the clock forward: pending rows old enough post (two out of three under a new id
  /// with the provisional row deleted, the rest booked in place), new daily activity appears,
  /// and every active connection is synced at the new time.
  AdvanceReport advance(int64_t seconds);

  /// Balance in minor units: opening balance plus booked, non-deleted rows.
  int64_t balance_of(const Account& a) const;
  /// Sum of pending, non-deleted rows.
  int64_t coming_of(const Account& a) const;
  /// Next id for a new object (Powens ids are integers).
  int64_t next_transaction_id() { return next_tx_id_++; }
  /// Mints a random-looking token from the seed (deterministic per seed and call order).
  std::string mint(const char* prefix, size_t length);

 private:
  void generate_accounts(Connection& c);
  AccountKind kind_of(const Account& a) const;

  Rng token_rng_;
  int64_t next_user_id_ = 101, next_connection_id_ = 1001, next_account_id_ = 20001, next_tx_id_ = 5000001;
  int64_t next_auth_id_ = 1;

 public:
  /// Next webhook auth id.
  int64_t next_auth_id() { return next_auth_id_++; }
};

}  // namespace cx::sandbox::powens
