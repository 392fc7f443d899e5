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
    db::Statement& s = tx.prepare("SELECT owner, kek_id, wrapped FROM data_keys");
    while (s.step()) {
      std::string owner = s.get_text(0);
      if (s.get_text(1) != current->id())
        throw crypto::KeyError("data key of " + owner + " is not wrapped by the active master key; rotation aborted");
      auto wrapped = s.get_blob(2);
      auto key = current->unwrap(wrapped.data(), wrapped.size());
      rows.push_back({std::move(owner), next.wrap(key)});
    }
    db::Statement& u = tx.prepare("UPDATE data_keys SET kek_id = ?, wrapped = ? WHERE owner = ?");
    for (const Row& r : rows) {
      u.reset();
      u.bind(1, next.id());
      u.bind_blob(2, r.wrapped);
      u.bind(3, r.owner);
      u.exec();
    }
    auto check = next.check_value();
    db::Statement& k = tx.prepare("UPDATE keyring SET kek_id = ?, check_value = ?, updated_at = ? WHERE singleton = 1");
    k.bind(1, next.id());
    k.bind_blob(2, check);
    k.bind(3, tx.now());
    k.exec();
  });
  // The data keys themselves did not change, so cached ones stay valid.
  db.keyring().replace_master(std::move(next));
}

namespace keys {

std::vector<std::string> owners(Tx& tx) {
  std::vector<std::string> out;
  db::Statement& s = tx.prepare("SELECT owner FROM data_keys ORDER BY owner");
  while (s.step()) out.push_back(s.get_text(0));
  return out;
}

std::vector<uint8_t> wrapped(Tx& tx, const std::string& owner) {
  db::Statement& s = tx.prepare("SELECT wrapped FROM data_keys WHERE owner = ?");
  s.bind(1, owner);
  if (!s.step()) return {};
  return s.get_blob(0);
}

}  // namespace keys
}  // namespace cx::store
