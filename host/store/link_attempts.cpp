#include "host/store/link_attempts.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/errors.hpp"
#include "host/store/events.hpp"
#include "host/store/paging.hpp"
#include "host/store/sql.hpp"

namespace cx::store::link_attempts {
namespace {

constexpr const char* kTable = "link_attempts";
constexpr const char* kColumns =
    "id, psu_id, connector_id, status, state, client_redirect_url, temporary_token, temporary_token_expires_at, "
    "error, created_at, updated_at";

bool valid_status(std::string_view s) {
  return s == link_status::kPending || s == link_status::kCompleted || s == link_status::kExited;
}

void bind_token(WriteTx& tx, db::Statement& s, int i, const std::string& psu_id, const std::string& id,
                const std::optional<TokenValue>& token) {
  sql::bind_sealed(tx, s, i, crypto::KeyOwner::psu(psu_id), {kTable, "temporary_token", id},
                   token ? std::optional<std::string>(token->token) : std::nullopt);
  sql::bind_opt(s, i + 1, token ? token->expires_at : std::nullopt);
}

LinkAttemptRecord read_row(Tx& tx, db::Statement& s) {
  LinkAttemptRecord a;
  a.id = sql::col_str(s, 0);
  a.psu_id = sql::col_str(s, 1);
  a.connector_id = sql::col_str(s, 2);
  a.status = sql::col_str(s, 3);
  auto state = sql::json_from(sql::col_str(s, 4), "link_attempts.state");
  if (auto* r = state.is_object() ? state.get_object().if_contains("randomized") : nullptr; r && r->is_string())
    a.randomized = std::string(r->get_string());
  a.client_redirect_url = sql::col_str(s, 5);
  if (auto token = sql::open_opt(tx, s, 6, crypto::KeyOwner::psu(a.psu_id), {kTable, "temporary_token", a.id}))
    a.temporary_token = TokenValue{std::move(*token), sql::col_opt_int(s, 7)};
  a.error = sql::col_opt_str(s, 8);
  a.created_at = s.get_int64(9);
  a.updated_at = s.get_int64(10);
  return a;
}

}  // namespace

void upsert(WriteTx& tx, const LinkAttemptRecord& a) {
  if (!valid_status(a.status)) throw InvalidValue("link attempt status '" + a.status + "' is not pending|completed|exited");
  db::Statement& owner = tx.prepare("SELECT psu_id FROM link_attempts WHERE id = ?");
  owner.bind(1, a.id);
  if (owner.step() && sql::col_str(owner, 0) != a.psu_id)
    throw Conflict("link attempt " + a.id + " belongs to another payment service user");
  int64_t now = tx.now();
  db::Statement& s = tx.prepare(std::string("INSERT INTO link_attempts (") + kColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                                    "status = excluded.status, state = excluded.state, "
                                    "client_redirect_url = excluded.client_redirect_url, "
                                    "temporary_token = excluded.temporary_token, "
                                    "temporary_token_expires_at = excluded.temporary_token_expires_at, "
                                    "error = excluded.error, updated_at = excluded.updated_at");
  s.bind(1, a.id);
  s.bind(2, a.psu_id);
  s.bind(3, a.connector_id);
  s.bind(4, a.status);
  s.bind(5, boost::json::serialize(boost::json::object{{"attemptID", a.id}, {"randomized", a.randomized}}));
  s.bind(6, a.client_redirect_url);
  bind_token(tx, s, 7, a.psu_id, a.id, a.temporary_token);
  sql::bind_opt(s, 9, a.error);
  s.bind(10, a.created_at ? a.created_at : now);
  s.bind(11, a.updated_at ? a.updated_at : now);
  s.exec();
}

std::optional<LinkAttemptRecord> get(Tx& tx, std::string_view id) {
  db::Statement& s = tx.prepare(std::string("SELECT ") + kColumns + " FROM link_attempts WHERE id = ?");
  sql::bind_str(s, 1, id);
  if (!s.step()) return std::nullopt;
  return read_row(tx, s);
}

void set_temporary_token(WriteTx& tx, std::string_view id, const std::optional<TokenValue>& token) {
  db::Statement& find = tx.prepare("SELECT psu_id FROM link_attempts WHERE id = ?");
  sql::bind_str(find, 1, id);
  if (!find.step()) throw NotFound("link attempt " + std::string(id) + " not found");
  std::string psu_id = sql::col_str(find, 0);
  db::Statement& s = tx.prepare(
      "UPDATE link_attempts SET temporary_token = ?, temporary_token_expires_at = ?, updated_at = ? WHERE id = ?");
  std::string sid(id);
  bind_token(tx, s, 1, psu_id, sid, token);
  s.bind(3, tx.now());
  s.bind(4, sid);
  s.exec();
}

void set_status(WriteTx& tx, std::string_view id, std::string_view status, const std::optional<std::string>& error) {
  if (!valid_status(status))
    throw InvalidValue("link attempt status '" + std::string(status) + "' is not pending|completed|exited");
  db::Statement& s = tx.prepare(
      "UPDATE link_attempts SET status = ?, error = ?, updated_at = ? WHERE id = ? RETURNING psu_id, connector_id");
  sql::bind_str(s, 1, status);
  sql::bind_opt(s, 2, error);
  s.bind(3, tx.now());
  sql::bind_str(s, 4, id);
  if (!s.step()) throw NotFound("link attempt " + std::string(id) + " not found");
  boost::json::object payload{{"psuID", sql::col_str(s, 0)},
                              {"connectorID", sql::col_str(s, 1)},
                              {"attemptID", std::string(id)},
                              {"status", std::string(status)}};
  if (error) payload["error"] = *error;
  while (s.step()) {
  }
  events::append(tx, event_type::kLinkStatus, payload);
}

Page<LinkAttemptRecord> list(Tx& tx, std::string_view psu_id, std::string_view connector_id, const PageQuery& q) {
  return list_page<LinkAttemptRecord>(
      tx, {kColumns, kTable, "psu_id = ? AND connector_id = ?", {std::string(psu_id), std::string(connector_id)}},
      filter_specs::link_attempts(), q, [&](db::Statement& s) { return read_row(tx, s); });
}

}  // namespace cx::store::link_attempts
