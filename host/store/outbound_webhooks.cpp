#include "host/store/outbound_webhooks.hpp"

#include <limits>

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/sql.hpp"

#include <boost/json.hpp>

namespace cx::store {

namespace {
const std::string& owner() {
  static const std::string o = crypto::KeyOwner::system("webhooks");
  return o;
}

constexpr const char* kConfigColumns = "id, endpoint, secret, event_types, active, created_at, updated_at";

OutboundConfig read_config(Tx& tx, db::Statement& s) {
  OutboundConfig c;
  c.id = sql::col_str(s, 0);
  c.endpoint = sql::col_str(s, 1);
  c.secret = sql::open_req(tx, s, 2, owner(), {"outbound_configs", "secret", c.id});
  auto types = sql::json_from(sql::col_str(s, 3), "outbound_configs.event_types");
  if (types.is_array())
    for (auto& t : types.get_array())
      if (t.is_string()) c.event_types.emplace_back(t.get_string());
  c.active = s.get_int64(4) != 0;
  c.created_at = s.get_int64(5);
  c.updated_at = s.get_int64(6);
  return c;
}

std::string types_json(const std::vector<std::string>& types) {
  boost::json::array a;
  for (auto& t : types) a.emplace_back(t);
  return boost::json::serialize(a);
}

constexpr const char* kDeliveryColumns =
    "id, event_seq, idempotency_key, config_id, event_type, status, attempt_count, replay_generation, "
    "cycle_started_at, next_attempt_at, claimed_at, last_attempt_at, last_status_code, last_error, created_at, "
    "updated_at, sort_id";

OutboundDelivery read_delivery(db::Statement& s, bool with_payload) {
  OutboundDelivery d;
  d.id = sql::col_str(s, 0);
  d.event_seq = s.get_int64(1);
  d.idempotency_key = sql::col_str(s, 2);
  d.config_id = sql::col_str(s, 3);
  d.event_type = sql::col_str(s, 4);
  d.status = sql::col_str(s, 5);
  d.attempt_count = static_cast<int>(s.get_int64(6));
  d.replay_generation = static_cast<int>(s.get_int64(7));
  d.cycle_started_at = sql::col_opt_int(s, 8);
  d.next_attempt_at = sql::col_opt_int(s, 9);
  d.claimed_at = sql::col_opt_int(s, 10);
  d.last_attempt_at = sql::col_opt_int(s, 11);
  d.last_status_code = sql::col_opt_int(s, 12);
  d.last_error = sql::col_opt_str(s, 13);
  d.created_at = s.get_int64(14);
  d.updated_at = s.get_int64(15);
  d.sort_id = s.get_int64(16);
  if (with_payload) d.payload = sql::col_str(s, 17);
  return d;
}
}  // namespace

namespace outbound_configs {

void insert(WriteTx& tx, const OutboundConfig& c) {
  db::Statement& s = tx.prepare(
      "INSERT INTO outbound_configs (id, endpoint, secret, event_types, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, c.id);
  s.bind(2, c.endpoint);
  sql::bind_sealed(tx, s, 3, owner(), {"outbound_configs", "secret", c.id}, c.secret);
  s.bind(4, types_json(c.event_types));
  s.bind(5, c.active ? 1 : 0);
  s.bind(6, c.created_at);
  s.bind(7, c.updated_at);
  s.exec();
}

std::optional<OutboundConfig> get(Tx& tx, const std::string& id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kConfigColumns +
                                    " FROM outbound_configs WHERE id = ? AND deleted_at IS NULL");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_config(tx, s);
}

std::vector<OutboundConfig> list(Tx& tx) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kConfigColumns +
                                    " FROM outbound_configs WHERE deleted_at IS NULL ORDER BY updated_at DESC, sort_id DESC");
  std::vector<OutboundConfig> out;
  while (s.step()) out.push_back(read_config(tx, s));
  return out;
}

void update(WriteTx& tx, const OutboundConfig& c) {
  db::Statement& s = tx.prepare(
      "UPDATE outbound_configs SET endpoint = ?, secret = ?, event_types = ?, active = ?, updated_at = ? "
      "WHERE id = ? AND deleted_at IS NULL");
  s.bind(1, c.endpoint);
  sql::bind_sealed(tx, s, 2, owner(), {"outbound_configs", "secret", c.id}, c.secret);
  s.bind(3, types_json(c.event_types));
  s.bind(4, c.active ? 1 : 0);
  s.bind(5, c.updated_at);
  s.bind(6, c.id);
  if (s.exec() == 0) throw NotFound("config not found");
}

void cancel_pending(WriteTx& tx, const std::string& config_id) {
  db::Statement& s = tx.prepare(
      "UPDATE outbound_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = ? "
      "WHERE config_id = ? AND status IN ('pending', 'delivering')");
  s.bind(1, tx.now());
  s.bind(2, config_id);
  s.exec();
}

bool remove(WriteTx& tx, const std::string& id) {
  db::Statement& s = tx.prepare(
      "UPDATE outbound_configs SET deleted_at = ?, active = 0, updated_at = ? WHERE id = ? AND deleted_at IS NULL");
  s.bind(1, tx.now());
  s.bind(2, tx.now());
  s.bind(3, id);
  if (s.exec() == 0) return false;
  cancel_pending(tx, id);
  return true;
}

}  // namespace outbound_configs

namespace outbound_deliveries {

int64_t cursor(Tx& tx) {
  db::Statement& s = tx.prepare("SELECT seq FROM outbound_cursor WHERE id = 1");
  return s.step() ? s.get_int64(0) : 0;
}

bool advance_cursor(WriteTx& tx, int64_t from, int64_t to) {
  db::Statement& u = tx.prepare("UPDATE outbound_cursor SET seq = ? WHERE id = 1 AND seq = ?");
  u.bind(1, to);
  u.bind(2, from);
  if (u.exec() > 0) return true;
  if (from != 0) return false;
  db::Statement& i = tx.prepare("INSERT INTO outbound_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO NOTHING");
  i.bind(1, to);
  return i.exec() > 0;
}

bool enqueue(WriteTx& tx, const OutboundDelivery& d) {
  db::Statement& s = tx.prepare(
      "INSERT INTO outbound_deliveries (id, event_seq, idempotency_key, config_id, event_type, payload, status, "
      "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) "
      "ON CONFLICT (event_seq, config_id) DO NOTHING");
  s.bind(1, d.id);
  s.bind(2, d.event_seq);
  s.bind(3, d.idempotency_key);
  s.bind(4, d.config_id);
  s.bind(5, d.event_type);
  s.bind(6, d.payload);
  s.bind(7, d.next_attempt_at.value_or(d.created_at));
  s.bind(8, d.created_at);
  s.bind(9, d.created_at);
  return s.exec() > 0;
}

std::vector<OutboundDelivery> due(Tx& tx, int64_t now, int limit) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kDeliveryColumns +
                                    ", payload FROM outbound_deliveries WHERE status = 'pending' AND next_attempt_at <= ? "
                                    "ORDER BY next_attempt_at, sort_id LIMIT ?");
  s.bind(1, now);
  s.bind(2, limit);
  std::vector<OutboundDelivery> out;
  while (s.step()) out.push_back(read_delivery(s, true));
  return out;
}

bool claim(WriteTx& tx, const std::string& id, int64_t now) {
  db::Statement& s = tx.prepare(
      "UPDATE outbound_deliveries SET status = 'delivering', claimed_at = ?, cycle_started_at = "
      "COALESCE(cycle_started_at, ?), updated_at = ? WHERE id = ? AND status = 'pending'");
  s.bind(1, now);
  s.bind(2, now);
  s.bind(3, now);
  s.bind(4, id);
  return s.exec() > 0;
}

void finish(WriteTx& tx, const OutboundAttempt& a, const std::string& status, std::optional<int64_t> next_attempt_at,
            std::optional<int64_t> status_code, const std::optional<std::string>& error) {
  db::Statement& ins = tx.prepare(
      "INSERT INTO outbound_attempts (id, delivery_id, attempt_number, replay_generation, endpoint, outcome, "
      "status_code, error, duration_ms, response_excerpt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, a.id);
  ins.bind(2, a.delivery_id);
  ins.bind(3, a.attempt_number);
  ins.bind(4, a.replay_generation);
  ins.bind(5, a.endpoint);
  ins.bind(6, a.outcome);
  ins.bind(7, a.status_code);
  sql::bind_opt(ins, 8, a.error);
  ins.bind(9, a.duration_ms);
  sql::bind_opt(ins, 10, a.response_excerpt);
  ins.bind(11, a.created_at);
  ins.exec();
  db::Statement& s = tx.prepare(
      "UPDATE outbound_deliveries SET status = CASE WHEN status = 'cancelled' THEN status ELSE ? END, "
      "attempt_count = ?, next_attempt_at = ?, claimed_at = NULL, last_attempt_at = ?, last_status_code = ?, "
      "last_error = ?, updated_at = ? WHERE id = ?");
  s.bind(1, status);
  s.bind(2, a.attempt_number);
  sql::bind_opt(s, 3, next_attempt_at);
  s.bind(4, a.created_at);
  sql::bind_opt(s, 5, status_code);
  sql::bind_opt(s, 6, error);
  s.bind(7, tx.now());
  s.bind(8, a.delivery_id);
  s.exec();
}

int release_claims(WriteTx& tx, std::optional<int64_t> claimed_before) {
  db::Statement& s = tx.prepare(
      "UPDATE outbound_deliveries SET status = 'pending', claimed_at = NULL, next_attempt_at = ? "
      "WHERE status = 'delivering' AND claimed_at < ?");
  s.bind(1, tx.now());
  s.bind(2, claimed_before.value_or(std::numeric_limits<int64_t>::max()));
  return s.exec();
}

bool release_claim(WriteTx& tx, const std::string& id) {
  db::Statement& s = tx.prepare(
      "UPDATE outbound_deliveries SET status = 'pending', claimed_at = NULL, next_attempt_at = ? "
      "WHERE status = 'delivering' AND id = ?");
  s.bind(1, tx.now());
  s.bind(2, id);
  return s.exec() > 0;
}

std::optional<OutboundDelivery> get(Tx& tx, const std::string& id) {
  db::Statement& s =
      tx.prepare(std::string("SELECT ") + kDeliveryColumns + ", payload FROM outbound_deliveries WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_delivery(s, true);
}

std::vector<OutboundDelivery> list(Tx& tx, const DeliveryFilter& f) {
  std::string q = std::string("SELECT ") + kDeliveryColumns + " FROM outbound_deliveries WHERE 1 = 1";
  if (f.config_id) q += " AND config_id = ?";
  if (f.status) q += " AND status = ?";
  if (f.created_from) q += " AND created_at >= ?";
  if (f.created_to) q += " AND created_at <= ?";
  if (f.before) q += " AND (created_at < ? OR (created_at = ? AND sort_id < ?))";
  q += " ORDER BY created_at DESC, sort_id DESC LIMIT ?";
  db::Statement& s = tx.prepare(q);
  int i = 1;
  if (f.config_id) s.bind(i++, *f.config_id);
  if (f.status) s.bind(i++, *f.status);
  if (f.created_from) s.bind(i++, *f.created_from);
  if (f.created_to) s.bind(i++, *f.created_to);
  if (f.before) {
    s.bind(i++, f.before->first);
    s.bind(i++, f.before->first);
    s.bind(i++, f.before->second);
  }
  s.bind(i, f.limit + 1);
  std::vector<OutboundDelivery> out;
  while (s.step()) out.push_back(read_delivery(s, false));
  return out;
}

OutboundDelivery replay(WriteTx& tx, const OutboundDelivery& d) {
  if (d.status == "failed") {
    db::Statement& s = tx.prepare(
        "UPDATE outbound_deliveries SET status = 'pending', replay_generation = replay_generation + 1, "
        "attempt_count = 0, cycle_started_at = NULL, next_attempt_at = ?, updated_at = ? WHERE id = ?");
    s.bind(1, tx.now());
    s.bind(2, tx.now());
    s.bind(3, d.id);
    s.exec();
  } else {
    db::Statement& s =
        tx.prepare("UPDATE outbound_deliveries SET next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'");
    s.bind(1, tx.now());
    s.bind(2, tx.now());
    s.bind(3, d.id);
    s.exec();
  }
  return *get(tx, d.id);
}

std::vector<OutboundAttempt> attempts(Tx& tx, const std::string& delivery_id, int64_t before_sort_id, int limit) {
  db::Statement& s = tx.prepare(
      "SELECT id, delivery_id, attempt_number, replay_generation, endpoint, outcome, status_code, error, duration_ms, "
      "response_excerpt, created_at, sort_id FROM outbound_attempts WHERE delivery_id = ? AND (? = 0 OR sort_id < ?) "
      "ORDER BY sort_id DESC LIMIT ?");
  s.bind(1, delivery_id);
  s.bind(2, before_sort_id);
  s.bind(3, before_sort_id);
  s.bind(4, limit + 1);
  std::vector<OutboundAttempt> out;
  while (s.step()) {
    OutboundAttempt a;
    a.id = sql::col_str(s, 0);
    a.delivery_id = sql::col_str(s, 1);
    a.attempt_number = static_cast<int>(s.get_int64(2));
    a.replay_generation = static_cast<int>(s.get_int64(3));
    a.endpoint = sql::col_str(s, 4);
    a.outcome = sql::col_str(s, 5);
    a.status_code = static_cast<int>(s.get_int64(6));
    a.error = sql::col_opt_str(s, 7);
    a.duration_ms = s.get_int64(8);
    a.response_excerpt = sql::col_opt_str(s, 9);
    a.created_at = s.get_int64(10);
    a.sort_id = s.get_int64(11);
    out.push_back(std::move(a));
  }
  return out;
}

int prune(WriteTx& tx, int64_t cutoff, int limit) {
  db::Statement& d = tx.prepare(
      "DELETE FROM outbound_deliveries WHERE sort_id IN (SELECT sort_id FROM outbound_deliveries "
      "WHERE status IN ('succeeded', 'failed', 'cancelled') AND updated_at < ? LIMIT ?)");
  d.bind(1, cutoff);
  d.bind(2, limit);
  int n = d.exec();
  // Events past the cursor were fanned out; their created_at grows with seq, so the oldest come first.
  db::Statement& e = tx.prepare(
      "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq <= ? AND created_at < ? ORDER BY seq LIMIT ?)");
  e.bind(1, cursor(tx));
  e.bind(2, cutoff);
  e.bind(3, limit);
  n += e.exec();
  db::Statement& k = tx.prepare("DELETE FROM outbound_replay_keys WHERE created_at < ?");
  k.bind(1, tx.now() - 24 * 3'600'000);
  k.exec();
  return n;
}

std::optional<std::pair<std::string, std::string>> replay_key(Tx& tx, const std::string& key, int64_t newer_than) {
  db::Statement& s =
      tx.prepare("SELECT request_hash, response FROM outbound_replay_keys WHERE key = ? AND created_at >= ?");
  s.bind(1, key);
  s.bind(2, newer_than);
  if (!s.step()) return std::nullopt;
  return std::make_pair(sql::col_str(s, 0), sql::col_str(s, 1));
}

void save_replay_key(WriteTx& tx, const std::string& key, const std::string& hash, const std::string& response) {
  db::Statement& s = tx.prepare(
      "INSERT INTO outbound_replay_keys (key, request_hash, response, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, response = excluded.response, "
      "created_at = excluded.created_at");
  s.bind(1, key);
  s.bind(2, hash);
  s.bind(3, response);
  s.bind(4, tx.now());
  s.exec();
}

}  // namespace outbound_deliveries

}  // namespace cx::store
