#include "host/store/keys.hpp"

#include "host/store/database.hpp"

namespace cx::store {

void rotate_master_key(Database& db, crypto::MasterKey next) {
  auto current = db.keyring().master();
  db.write([&](WriteTx& tx) {
    struct Row {
      std::string owner;
      std::vector<uint8_t> wrapped;
    };
    std::vector<Row> rows;
    SQLite::Statement& s = tx.prepare("SELECT owner, kek_id, wrapped FROM data_keys");
    while (s.executeStep()) {
      std::string owner = s.getColumn(0).getString();
      if (s.getColumn(1).getString() != current->id())
        throw crypto::KeyError("data key of " + owner + " is not wrapped by the active master key; rotation aborted");
      auto col = s.getColumn(2);
      auto key = current->unwrap(static_cast<const uint8_t*>(col.getBlob()), static_cast<size_t>(col.getBytes()));
      rows.push_back({std::move(owner), next.wrap(key)});
    }
    SQLite::Statement& u = tx.prepare("UPDATE data_keys SET kek_id = ?, wrapped = ? WHERE owner = ?");
    for (const Row& r : rows) {
      u.reset();
      u.bind(1, next.id());
      u.bind(2, r.wrapped.data(), static_cast<int>(r.wrapped.size()));
      u.bind(3, r.owner);
      u.exec();
    }
    auto check = next.check_value();
    SQLite::Statement& k = tx.prepare("UPDATE keyring SET kek_id = ?, check_value = ?, updated_at = ? WHERE singleton = 1");
    k.bind(1, next.id());
    k.bind(2, check.data(), static_cast<int>(check.size()));
    k.bind(3, tx.now());
    k.exec();
  });
  // The data keys themselves did not change, so cached ones stay valid.
  db.keyring().replace_master(std::move(next));
}

namespace keys {

std::vector<std::string> owners(Tx& tx) {
  std::vector<std::string> out;
  SQLite::Statement& s = tx.prepare("SELECT owner FROM data_keys ORDER BY owner");
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

std::vector<uint8_t> wrapped(Tx& tx, const std::string& owner) {
  SQLite::Statement& s = tx.prepare("SELECT wrapped FROM data_keys WHERE owner = ?");
  s.bind(1, owner);
  if (!s.executeStep()) return {};
  auto col = s.getColumn(0);
  auto* p = static_cast<const uint8_t*>(col.getBlob());
  return std::vector<uint8_t>(p, p + col.getBytes());
}

}  // namespace keys
}  // namespace cx::store
