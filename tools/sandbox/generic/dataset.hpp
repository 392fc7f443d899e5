// What the generic sandbox serves: accounts, beneficiaries, transactions and balances, held as
// the JSON objects the API returns, with a controllable clock and scheduled settlements.
// Thread-safe: every public method takes the data set's lock.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cx::sandbox::generic {

enum class List { Accounts, Beneficiaries, Transactions };

/// A change a transaction makes to one balance when it succeeds (minor units, signed).
struct Effect {
  std::string account;
  std::string currency;
  int64_t delta = 0;
};

/// One list request, already validated.
struct PageQuery {
  int64_t page = 1;                       ///< 1-based
  int64_t page_size = 100;
  bool by_updated = false;                ///< sort by updatedAt (transactions) instead of createdAt
  bool descending = false;
  std::optional<int64_t> created_from;    ///< createdAt >= this (UTC ms), inclusive
  std::optional<int64_t> updated_from;    ///< updatedAt >= this (UTC ms), inclusive
};

/// Outcome of advancing the clock.
struct Advance {
  int64_t now_ms = 0;
  size_t settled = 0;  ///< pending transactions that succeeded
  size_t added = 0;    ///< new transactions
};

class Dataset {
 public:
  explicit Dataset(int64_t now_ms) : now_ms_(now_ms) {}

  /// Sandbox time, UTC ms. It moves only through advance().
  int64_t now_ms() const;

  /// Inserts or replaces (by "id") an item served verbatim. An item keeps its original position
  /// among items with equal timestamps. Throws std::invalid_argument without a string id.
  /// Unreadable timestamps sort as the current clock.
  void upsert(List list, boost::json::object item);
  bool contains(List list, const std::string& id) const;
  std::optional<boost::json::object> get(List list, const std::string& id) const;

  /// Sets an account's balance lines ([{amount, currency}] served verbatim); `at` fixed, or
  /// absent = the clock at each request.
  void set_balances(const std::string& account, boost::json::array lines, std::optional<std::string> at = {});
  /// Adds delta (minor units) to the account's line in currency, creating it at 0 if needed.
  void apply(const Effect& e);
  /// The Balances body of an account, nullopt when the account is unknown.
  std::optional<boost::json::object> balances(const std::string& account) const;

  /// A transaction that turns SUCCEEDED (updatedAt = at_ms) once the clock reaches at_ms, then
  /// applies its effects.
  void schedule(const std::string& transaction_id, int64_t at_ms, std::vector<Effect> effects);

  /// One page of a list (the items as served).
  boost::json::array page(List list, const PageQuery& q) const;

  /// Moves the clock forward by ms, settling what falls due. `grow`, when given, is called
  /// first (without the lock held) to add the transactions created in (old now, new now].
  template <class Grow>
  Advance advance(int64_t ms, Grow&& grow) {
    Advance out;
    int64_t from = now_ms();
    out.added = grow(from, from + ms);
    out.settled = settle_until(from + ms);
    out.now_ms = now_ms();
    return out;
  }

  /// {"now", "accounts", "balances", "beneficiaries", "transactions"}: everything as served,
  /// lists in their natural ascending order.
  boost::json::object truth() const;

  /// Number of items in a list.
  size_t size(List list) const;

 private:
  struct Row {
    std::string id;
    boost::json::object body;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
    uint64_t seq = 0;
  };
  struct Table {
    std::vector<Row> rows;
    std::unordered_map<std::string, size_t> index;
    mutable std::vector<size_t> by_created, by_updated;  ///< sorted views, rebuilt when dirty
    mutable bool dirty = true;
  };
  struct BalanceSet {
    boost::json::array lines;
    std::optional<std::string> at;
  };
  struct Settlement {
    int64_t at_ms;
    std::string id;
    std::vector<Effect> effects;
  };

  size_t settle_until(int64_t until_ms);
  Table& table(List l) { return tables_[static_cast<int>(l)]; }
  const Table& table(List l) const { return tables_[static_cast<int>(l)]; }
  void refresh(const Table& t) const;
  void apply_locked(const Effect& e);
  boost::json::object balances_locked(const std::string& account, const BalanceSet& b) const;

  mutable std::mutex mu_;
  int64_t now_ms_;
  uint64_t seq_ = 0;
  Table tables_[3];
  std::map<std::string, BalanceSet> balances_;
  std::vector<Settlement> settlements_;
};

}  // namespace cx::sandbox::generic
