#include "tools/sandbox/ledger/model.hpp"

#include "host/util/encoding.hpp"

#include <algorithm>
#include <regex>

namespace cx::sandbox::ledger {

namespace json = boost::json;

bool valid_address(const std::string& address) {
  static const std::regex re("^[a-zA-Z0-9_-]+(:[a-zA-Z0-9_-]+)*$");
  return address.size() <= 1024 && std::regex_match(address, re);
}

bool valid_asset(const std::string& asset) {
  static const std::regex re("^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(/[0-9]{1,6})?$");
  return std::regex_match(asset, re);
}

bool valid_ledger_name(const std::string& name) {
  static const std::regex re("^[0-9a-zA-Z_-]{1,63}$");
  return std::regex_match(name, re) && name != "_" && name != "_info" && name != "_healthcheck";
}

std::map<std::string, std::string> Account::metadata_at(std::optional<int64_t> pit) const {
  if (!pit) return metadata;
  std::map<std::string, std::string> out;
  for (auto& c : metadata_history)
    if (c.at_ms <= *pit) out[c.key] = c.value;
  return out;
}

World::World(int64_t (*clock)()) : clock_(clock) {}

int64_t World::now() const { return clock_ ? clock_() : util::now_ms(); }

Ledger* World::find(const std::string& name) {
  auto it = ledgers_.find(name);
  return it == ledgers_.end() ? nullptr : &it->second;
}
const Ledger* World::find(const std::string& name) const {
  auto it = ledgers_.find(name);
  return it == ledgers_.end() ? nullptr : &it->second;
}

namespace {

Error ledger_not_found(const std::string& name) { return {404, "LEDGER_NOT_FOUND", "ledger " + name + " not found"}; }

// Features of a 2.4 ledger and the values each accepts; the defaults come first.
const std::map<std::string, std::vector<std::string>>& known_features() {
  static const std::map<std::string, std::vector<std::string>> f = {
      {"ACCOUNT_METADATA_HISTORY", {"SYNC", "DISABLED"}},
      {"HASH_LOGS", {"SYNC", "DISABLED"}},
      {"INDEX_ADDRESS_SEGMENTS", {"ON", "OFF"}},
      {"INDEX_TRANSACTION_ACCOUNTS", {"ON", "OFF"}},
      {"MOVES_HISTORY", {"ON", "OFF"}},
      {"MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES", {"SYNC", "DISABLED"}},
      {"TRANSACTION_METADATA_HISTORY", {"SYNC", "DISABLED"}},
  };
  return f;
}

Account& touch(Ledger& l, const std::string& address, int64_t now) {
  auto [it, inserted] = l.accounts.try_emplace(address);
  if (inserted) {
    it->second.address = address;
    it->second.insertion_ms = now;
  }
  it->second.updated_ms = now;
  return it->second;
}

}  // namespace

std::optional<Error> World::create_ledger(const std::string& name, std::string bucket,
                                          std::map<std::string, std::string> metadata,
                                          std::map<std::string, std::string> features) {
  if (!valid_ledger_name(name)) return Error{400, "VALIDATION", "invalid ledger name '" + name + "': must match ^[0-9a-zA-Z_-]{1,63}$"};
  for (auto& [k, v] : features) {
    auto it = known_features().find(k);
    if (it == known_features().end()) return Error{400, "VALIDATION", "unknown feature: " + k};
    if (std::find(it->second.begin(), it->second.end(), v) == it->second.end())
      return Error{400, "VALIDATION", "invalid value '" + v + "' for feature " + k};
  }
  std::lock_guard lock(mu_);
  if (ledgers_.count(name)) return Error{400, "LEDGER_ALREADY_EXISTS", "ledger " + name + " already exists"};
  Ledger l;
  l.name = name;
  l.bucket = bucket.empty() ? "_default" : std::move(bucket);
  l.added_ms = now();
  l.id = next_ledger_id_++;
  l.metadata = std::move(metadata);
  for (auto& [k, values] : known_features())
    l.features[k] = features.count(k) ? features[k] : (k.rfind("INDEX_", 0) == 0 ? "ON" : values.front());
  ledgers_.emplace(name, std::move(l));
  return std::nullopt;
}

namespace {
Ledger description(const Ledger& l) {
  Ledger d;
  d.name = l.name;
  d.bucket = l.bucket;
  d.added_ms = l.added_ms;
  d.id = l.id;
  d.metadata = l.metadata;
  d.features = l.features;
  return d;
}
}  // namespace

std::variant<Ledger, Error> World::ledger_info(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto* l = find(name);
  if (!l) return ledger_not_found(name);
  return description(*l);
}

std::vector<Ledger> World::ledgers() const {
  std::lock_guard lock(mu_);
  std::vector<Ledger> out;
  for (auto& [name, l] : ledgers_) out.push_back(description(l));
  return out;
}

std::optional<Error> World::apply(Ledger& l, Transaction& tx, bool force, bool commit) {
  // Current volumes after each posting, in order: a source other than `world` may not go below 0.
  std::map<std::pair<std::string, std::string>, Volume> current;
  auto volume = [&](const std::string& account, const std::string& asset) -> Volume& {
    auto key = std::make_pair(account, asset);
    auto it = current.find(key);
    if (it != current.end()) return it->second;
    Volume v;
    if (auto a = l.accounts.find(account); a != l.accounts.end())
      if (auto vol = a->second.volumes.find(asset); vol != a->second.volumes.end()) v = vol->second;
    tx.pre[account][asset] = v;
    return current.emplace(key, v).first->second;
  };
  for (auto& p : tx.postings) {
    Volume& src = volume(p.source, p.asset);
    if (!force && p.source != "world" && src.input - src.output < p.amount)
      return Error{400, "INSUFFICIENT_FUND",
                   "account '" + p.source + "' had insufficient funds: balance " + Int(src.input - src.output).str() +
                       " " + p.asset + ", needed " + p.amount.str()};
    src.output += p.amount;
    volume(p.destination, p.asset).input += p.amount;
  }
  for (auto& [key, v] : current) tx.post[key.first][key.second] = v;

  // Effective volumes: the moves dated at or before this transaction's timestamp.
  for (auto& [account, assets] : tx.pre)
    for (auto& [asset, ignored] : assets) {
      Volume v;
      for (auto& t : l.transactions) {
        if (t.timestamp_ms > tx.timestamp_ms) continue;
        for (auto& p : t.postings) {
          if (p.asset != asset) continue;
          if (p.source == account) v.output += p.amount;
          if (p.destination == account) v.input += p.amount;
        }
      }
      tx.pre_effective[account][asset] = v;
      for (auto& p : tx.postings) {
        if (p.asset != asset) continue;
        if (p.source == account) v.output += p.amount;
        if (p.destination == account) v.input += p.amount;
      }
      tx.post_effective[account][asset] = v;
    }
  if (!commit) return std::nullopt;
  for (auto& [key, v] : current) {
    Account& a = touch(l, key.first, tx.inserted_ms);
    a.volumes[key.second] = v;
    if (!a.first_usage_ms || tx.timestamp_ms < *a.first_usage_ms) a.first_usage_ms = tx.timestamp_ms;
  }
  if (!tx.reference.empty()) l.references.insert(tx.reference);
  l.transactions.push_back(tx);
  return std::nullopt;
}

std::variant<Transaction, Error> World::post(const std::string& ledger, NewTransaction in) {
  if (in.postings.empty()) return Error{400, "NO_POSTINGS", "you need to pass either a posting array or a numscript script"};
  for (auto& p : in.postings) {
    if (p.amount < 0) return Error{400, "VALIDATION", "negative amount"};
    if (!valid_address(p.source)) return Error{400, "VALIDATION", "invalid source address: " + p.source};
    if (!valid_address(p.destination)) return Error{400, "VALIDATION", "invalid destination address: " + p.destination};
    if (!valid_asset(p.asset)) return Error{400, "VALIDATION", "invalid asset: " + p.asset};
  }
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  if (!in.reference.empty() && l->references.count(in.reference))
    return Error{409, "CONFLICT", "duplicate reference: " + in.reference};
  Transaction tx;
  tx.id = l->transactions.size() + 1;
  tx.inserted_ms = now();
  tx.timestamp_ms = in.timestamp_ms.value_or(tx.inserted_ms);
  tx.postings = std::move(in.postings);
  tx.reference = std::move(in.reference);
  tx.metadata = std::move(in.metadata);
  if (auto err = apply(*l, tx, in.force, !in.dry_run)) return *err;
  return tx;
}

std::variant<Transaction, Error> World::transaction(const std::string& ledger, uint64_t id) const {
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  if (id == 0 || id > l->transactions.size()) return Error{404, "NOT_FOUND", "transaction " + std::to_string(id) + " not found"};
  return l->transactions[id - 1];
}

std::variant<std::vector<Transaction>, Error> World::transactions(const std::string& ledger, size_t offset, size_t limit,
                                                                  std::optional<int64_t> pit) const {
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  std::vector<Transaction> out;
  size_t skipped = 0;
  for (auto it = l->transactions.rbegin(); it != l->transactions.rend() && out.size() < limit; ++it) {
    if (pit && it->timestamp_ms > *pit) continue;
    if (skipped++ < offset) continue;
    out.push_back(*it);
  }
  return out;
}

std::optional<Error> World::set_account_metadata(const std::string& ledger, const std::string& address,
                                                 const std::map<std::string, std::string>& metadata) {
  if (!valid_address(address)) return Error{400, "VALIDATION", "invalid account address: " + address};
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  int64_t at = now();
  Account& a = touch(*l, address, at);
  for (auto& [k, v] : metadata) {
    a.metadata[k] = v;
    a.metadata_history.push_back({at, k, v});
  }
  return std::nullopt;
}

std::variant<Account, Error> World::account(const std::string& ledger, const std::string& address) const {
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  auto it = l->accounts.find(address);
  if (it == l->accounts.end()) return Error{404, "NOT_FOUND", "account " + address + " not found"};
  return it->second;
}

std::variant<std::vector<Account>, Error> World::accounts(const std::string& ledger, const Filter& filter, size_t offset,
                                                          size_t limit) const {
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  std::vector<Account> out;
  size_t skipped = 0;
  for (auto it = l->accounts.rbegin(); it != l->accounts.rend() && out.size() < limit; ++it) {
    if (!filter.matches({it->first, it->second.metadata})) continue;
    if (skipped++ < offset) continue;
    out.push_back(it->second);
  }
  return out;
}

std::variant<std::map<std::string, Int>, Error> World::aggregate_balances(const std::string& ledger,
                                                                          const BalancesQuery& q) const {
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return ledger_not_found(ledger);
  std::map<std::string, bool> matched;  // address -> filter verdict, evaluated once
  auto is_matched = [&](const std::string& address) {
    auto it = matched.find(address);
    if (it != matched.end()) return it->second;
    auto acc = l->accounts.find(address);
    std::map<std::string, std::string> none;
    auto meta = acc == l->accounts.end() ? none : acc->second.metadata_at(q.pit_ms);
    return matched[address] = q.filter.matches({address, meta});
  };
  std::map<std::string, Int> out;
  for (auto& tx : l->transactions) {
    int64_t date = q.use_insertion_date ? tx.inserted_ms : tx.timestamp_ms;
    if (q.pit_ms && date > *q.pit_ms) continue;
    for (auto& p : tx.postings) {
      if (is_matched(p.source)) out[p.asset] -= p.amount;
      if (is_matched(p.destination)) out[p.asset] += p.amount;
    }
  }
  return out;
}

std::optional<std::variant<std::string, Error>> World::idempotent_hit(const std::string& ledger, const std::string& key,
                                                                      const std::string& request) const {
  std::lock_guard lock(mu_);
  auto* l = find(ledger);
  if (!l) return std::nullopt;
  auto it = l->idempotency.find(key);
  if (it == l->idempotency.end()) return std::nullopt;
  if (it->second.first != request)
    return std::variant<std::string, Error>(Error{400, "VALIDATION", "idempotency key '" + key + "' was already used with another request"});
  return std::variant<std::string, Error>(it->second.second);
}

void World::remember_idempotent(const std::string& ledger, const std::string& key, std::string request, std::string response) {
  std::lock_guard lock(mu_);
  if (auto* l = find(ledger)) l->idempotency[key] = {std::move(request), std::move(response)};
}

void World::reset() {
  std::lock_guard lock(mu_);
  ledgers_.clear();
  next_ledger_id_ = 1;
}

// --- --state FILE: our own format, replayed on load (amounts as decimal strings). ---

json::value World::dump() const {
  std::lock_guard lock(mu_);
  json::array out;
  for (auto& [name, l] : ledgers_) {
    json::object o{{"name", name}, {"bucket", l.bucket}, {"addedAt", l.added_ms}, {"id", l.id}};
    json::object meta, feat;
    for (auto& [k, v] : l.metadata) meta[k] = v;
    for (auto& [k, v] : l.features) feat[k] = v;
    o["metadata"] = std::move(meta);
    o["features"] = std::move(feat);
    json::array txs;
    for (auto& t : l.transactions) {
      json::array postings;
      for (auto& p : t.postings)
        postings.push_back(json::object{{"source", p.source}, {"destination", p.destination}, {"asset", p.asset}, {"amount", p.amount.str()}});
      json::object tm;
      for (auto& [k, v] : t.metadata) tm[k] = v;
      txs.push_back(json::object{{"timestamp", t.timestamp_ms}, {"insertedAt", t.inserted_ms}, {"reference", t.reference},
                                 {"metadata", std::move(tm)}, {"postings", std::move(postings)}});
    }
    o["transactions"] = std::move(txs);
    json::array am;
    for (auto& [address, a] : l.accounts)
      for (auto& c : a.metadata_history) am.push_back(json::object{{"address", address}, {"at", c.at_ms}, {"key", c.key}, {"value", c.value}});
    o["accountMetadata"] = std::move(am);
    out.push_back(std::move(o));
  }
  return json::object{{"ledgers", std::move(out)}};
}

std::optional<std::string> World::load(const json::value& state) {
  try {
    std::map<std::string, Ledger> loaded;
    int next_id = 1;
    for (auto& lv : state.at("ledgers").as_array()) {
      auto& o = lv.as_object();
      Ledger l;
      l.name = std::string(o.at("name").as_string());
      l.bucket = std::string(o.at("bucket").as_string());
      l.added_ms = o.at("addedAt").to_number<int64_t>();
      l.id = o.at("id").to_number<int>();
      next_id = std::max(next_id, l.id + 1);
      for (auto& [k, v] : o.at("metadata").as_object()) l.metadata[k] = std::string(v.as_string());
      for (auto& [k, v] : o.at("features").as_object()) l.features[k] = std::string(v.as_string());
      for (auto& tv : o.at("transactions").as_array()) {
        auto& t = tv.as_object();
        Transaction tx;
        tx.id = l.transactions.size() + 1;
        tx.timestamp_ms = t.at("timestamp").to_number<int64_t>();
        tx.inserted_ms = t.at("insertedAt").to_number<int64_t>();
        tx.reference = std::string(t.at("reference").as_string());
        for (auto& [k, v] : t.at("metadata").as_object()) tx.metadata[k] = std::string(v.as_string());
        for (auto& pv : t.at("postings").as_array()) {
          auto& p = pv.as_object();
          tx.postings.push_back({std::string(p.at("source").as_string()), std::string(p.at("destination").as_string()),
                                 std::string(p.at("asset").as_string()), Int(std::string(p.at("amount").as_string()))});
        }
        apply(l, tx, /*force=*/true, /*commit=*/true);
      }
      for (auto& mv : o.at("accountMetadata").as_array()) {
        auto& m = mv.as_object();
        int64_t at = m.at("at").to_number<int64_t>();
        Account& a = touch(l, std::string(m.at("address").as_string()), at);
        std::string key(m.at("key").as_string()), value(m.at("value").as_string());
        a.metadata[key] = value;
        a.metadata_history.push_back({at, key, value});
      }
      loaded.emplace(l.name, std::move(l));
    }
    std::lock_guard lock(mu_);
    ledgers_ = std::move(loaded);
    next_ledger_id_ = next_id;
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string("invalid state: ") + e.what();
  }
}

}  // namespace cx::sandbox::ledger
