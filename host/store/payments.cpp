#include "host/store/payments.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/amount_key.hpp"
#include "host/store/errors.hpp"
#include "host/store/events.hpp"
#include "host/store/paging.hpp"
#include "host/store/sealed_metadata.hpp"
#include "host/store/sql.hpp"

namespace cx::store::payments {
namespace {

constexpr const char* kColumns =
    "id, connector_id, reference, type, initial_amount, amount, asset, scheme, status, source_account_id, "
    "destination_account_id, psu_id, connection_id, metadata, created_at, updated_at, metadata_sealed";
constexpr const char* kTable = "payments";

// A PSU's payment is sealed under the PSU's key so that deleting the PSU shreds it.
std::string owner_of(const std::optional<std::string>& psu_id, const std::string& connector_id) {
  return psu_id ? crypto::KeyOwner::psu(*psu_id) : crypto::KeyOwner::connector(connector_id);
}

PaymentRecord read_row(Tx& tx, db::Statement& s) {
  PaymentRecord p;
  p.id = sql::col_str(s, 0);
  p.connector_id = sql::col_str(s, 1);
  p.reference = sql::col_str(s, 2);
  p.type = sql::col_str(s, 3);
  p.initial_amount = sql::col_str(s, 4);
  p.amount = sql::col_str(s, 5);
  p.asset = sql::col_str(s, 6);
  p.scheme = sql::col_str(s, 7);
  p.status = sql::col_str(s, 8);
  p.source_account_id = sql::col_opt_str(s, 9);
  p.destination_account_id = sql::col_opt_str(s, 10);
  p.psu_id = sql::col_opt_str(s, 11);
  p.connection_id = sql::col_opt_str(s, 12);
  p.created_at = s.get_int64(14);
  p.updated_at = s.get_int64(15);
  p.metadata = sealed_metadata::read(tx, s, 13, 16, owner_of(p.psu_id, p.connector_id), {kTable, "metadata", p.id});
  return p;
}

boost::json::object event_payload(const PaymentRecord& p) {
  boost::json::object o{{"id", p.id},         {"connectorID", p.connector_id},
                        {"reference", p.reference}, {"type", p.type},
                        {"initialAmount", p.initial_amount}, {"amount", p.amount},
                        {"asset", p.asset},   {"scheme", p.scheme},
                        {"status", p.status}, {"createdAt", p.created_at},
                        {"metadata", sql::metadata_object(sealed_metadata::public_part(p.metadata))}};
  if (p.source_account_id) o["sourceAccountID"] = *p.source_account_id;
  if (p.destination_account_id) o["destinationAccountID"] = *p.destination_account_id;
  if (p.psu_id) o["psuID"] = *p.psu_id;
  if (p.connection_id) o["openBankingConnectionID"] = *p.connection_id;
  return o;
}

// The payment row as the first observation creates it.
PaymentRecord first_sighting(const PaymentWrite& w, const std::string& amount, int64_t now) {
  PaymentRecord p;
  p.id = w.id;
  p.connector_id = w.connector_id;
  p.reference = w.reference;
  p.type = w.type;
  p.initial_amount = amount;
  p.amount = w.status == "AUTHORISATION" ? "0" : amount;  // an authorisation moves no money yet
  p.asset = w.asset;
  p.scheme = w.scheme;
  p.status = w.status;
  p.source_account_id = w.source_account_id;
  p.destination_account_id = w.destination_account_id;
  p.psu_id = w.psu_id;
  p.connection_id = w.connection_id;
  p.metadata = w.metadata;
  p.created_at = w.created_at;
  p.updated_at = now;
  return p;
}

bool insert_payment(WriteTx& tx, const PaymentRecord& p) {
  db::Statement& s = tx.prepare(
      "INSERT INTO payments (id, connector_id, reference, type, initial_amount, initial_amount_key, amount, "
      "amount_key, asset, scheme, status, status_at, source_account_id, destination_account_id, psu_id, "
      "connection_id, metadata, created_at, updated_at, metadata_sealed, metadata_index) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
  s.bind(1, p.id);
  s.bind(2, p.connector_id);
  s.bind(3, p.reference);
  s.bind(4, p.type);
  s.bind(5, p.initial_amount);
  s.bind(6, amount_sort_key(p.initial_amount));
  s.bind(7, p.amount);
  s.bind(8, amount_sort_key(p.amount));
  s.bind(9, p.asset);
  s.bind(10, p.scheme);
  s.bind(11, p.status);
  s.bind(12, p.created_at);
  sql::bind_opt(s, 13, p.source_account_id);
  sql::bind_opt(s, 14, p.destination_account_id);
  sql::bind_opt(s, 15, p.psu_id);
  sql::bind_opt(s, 16, p.connection_id);
  sealed_metadata::bind(tx, s, 17, 20, owner_of(p.psu_id, p.connector_id), {kTable, "metadata", p.id}, p.metadata);
  s.bind(18, p.created_at);
  s.bind(19, p.updated_at);
  auto entries = sealed_metadata::index_entries(tx, kTable, p.metadata);
  if (entries.empty()) s.bind_null(21);
  else sql::bind_blob(s, 21, entries);
  return s.exec() > 0;
}

bool insert_adjustment(WriteTx& tx, const PaymentWrite& w, const std::string& amount, const std::string& owner) {
  db::Statement& s = tx.prepare(
      "INSERT INTO payment_adjustments (id, payment_id, reference, created_at, status, amount, asset, metadata, raw, "
      "metadata_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payment_id, reference, created_at, status) DO NOTHING");
  s.bind(1, w.adjustment_id);
  s.bind(2, w.id);
  s.bind(3, w.adjustment_reference);
  s.bind(4, w.created_at);
  s.bind(5, w.status);
  s.bind(6, amount);
  s.bind(7, w.asset);
  sealed_metadata::bind(tx, s, 8, 10, owner, {"payment_adjustments", "metadata", w.adjustment_id}, w.metadata);
  sql::bind_sealed(tx, s, 9, owner, {"payment_adjustments", "raw", w.adjustment_id}, w.raw_json);
  return s.exec() > 0;
}

// A new adjustment of a known payment: status follows the latest one; some statuses move amounts.
void apply_adjustment(WriteTx& tx, PaymentRecord& p, int64_t status_at, const PaymentWrite& w,
                      const std::string& amount) {
  if (w.status == "REFUNDED") p.amount = amount_sub(p.amount, amount);
  else if (w.status == "CAPTURE" || w.status == "REFUND_REVERSED") p.amount = amount_add(p.amount, amount);
  else if (w.status == "AMOUNT_ADJUSTEMENT") p.initial_amount = amount;
  if (w.created_at >= status_at) {
    p.status = w.status;
    status_at = w.created_at;
  }
  p.updated_at = tx.now();
  db::Statement& s = tx.prepare(
      "UPDATE payments SET initial_amount = ?, initial_amount_key = ?, amount = ?, amount_key = ?, status = ?, "
      "status_at = ?, updated_at = ? WHERE id = ?");
  s.bind(1, p.initial_amount);
  s.bind(2, amount_sort_key(p.initial_amount));
  s.bind(3, p.amount);
  s.bind(4, amount_sort_key(p.amount));
  s.bind(5, p.status);
  s.bind(6, status_at);
  s.bind(7, p.updated_at);
  s.bind(8, p.id);
  s.exec();
}

}  // namespace

PaymentWriteResult upsert(WriteTx& tx, const PaymentWrite& w) {
  auto amount = normalize_amount(w.amount);
  if (!amount) throw InvalidValue("amount '" + w.amount + "' of payment " + w.reference + " is not an integer");

  PaymentRecord fresh = first_sighting(w, *amount, tx.now());
  if (insert_payment(tx, fresh)) {
    insert_adjustment(tx, w, *amount, owner_of(w.psu_id, w.connector_id));
    events::append(tx, event_type::kSavedPayment, event_payload(fresh));
    return PaymentWriteResult::Inserted;
  }

  // Known payment: its own psu decides the key of the adjustment's raw payload.
  db::Statement& s =
      tx.prepare(std::string("SELECT ") + kColumns + ", status_at FROM payments WHERE id = ?");
  s.bind(1, w.id);
  if (!s.step()) throw StoreError("payment " + w.id + " vanished during upsert");
  PaymentRecord p = read_row(tx, s);
  int64_t status_at = s.get_int64(17);
  if (!insert_adjustment(tx, w, *amount, owner_of(p.psu_id, p.connector_id))) return PaymentWriteResult::Unchanged;
  apply_adjustment(tx, p, status_at, w, *amount);
  events::append(tx, event_type::kSavedPayment, event_payload(p));
  return PaymentWriteResult::Updated;
}

std::optional<PaymentRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM payments WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  PaymentRecord p = read_row(tx, s);
  const std::string owner = owner_of(p.psu_id, p.connector_id);
  db::Statement& a = tx.prepare(
      "SELECT id, reference, created_at, status, amount, asset, metadata, raw, metadata_sealed FROM payment_adjustments "
      "WHERE payment_id = ? ORDER BY created_at DESC, sort_id DESC");
  a.bind(1, p.id);
  while (a.step()) {
    AdjustmentRecord adj;
    adj.id = sql::col_str(a, 0);
    adj.reference = sql::col_str(a, 1);
    adj.created_at = a.get_int64(2);
    adj.status = sql::col_str(a, 3);
    adj.amount = sql::col_opt_str(a, 4);
    adj.asset = sql::col_opt_str(a, 5);
    adj.metadata = sealed_metadata::read(tx, a, 6, 8, owner, {"payment_adjustments", "metadata", adj.id});
    adj.raw_json = sql::open_req(tx, a, 7, owner, {"payment_adjustments", "raw", adj.id});
    p.adjustments.push_back(std::move(adj));
  }
  return p;
}

Page<PaymentRecord> list(Tx& tx, const PageQuery& q) {
  return list_page<PaymentRecord>(tx, {kColumns, "payments", "", {}}, filter_specs::payments(), q,
                                  [&](db::Statement& s) { return read_row(tx, s); });
}

void update_metadata(WriteTx& tx, std::string_view id, const Metadata& metadata) {
  db::Statement& s =
      tx.prepare("SELECT metadata, metadata_sealed, psu_id, connector_id FROM payments WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) throw NotFound("payment " + std::string(id) + " not found");
  const std::string row(id);
  const std::string owner = owner_of(sql::col_opt_str(s, 2), sql::col_str(s, 3));
  Metadata merged = sealed_metadata::read(tx, s, 0, 1, owner, {kTable, "metadata", row});
  for (const auto& [k, v] : metadata) merged[k] = v;
  db::Statement& u =
      tx.prepare("UPDATE payments SET metadata = ?, metadata_sealed = ?, updated_at = ? WHERE id = ?");
  sealed_metadata::bind(tx, u, 1, 2, owner, {kTable, "metadata", row}, merged);
  u.bind(3, tx.now());
  sql::bind_str(u, 4, id);
  u.exec();
  sealed_metadata::reindex(tx, kTable, row, merged);
}

bool remove(WriteTx& tx, std::string_view id) {
  db::Statement& s = tx.prepare("DELETE FROM payments WHERE id = ? RETURNING connector_id");
  sql::bind_str(s, 1, id);
  if (!s.step()) return false;
  std::string connector_id = sql::col_str(s, 0);
  while (s.step()) {
  }
  events::append(tx, event_type::kDeletedPayment,
                 boost::json::object{{"id", std::string(id)}, {"connectorID", connector_id}});
  return true;
}

}  // namespace cx::store::payments
