#include "world.hpp"

#include "clock.hpp"

#include <algorithm>
#include <functional>

namespace cx::sandbox::powens {

World::World(uint64_t s, int per_account, int64_t start_utc, Credentials creds)
    : seed(s), transactions_per_account(per_account), credentials(std::move(creds)), now(start_utc),
      token_rng_(mix(s, 0x70c3e5)) {}

std::string World::mint(const char* prefix, size_t length) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = prefix;
  for (size_t i = 0; i < length; ++i) out += alphabet[token_rng_.next() % 62];
  return out;
}

std::pair<int64_t, std::string> World::create_user() {
  User u;
  u.id = next_user_id_++;
  users[u.id] = u;
  return {u.id, issue_token(u.id, false)};
}

std::string World::issue_token(int64_t user_id, bool revoke_previous) {
  if (revoke_previous)
    for (auto it = tokens.begin(); it != tokens.end();)
      it = it->second == user_id ? tokens.erase(it) : std::next(it);
  std::string token = mint("", 48);
  tokens[token] = user_id;
  return token;
}

std::optional<int64_t> World::user_of_token(const std::string& token) const {
  auto it = tokens.find(token);
  if (it == tokens.end()) return std::nullopt;
  auto u = users.find(it->second);
  if (u == users.end() || u->second.deleted) return std::nullopt;
  return it->second;
}

std::string World::issue_code(int64_t user_id) {
  std::string code = mint("", 40);
  codes[code] = Code{user_id, wall_now() + 1800};
  return code;
}

std::optional<int64_t> World::user_of_code(const std::string& code) const {
  auto it = codes.find(code);
  if (it == codes.end() || it->second.expires_wall < wall_now()) return std::nullopt;
  auto u = users.find(it->second.user_id);
  if (u == users.end() || u->second.deleted) return std::nullopt;
  return it->second.user_id;
}

AccountKind World::kind_of(const Account& a) const {
  auto& bank = banks().at(static_cast<size_t>(connections.at(a.connection_id).bank));
  return a.template_index < bank.accounts.size() ? bank.accounts[a.template_index].kind : AccountKind::kChecking;
}

void World::generate_accounts(Connection& c) {
  auto& bank = banks().at(static_cast<size_t>(c.bank));
  std::string today = paris_date(now);
  size_t templates = bank.accounts.size();
  size_t count_accounts = accounts_per_connection > 0 ? static_cast<size_t>(accounts_per_connection) : templates;
  for (size_t i = 0; i < count_accounts; ++i) {
    auto& t = bank.accounts[i % templates];
    Rng rng(mix(seed, static_cast<uint64_t>(c.id), i + 1));
    Account a;
    a.id = next_account_id_++;
    a.user_id = c.user_id;
    a.connection_id = c.id;
    a.template_index = i % templates;
    a.original_name = t.original_name;
    if (i >= templates) a.original_name += " " + std::to_string(i / templates + 1);
    a.name = a.original_name;
    a.type = t.type;
    a.currency = t.currency;
    for (int d = 0; d < 11; ++d) a.number += static_cast<char>('0' + rng.range(0, 9));
    a.iban = t.kind == AccountKind::kCard ? std::string() : french_iban(bank.bank_code, a.number);
    a.bic = bank.bic;
    a.webid = "WEB" + a.number;
    a.opening_balance = rng.range(t.opening_min, t.opening_max);
    a.opening_date = add_days(today, -static_cast<int>(rng.range(400, 4000)));
    a.last_update = now;
    int count = transactions_per_account >= 0 ? transactions_per_account : t.default_transactions;
    auto history = generate_history(rng, a, t.kind, count, today);
    a.transactions.reserve(history.size());
    for (auto& tx : history) {
      tx.id = next_tx_id_++;
      tx.last_update = now;
      a.transactions.push_back(tx.id);
      // Ids only grow: the new row goes at the end of the map.
      transactions.emplace_hint(transactions.end(), tx.id, std::move(tx));
    }
    accounts[a.id] = a;
    c.accounts.push_back(a.id);
  }
}

Connection& World::add_connection(int64_t user_id, int bank, bool sca) {
  Connection c;
  c.id = next_connection_id_++;
  c.user_id = user_id;
  c.bank = bank;
  c.created = now;
  c.last_update = now;
  c.expire = now + 180 * 86400;
  if (sca) {
    c.state = "SCARequired";
    c.error_message = "Validez l'opération dans l'application de votre banque";
  }
  auto& stored = connections[c.id] = c;
  users[user_id].connections.push_back(c.id);
  if (!sca) generate_accounts(stored);
  return stored;
}

void World::reconnect(Connection& c, bool sca) {
  c.last_update = now;
  if (sca) {
    c.state = "SCARequired";
    c.error_message = "Validez l'opération dans l'application de votre banque";
    return;
  }
  c.state.reset();
  c.error_message.reset();
  c.expire = now + 180 * 86400;
  c.active = true;
  if (c.accounts.empty()) generate_accounts(c);
  for (auto id : c.accounts) accounts[id].last_update = now;
}

void World::delete_connection(Connection& c) {
  c.deleted = true;
  c.active = false;
}

void World::delete_user(User& u) {
  u.deleted = true;
  for (auto id : u.connections) delete_connection(connections[id]);
  for (auto it = tokens.begin(); it != tokens.end();) it = it->second == u.id ? tokens.erase(it) : std::next(it);
}

int64_t World::balance_of(const Account& a) const {
  int64_t b = a.opening_balance;
  for (auto id : a.transactions) {
    auto& t = transactions.at(id);
    if (!t.deleted && !t.coming) b += t.value;
  }
  return b;
}

int64_t World::coming_of(const Account& a) const {
  int64_t b = 0;
  for (auto id : a.transactions) {
    auto& t = transactions.at(id);
    if (!t.deleted && t.coming) b += t.value;
  }
  return b;
}

AdvanceReport World::advance(int64_t seconds) {
  AdvanceReport report;
  std::string old_today = paris_date(now);
  now += seconds;
  std::string today = paris_date(now);
  std::string post_before = add_days(today, -kPendingDays);  // pending rows dated before this post
  for (auto& [cid, c] : connections) {
    if (c.deleted || c.state) continue;
    Rng rng(mix(seed, static_cast<uint64_t>(cid), static_cast<uint64_t>(now)));
    for (auto aid : c.accounts) {
      Account& a = accounts[aid];
      std::vector<int64_t> ids = a.transactions;
      for (auto id : ids) {
        Transaction& t = transactions[id];
        if (!t.coming || t.deleted || t.date >= post_before) continue;
        if (rng.range(0, 2) < 2) {
          // Powens books the operation under a new id and deletes the provisional row.
          Transaction booked = t;
          booked.id = next_tx_id_++;
          booked.coming = false;
          booked.date = std::min(add_days(t.date, 1), today);
          booked.last_update = now;
          t.deleted = now;
          t.replaced_by = booked.id;
          t.last_update = now;
          a.transactions.push_back(booked.id);
          transactions[booked.id] = booked;
          report.replaced.emplace_back(id, booked.id);
        } else {
          t.coming = false;
          t.last_update = now;
          report.booked_in_place.push_back(id);
        }
      }
      // New activity for each new Paris day.
      for (std::string day = add_days(old_today, 1); day <= today; day = add_days(day, 1)) {
        Rng day_rng(mix(seed, static_cast<uint64_t>(aid), std::hash<std::string>{}(day)));
        for (auto& tx : generate_day(day_rng, a, kind_of(a), day, today)) {
          tx.id = next_tx_id_++;
          tx.last_update = now;
          a.transactions.push_back(tx.id);
          transactions[tx.id] = tx;
          ++report.new_transactions;
        }
      }
      a.last_update = now;
    }
    c.last_update = now;
    report.synced_connections.push_back(cid);
  }
  return report;
}

}  // namespace cx::sandbox::powens
