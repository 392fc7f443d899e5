// The ledger emulator's state: ledgers, their transactions (postings of big-integer amounts) and
// accounts, and the queries the reconciliation needs (docs/ledger/ledger-v2-subset.md). Thread-safe:
// every public member locks the world.
#pragma once

#include "tools/sandbox/ledger/filter.hpp"

#include <boost/json/value.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace cx::sandbox::ledger {

using Int = boost::multiprecision::cpp_int;

/// An API error: HTTP status, the spec's V2ErrorsEnum code, and a message.
struct Error {
  int status = 400;
  std::string code;
  std::string message;
};

struct Posting {
  std::string source, destination, asset;
  Int amount;
};

struct Volume {
  Int input, output;
};
/// account -> asset -> volumes
using Volumes = std::map<std::string, std::map<std::string, Volume>>;

struct Transaction {
  uint64_t id = 0;
  int64_t timestamp_ms = 0;  ///< effective date (the request's `timestamp`, else insertion)
  int64_t inserted_ms = 0;
  std::vector<Posting> postings;
  std::string reference;
  std::map<std::string, std::string> metadata;
  Volumes pre, post, pre_effective, post_effective;
};

struct MetadataChange {
  int64_t at_ms;
  std::string key;
  std::string value;
};

struct Account {
  std::string address;
  int64_t insertion_ms = 0, updated_ms = 0;
  std::optional<int64_t> first_usage_ms;  ///< effective date of the first move
  std::vector<MetadataChange> metadata_history;  ///< in insertion order
  std::map<std::string, std::string> metadata;   ///< current
  std::map<std::string, Volume> volumes;         ///< current, by asset

  /// Metadata as of `pit` (insertion time), current when nullopt.
  std::map<std::string, std::string> metadata_at(std::optional<int64_t> pit) const;
};

struct Ledger {
  std::string name, bucket;
  int64_t added_ms = 0;
  int id = 0;
  std::map<std::string, std::string> metadata, features;
  std::vector<Transaction> transactions;  ///< by id, from 1
  std::map<std::string, Account> accounts;
  std::set<std::string> references;
  std::map<std::string, std::pair<std::string, std::string>> idempotency;  ///< key -> (request, response)
};

/// A transaction to post, already decoded from V2PostTransaction.
struct NewTransaction {
  std::vector<Posting> postings;
  std::optional<int64_t> timestamp_ms;
  std::string reference;
  std::map<std::string, std::string> metadata;
  bool force = false, dry_run = false;
};

struct BalancesQuery {
  Filter filter;
  std::optional<int64_t> pit_ms;  ///< inclusive
  bool use_insertion_date = false;
};

class World {
 public:
  /// `clock` returns UTC ms (tests pass a fixed clock).
  explicit World(int64_t (*clock)() = nullptr);

  std::optional<Error> create_ledger(const std::string& name, std::string bucket, std::map<std::string, std::string> metadata,
                                     std::map<std::string, std::string> features);
  /// Copy of a ledger's description (no transactions), or LEDGER_NOT_FOUND.
  std::variant<Ledger, Error> ledger_info(const std::string& name) const;
  std::vector<Ledger> ledgers() const;  ///< descriptions, by name

  std::variant<Transaction, Error> post(const std::string& ledger, NewTransaction tx);
  std::variant<Transaction, Error> transaction(const std::string& ledger, uint64_t id) const;
  /// Transactions by id descending, from `offset`, at most `limit` (+1 to tell hasMore).
  std::variant<std::vector<Transaction>, Error> transactions(const std::string& ledger, size_t offset, size_t limit,
                                                             std::optional<int64_t> pit) const;

  std::optional<Error> set_account_metadata(const std::string& ledger, const std::string& address,
                                            const std::map<std::string, std::string>& metadata);
  std::variant<Account, Error> account(const std::string& ledger, const std::string& address) const;
  /// Accounts matching `filter`, by address descending, from `offset`, at most `limit`.
  std::variant<std::vector<Account>, Error> accounts(const std::string& ledger, const Filter& filter, size_t offset,
                                                     size_t limit) const;

  /// Σ over the moves of matched accounts with date <= pit: +amount into, −amount out of an
  /// account, per asset; an asset with moves is present even when it sums to 0.
  std::variant<std::map<std::string, Int>, Error> aggregate_balances(const std::string& ledger, const BalancesQuery& q) const;

  /// Idempotency-Key bookkeeping: the stored response of `key` if `request` matches, an error if
  /// the key was used for another request, nullopt if unknown.
  std::optional<std::variant<std::string, Error>> idempotent_hit(const std::string& ledger, const std::string& key,
                                                                 const std::string& request) const;
  void remember_idempotent(const std::string& ledger, const std::string& key, std::string request, std::string response);

  /// The whole state as JSON (for --state), and back. load() replaces the state.
  boost::json::value dump() const;
  std::optional<std::string> load(const boost::json::value& state);
  void reset();

  int64_t now() const;

 private:
  Ledger* find(const std::string& name);
  const Ledger* find(const std::string& name) const;
  std::optional<Error> apply(Ledger& l, Transaction& tx, bool force, bool commit);

  mutable std::mutex mu_;
  std::map<std::string, Ledger> ledgers_;
  int next_ledger_id_ = 1;
  int64_t (*clock_)();
};

/// Address rule of the ledger: ^[a-zA-Z0-9_-]+(:[a-zA-Z0-9_-]+)*$
bool valid_address(const std::string& address);
/// Asset rule: ^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(/\d{1,6})?$
bool valid_asset(const std::string& asset);
/// Ledger name rule: ^[0-9a-zA-Z_-]{1,63}$, and not `_`, `_info`, `_healthcheck`.
bool valid_ledger_name(const std::string& name);

}  // namespace cx::sandbox::ledger
