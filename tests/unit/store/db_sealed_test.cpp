// Envelope encryption is the same on both backends: the sealed bytes stored in PostgreSQL come
// back identical and open with the same data key; a pg_dump of the database carries no plaintext.
#include "backends.hpp"
#include "host/crypto/data_key.hpp"
#include "host/crypto/field_cipher.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>

using namespace cx;
using namespace cx::store;

namespace {

std::string hex(std::string_view s) {
  static constexpr char d[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

std::vector<uint8_t> store_and_read(db::Connection& c, const std::vector<uint8_t>& sealed, std::string_view control) {
  db::Dialect d{c.backend()};
  c.exec_script(std::string("CREATE TABLE psus (id TEXT PRIMARY KEY, name ") + d.blob() + ", control " + d.blob() + ")");
  auto ins = c.prepare("INSERT INTO psus (id, name, control) VALUES (?, ?, ?)");
  ins->bind(1, "p1");
  ins->bind_blob(2, sealed);
  ins->bind_blob(3, std::vector<uint8_t>(control.begin(), control.end()));
  ins->exec();
  auto sel = c.prepare("SELECT name FROM psus WHERE id = ?");
  sel->bind(1, "p1");
  REQUIRE(sel->step());
  return sel->get_blob(0);
}

}  // namespace

TEST_CASE("sealed values: identical on SQLite and PostgreSQL, no plaintext in pg_dump", "[db][pg]") {
  const std::string marker = "MARKER-Ada-Lovelace-7731";
  const std::string control = "CONTROL-plain-4410";  // stored unsealed: proves the dump shows bytea content
  auto key = crypto::DataKey::generate();
  crypto::FieldRef where{"psus", "name", "p1"};
  auto sealed = crypto::seal_field(*key, where, marker);

  test::BackendDatabase sq(db::Backend::sqlite, "unused");
  test::BackendDatabase pg(db::Backend::postgres, "cx_sealed");
  auto from_sqlite = store_and_read(*sq.connect(), sealed, control);
  auto from_pg = store_and_read(*pg.connect(), sealed, control);
  CHECK(from_sqlite == sealed);
  CHECK(from_pg == sealed);
  CHECK(crypto::open_field(*key, where, from_pg.data(), from_pg.size()) == marker);

  std::string cmd = "/usr/lib/postgresql/15/bin/pg_dump --no-owner '" + pg.pg->url + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p);
  std::string dump;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) dump.append(buf.data(), n);
  REQUIRE(pclose(p.release()) == 0);
  CHECK(dump.find(hex(control)) != std::string::npos);
  CHECK(dump.find(marker) == std::string::npos);
  CHECK(dump.find(hex(marker)) == std::string::npos);
  CHECK(dump.find("Lovelace") == std::string::npos);
}
