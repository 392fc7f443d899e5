// The Powens emulator's data: users, connections, accounts and transactions as it stores them.
// Amounts are integers in minor units of the account currency; times are UTC seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cx::sandbox::powens {

/// A Powens Currency (docs/providers/powens.md §3).
struct Currency {
  std::string id;      ///< ISO 4217 code
  std::string symbol;
  int precision = 2;   ///< minor-unit digits: EUR 2, JPY 0, KWD 3
  std::string name;
};

/// Transaction counterparty enrichment (docs/providers/powens.md §3).
struct Counterparty {
  std::string label;
  std::string scheme;          ///< "iban" | "bban"
  std::string identification;  ///< the IBAN or account number
  std::string type;            ///< "creditor" | "debtor"
};

struct Transaction {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t value = 0;                    ///< signed minor units, negative = debit
  std::string date;                     ///< booking date YYYY-MM-DD (Paris calendar)
  std::string rdate;                    ///< operation date YYYY-MM-DD
  std::optional<int64_t> datetime;      ///< operation time, UTC seconds (card payments)
  std::string original_wording;
  std::string simplified_wording;
  std::string type;                     ///< card, order, transfer, withdrawal, check, bank, deposit
  int64_t category = 9998;              ///< id_category
  bool coming = false;                  ///< pending, not yet booked
  std::optional<int64_t> deleted;       ///< UTC seconds of deletion
  std::optional<int64_t> replaced_by;   ///< permanent id that replaced this provisional row
  int64_t last_update = 0;              ///< UTC seconds
  std::optional<Counterparty> counterparty;
};

struct Account {
  int64_t id = 0, user_id = 0, connection_id = 0;
  std::string original_name, name, type, usage = "PRIV", iban, bic, number, webid;
  Currency currency;
  size_t template_index = 0;    ///< index of its template in the bank's account list
  int64_t opening_balance = 0;  ///< minor units before the first generated transaction
  std::string opening_date;     ///< YYYY-MM-DD
  int64_t last_update = 0;      ///< UTC seconds
  std::vector<int64_t> transactions;  ///< ids, in creation order
};

struct Connection {
  int64_t id = 0, user_id = 0;
  int bank = 0;                          ///< index in the bank catalog
  std::optional<std::string> state;      ///< null = OK; SCARequired, wrongpass, …
  std::optional<std::string> error_message;
  int64_t created = 0, last_update = 0;  ///< UTC seconds
  std::optional<int64_t> last_push;      ///< UTC seconds of the last CONNECTION_SYNCED
  int64_t expire = 0;                    ///< consent expiry, UTC seconds
  bool active = true;
  bool deleted = false;
  std::vector<int64_t> accounts;
};

struct User {
  int64_t id = 0;
  bool deleted = false;
  std::vector<int64_t> connections;
};

/// A webhook auth created through /webhooks/auth (HMAC secret used to sign deliveries).
struct WebhookAuth {
  int64_t id = 0;
  std::string name;
  std::string secret;
};

}  // namespace cx::sandbox::powens
