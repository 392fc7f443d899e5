#include "host/store/data_steps.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/accounts.hpp"
#include "host/store/errors.hpp"
#include "host/store/references.hpp"
#include "host/store/sealed_metadata.hpp"
#include "host/store/sql.hpp"
#include "host/util/ids.hpp"

#include <functional>
#include <map>
#include <vector>

namespace cx::store::data_steps {
namespace {

std::string owner_of(const std::optional<std::string>& psu_id, const std::string& connector_id) {
  return psu_id ? crypto::KeyOwner::psu(*psu_id) : crypto::KeyOwner::connector(connector_id);
}

// Moves the personal pairs of one table's clear metadata into metadata_sealed (+ blind index).
// `select` yields (id, metadata, psu_id, connector_id) for the rows whose metadata is not empty;
// `owner` names the data key of such a row.
using OwnerOf = std::function<std::string(const std::string& id, const std::optional<std::string>& psu_id,
                                          const std::string& connector_id)>;
void seal_table_metadata(WriteTx& tx, const std::string& table, const std::string& select, const OwnerOf& owner) {
  struct Row {
    std::string id, metadata, owner;
  };
  std::vector<Row> rows;
  {
    db::Statement& s = tx.prepare(select);
    while (s.step()) {
      std::string id = sql::col_str(s, 0);
      std::string o = owner(id, sql::col_opt_str(s, 2), sql::col_str(s, 3));
      rows.push_back({std::move(id), sql::col_str(s, 1), std::move(o)});
    }
  }
  const bool indexed = table != "payment_adjustments";  // adjustments are never filtered
  for (const Row& r : rows) {
    Metadata m = sql::metadata_from(r.metadata, table + ".metadata");
    if (sealed_metadata::public_part(m).size() == m.size()) continue;
    db::Statement& u =
        tx.prepare("UPDATE " + table + " SET metadata = ?, metadata_sealed = ? WHERE id = ?");
    sealed_metadata::bind(tx, u, 1, 2, r.owner, {table, "metadata", r.id}, m);
    u.bind(3, r.id);
    u.exec();
    if (indexed) sealed_metadata::reindex(tx, table, r.id, m);
  }
}

void seal_metadata(WriteTx& tx) {
  const OwnerOf of_row = [](const std::string&, const std::optional<std::string>& psu_id,
                            const std::string& connector_id) { return owner_of(psu_id, connector_id); };
  seal_table_metadata(tx, "accounts",
                      "SELECT id, metadata, psu_id, connector_id FROM accounts WHERE metadata <> '{}'", of_row);
  seal_table_metadata(tx, "payments",
                      "SELECT id, metadata, psu_id, connector_id FROM payments WHERE metadata <> '{}'", of_row);
  seal_table_metadata(tx, "payment_adjustments",
                      "SELECT a.id, a.metadata, p.psu_id, p.connector_id FROM payment_adjustments AS a "
                      "JOIN payments AS p ON p.id = a.payment_id WHERE a.metadata <> '{}'",
                      of_row);
  seal_table_metadata(tx, "psus", "SELECT id, metadata, id, '' FROM psus WHERE metadata <> '{}'",
                      [](const std::string& id, auto&&, auto&&) { return crypto::KeyOwner::psu(id); });
  seal_table_metadata(tx, "bank_accounts", "SELECT id, metadata, NULL, '' FROM bank_accounts WHERE metadata <> '{}'",
                      [](const std::string& id, auto&&, auto&&) { return crypto::KeyOwner::bank_account(id); });
}

void seal_psu_locale(WriteTx& tx) {
  std::vector<std::pair<std::string, std::string>> rows;
  {
    db::Statement& s = tx.prepare("SELECT id, locale FROM psus WHERE typeof(locale) = 'text'");
    while (s.step()) rows.emplace_back(sql::col_str(s, 0), sql::col_str(s, 1));
  }
  for (const auto& [id, locale] : rows) {
    db::Statement& u = tx.prepare("UPDATE psus SET locale = ? WHERE id = ?");
    sql::bind_sealed(tx, u, 1, crypto::KeyOwner::psu(id), {"psus", "locale", id}, locale);
    u.bind(2, id);
    u.exec();
  }
}

// Accounts whose reference is an IBAN get the pseudonymous reference and the ID that goes with
// it; balances and payments follow; the other accounts keep their IDs. Returns old → new, for the
// IDs and the references.
std::map<std::string, std::string> rekey_accounts(WriteTx& tx) {
  std::vector<std::string> personal;
  {
    db::Statement& s = tx.prepare("SELECT id, reference FROM accounts");
    while (s.step())
      if (references::is_iban(sql::col_str(s, 1))) personal.push_back(sql::col_str(s, 0));
  }
  std::map<std::string, std::string> moved;
  for (const std::string& old_id : personal) {
    auto rec = accounts::get(tx, old_id);
    auto decoded = ids::decode_account_id(old_id);
    if (!rec || !decoded) continue;  // an ID this store did not encode: left as is
    const std::string old_ref = rec->reference;
    rec->reference = references::pseudonymous(tx.blind_index(), rec->reference);
    rec->id = ids::encode(ids::AccountID{decoded->connector_id, rec->reference});
    accounts::insert(tx, *rec);  // no-op when the new ID is already there
    for (const char* sql : {"UPDATE balances SET account_id = ?1 WHERE account_id = ?2",
                            "UPDATE payments SET source_account_id = ?1 WHERE source_account_id = ?2",
                            "UPDATE payments SET destination_account_id = ?1 WHERE destination_account_id = ?2",
                            "DELETE FROM accounts WHERE id = ?2 AND ?1 IS NOT NULL"}) {
      db::Statement& u = tx.prepare(sql);
      u.bind(1, rec->id);
      u.bind(2, old_id);
      u.exec();
    }
    moved.emplace(old_id, rec->id);
    moved.emplace(old_ref, rec->reference);
  }
  return moved;
}

// Event payloads written before: personal metadata pairs dropped, re-keyed account IDs replaced.
void scrub_events(WriteTx& tx, const std::map<std::string, std::string>& moved) {
  std::vector<std::pair<int64_t, std::string>> rows;
  {
    db::Statement& s = tx.prepare("SELECT seq, payload FROM events");
    while (s.step()) rows.emplace_back(s.get_int64(0), sql::col_str(s, 1));
  }
  for (auto& [seq, payload] : rows) {
    std::string text = payload;
    for (const auto& [from, to] : moved)
      for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    boost::json::value v = sql::json_from(text, "events.payload");
    if (auto* o = v.if_object())
      if (auto* m = o->if_contains("metadata"); m && m->is_object()) {
        boost::json::object kept;
        for (const auto& [k, val] : m->get_object())
          if (sealed_metadata::is_public(k)) kept[k] = val;
        *m = std::move(kept);
      }
    text = sql::json_text(v);
    if (text == payload) continue;
    db::Statement& u = tx.prepare("UPDATE events SET payload = ? WHERE seq = ?");
    u.bind(1, text);
    u.bind(2, seq);
    u.exec();
  }
}

void run(WriteTx& tx, const std::string& name) {
  if (name == "seal metadata") seal_metadata(tx);
  else if (name == "seal psu locale") seal_psu_locale(tx);
  else if (name == "pseudonymous references") scrub_events(tx, rekey_accounts(tx));
  else throw StoreError("unknown data step '" + name + "'");
}

}  // namespace

int run_pending(WriteTx& tx) {
  std::vector<std::string> pending;
  {
    db::Statement& s = tx.prepare("SELECT name FROM data_steps ORDER BY seq");
    while (s.step()) pending.push_back(sql::col_str(s, 0));
  }
  // The steps so far rewrite rows that SQLite stores of older binaries hold (clear metadata and
  // locales, IBAN references); a PostgreSQL store starts at the current schema and holds none.
  const bool legacy_rows_possible = tx.backend() == db::Backend::sqlite;
  for (const auto& name : pending) {
    if (legacy_rows_possible) run(tx, name);
    db::Statement& d = tx.prepare("DELETE FROM data_steps WHERE name = ?");
    d.bind(1, name);
    d.exec();
  }
  return static_cast<int>(pending.size());
}

}  // namespace cx::store::data_steps
