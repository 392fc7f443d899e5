// Plaid sandbox: the emulated objects (users, link tokens, Items, accounts, transactions) and
// the clock. Amounts are kept as integer minor units and rendered as Plaid's doubles.
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cx::sandbox::plaid {

/// Emulated time: wall clock + offset, or frozen. UTC milliseconds.
class Clock {
 public:
  int64_t now_ms() const {
    int64_t frozen = frozen_.load();
    if (frozen) return frozen;
    return wall_ms() + offset_.load();
  }
  void set(int64_t ms) { frozen_.load() ? frozen_.store(ms) : offset_.store(ms - wall_ms()); }
  void advance(int64_t ms) { frozen_.load() ? frozen_.fetch_add(ms) : offset_.fetch_add(ms); }
  void freeze(bool on) {
    if (on && !frozen_.load()) frozen_.store(now_ms());
    if (!on && frozen_.load()) {
      offset_.store(frozen_.load() - wall_ms());
      frozen_.store(0);
    }
  }
  bool frozen() const { return frozen_.load() != 0; }
  static int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

 private:
  std::atomic<int64_t> offset_{0};
  std::atomic<int64_t> frozen_{0};
};

/// A Plaid error as the API returns it (PlaidError schema).
struct PlaidErr {
  int status = 400;
  std::string type, code, message;
  std::optional<std::string> display;
};

struct Account {
  std::string id, name, official_name, mask, type, subtype;
  std::string currency;        ///< ISO code, or the unofficial code when `unofficial`
  bool unofficial = false;
  int precision = 2;           ///< minor-unit digits used to render amounts
  int64_t opening_minor = 0;   ///< balance before the generated history (owed, for credit)
  std::optional<int64_t> limit_minor;
  bool null_current = false;   ///< fault: balances.current is null
};

struct Txn {
  std::string id, account_id;
  int64_t minor = 0;                  ///< Plaid sign: positive = money out
  std::optional<double> raw_amount;   ///< fault: rendered instead of minor (e.g. 1.005, 12.300000000000001)
  std::string date, authorized_date;  ///< YYYY-MM-DD
  std::string name, merchant, channel = "other", category;
  bool pending = false;
  std::optional<std::string> pending_transaction_id;
  int64_t post_at_ms = 0;             ///< pending: when it posts (emulated clock)
  int64_t tip_minor = 0;              ///< pending: added to the amount when it posts
};

/// One entry of an Item's change log, which /transactions/sync pages over.
struct SyncEvent {
  enum Kind { kAdded, kModified, kRemoved } kind;
  Txn txn;  ///< the state after the change (for removals: the removed transaction)
};

struct Item {
  std::string item_id, access_token, institution_id, username, client_user_id, webhook;
  std::vector<Account> accounts;
  std::map<std::string, Txn> live;  ///< current transactions by id
  std::vector<SyncEvent> log;
  bool sync_called = false;
  bool removed = false;
  std::optional<PlaidErr> error;    ///< e.g. ITEM_LOGIN_REQUIRED after reset_login
  std::optional<int64_t> consent_expiration_ms;
  uint64_t rng = 0;                 ///< per-Item generator state
  int64_t created_ms = 0;
  const Account* account(const std::string& id) const {
    for (auto& a : accounts)
      if (a.id == id) return &a;
    return nullptr;
  }
};

struct User {
  std::string user_id, user_token, client_user_id;
  bool removed = false;
};

/// One Hosted Link session of a link token.
struct LinkSession {
  std::string id;
  int64_t started_ms = 0, finished_ms = 0;
  std::string status;                       ///< "", "SUCCESS", "EXITED"
  std::vector<std::string> public_tokens;   ///< one per Item added in this session
};

struct LinkToken {
  std::string token, hosted_id;
  int64_t created_ms = 0, expiration_ms = 0;
  std::string webhook, completion_redirect, client_user_id, client_name, language;
  std::vector<std::string> country_codes;
  std::optional<std::string> user_id, access_token;  ///< access_token = update mode
  std::vector<LinkSession> sessions;
};

struct PublicToken {
  std::string token, item_id;
  int64_t expires_ms = 0;
  bool used = false;
};

}  // namespace cx::sandbox::plaid
