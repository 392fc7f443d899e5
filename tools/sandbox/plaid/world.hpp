// Plaid sandbox: the emulated Plaid state and every operation on it. Each public method locks
// the world, works on plain data, throws PlaidErr for a Plaid error answer, and queues the
// webhooks it causes (delivered later by WebhookSender, outside the lock).
#pragma once

#include "catalog.hpp"
#include "faults.hpp"
#include "model.hpp"
#include "signer.hpp"
#include "webhook_sender.hpp"

#include <boost/json.hpp>

#include <map>
#include <mutex>
#include <string>

namespace cx::sandbox::plaid {

struct Options {
  uint64_t seed = 1;
  int history_days = 60;          ///< history generated for a new Item
  int64_t webhook_delay_ms = 1000; ///< HISTORICAL_UPDATE delay after the first token exchange
  std::string public_url;         ///< base of hosted_link_url ("http://127.0.0.1:PORT")
  std::string client_id, secret;  ///< accepted credentials; empty = any non-empty pair
};

using Json = boost::json::object;

class World {
 public:
  World(Options opts, Clock& clock, Faults& faults, const Signer& signer, WebhookSender& sender);

  /// A fresh request_id.
  std::string request_id();
  /// Checks PLAID-CLIENT-ID/PLAID-SECRET (headers or body client_id/secret).
  void authenticate(const std::string& client_id, const std::string& secret) const;

  // --- Plaid API (docs/providers/plaid.md §2); each returns the 200 body without request_id.
  Json user_create(const Json& req);
  Json user_remove(const Json& req);
  Json link_token_create(const Json& req);
  Json link_token_get(const Json& req);
  Json public_token_exchange(const Json& req);
  Json accounts_get(const Json& req);
  Json transactions_sync(const Json& req);
  Json item_remove(const Json& req);
  Json verification_key_get(const Json& req);
  Json sandbox_public_token_create(const Json& req);
  Json sandbox_fire_webhook(const Json& req);
  Json sandbox_reset_login(const Json& req);
  Json sandbox_transactions_create(const Json& req);

  // --- Hosted Link.
  /// Link token of a hosted page id, its institutions (filtered by country_codes), update-mode
  /// institution and whether it is still open; throws PlaidErr when unknown or expired.
  Json hosted_view(const std::string& hosted_id);
  /// Logs in at an institution; returns the new public token ("" in update mode). Throws PlaidErr
  /// (INVALID_CREDENTIALS, INVALID_INSTITUTION) for the page to show.
  std::string hosted_login(const std::string& hosted_id, const std::string& institution_id, const std::string& username,
                           const std::string& password);
  /// Ends the session with SUCCESS (or EXITED) and fires SESSION_FINISHED; returns the
  /// completion redirect URL.
  std::string hosted_finish(const std::string& hosted_id, bool exited);
  /// The first institution offered by a hosted page.
  std::string hosted_first_institution(const std::string& hosted_id);

  // --- Console.
  Json truth(const std::string& item_id);
  Json items();
  /// Posts pending transactions whose time has come (all of an Item's when force_item is set).
  int post_pending(const std::string& force_item = {});
  /// Adds a faulty object: "float_artefact", "extra_decimals", "unofficial_currency",
  /// "null_balance", "modify" (changes an amount), "pending" (a new pending transaction).
  Json inject(const std::string& item_id, const std::string& kind);
  /// Sets an Item's consent expiration and fires ITEM/PENDING_EXPIRATION.
  Json expire_consent(const std::string& item_id, const std::string& at_rfc3339);

 private:
  Item& item_by_token(const Json& req, bool allow_error = true);
  Item& item_by_id(const std::string& item_id);
  Json account_json(const Item& item, const Account& a) const;
  Json txn_json(const Item& item, const Txn& t) const;
  Json item_json(const Item& item) const;
  Item& create_item(const Institution& inst, const std::string& username, const std::string& client_user_id,
                    const std::string& webhook);
  std::string new_public_token(const Item& item);
  void append(Item& item, SyncEvent::Kind kind, const Txn& t);
  void notify_sync(Item& item);
  void fire(const Item& item, const char* type, const char* code, Json extra);
  int post_due(Item& item, bool force);
  LinkToken& hosted(const std::string& hosted_id);
  LinkSession& open_session(LinkToken& lt);

  Options opts_;
  Clock& clock_;
  Faults& faults_;
  const Signer& signer_;
  WebhookSender& sender_;
  std::mutex mu_;
  Rng rng_;
  uint64_t item_counter_ = 0;
  std::map<std::string, User> users_;              ///< by user_id
  std::map<std::string, LinkToken> link_tokens_;   ///< by link_token
  std::map<std::string, std::string> hosted_;      ///< hosted id -> link_token
  std::map<std::string, PublicToken> public_tokens_;
  std::map<std::string, Item> items_;              ///< by item_id
  std::map<std::string, std::string> access_;      ///< access_token -> item_id
};

/// Required string member or 400 MISSING_FIELDS / INVALID_FIELD.
std::string need_string(const Json& req, const char* field);

}  // namespace cx::sandbox::plaid
