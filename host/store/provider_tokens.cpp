#include "host/store/provider_tokens.hpp"

#include "host/crypto/keyring.hpp"
#include "host/store/sql.hpp"

namespace cx::store::provider_tokens {
namespace {
std::string row_id(std::string_view psu_id, std::string_view connector_id) {
  return std::string(psu_id) + "/" + std::string(connector_id);
}
}  // namespace

void put(WriteTx& tx, std::string_view psu_id, std::string_view connector_id, const TokenValue& token) {
  const std::string row = row_id(psu_id, connector_id);
  db::Statement& s = tx.prepare(
      "INSERT INTO provider_tokens (psu_id, connector_id, token, expires_at, updated_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (psu_id, connector_id) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at, "
      "updated_at = excluded.updated_at");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  sql::bind_sealed(tx, s, 3, crypto::KeyOwner::psu(psu_id), {"provider_tokens", "token", row}, token.token);
  sql::bind_opt(s, 4, token.expires_at);
  s.bind(5, tx.now());
  s.exec();
}

std::optional<TokenValue> get(Tx& tx, std::string_view psu_id, std::string_view connector_id) {
  db::Statement& s =
      tx.prepare("SELECT token, expires_at FROM provider_tokens WHERE psu_id = ? AND connector_id = ?");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  if (!s.step()) return std::nullopt;
  const std::string row = row_id(psu_id, connector_id);
  return TokenValue{sql::open_req(tx, s, 0, crypto::KeyOwner::psu(psu_id), {"provider_tokens", "token", row}),
                    sql::col_opt_int(s, 1)};
}

bool remove(WriteTx& tx, std::string_view psu_id, std::string_view connector_id) {
  db::Statement& s = tx.prepare("DELETE FROM provider_tokens WHERE psu_id = ? AND connector_id = ?");
  sql::bind_str(s, 1, psu_id);
  sql::bind_str(s, 2, connector_id);
  return s.exec() > 0;
}

}  // namespace cx::store::provider_tokens
