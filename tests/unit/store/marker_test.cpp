// The promise to end users: personal data and secrets never reach the disk in clear, and a
// deleted PSU cannot be read back, even by someone holding the master key and every file.
#include "test_support.hpp"

#include "host/util/encoding.hpp"

#include <botan/block_cipher.h>
#include <botan/nist_keywrap.h>

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace cx::store;
using namespace cx::store::test;
using cx::crypto::KeyOwner;

namespace {

std::string unique(const std::string& what) {
  static std::mt19937_64 rng{std::random_device{}()};
  return "MRK-" + what + "-" + std::to_string(rng());
}

// The base64 text that any encoding of a buffer containing `marker` at any offset contains: for
// each of the three alignments, the full 4-character groups made of marker bytes only.
std::vector<std::string> base64_cores(const std::string& marker) {
  std::vector<std::string> cores;
  for (size_t shift = 0; shift < 3; ++shift) {
    std::string b64 = cx::util::base64_encode(std::string(shift, '\0') + marker);
    size_t head = shift ? 4 : 0;
    if (b64.size() < head + 8) continue;
    cores.push_back(b64.substr(head, b64.size() - head - 4));
  }
  return cores;
}

std::map<std::string, std::string> files_of(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[e.path().filename().string()] = read_file(e.path());
  return out;
}

// Where `needle` occurs as UTF-8 or base64 in any file, or "" when nowhere.
std::string found_in(const std::map<std::string, std::string>& files, const std::string& needle) {
  for (const auto& [name, bytes] : files) {
    if (bytes.find(needle) != std::string::npos) return name + " (utf-8)";
    for (const auto& core : base64_cores(needle))
      if (bytes.find(core) != std::string::npos) return name + " (base64)";
  }
  return "";
}

std::string bytes_of(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

// Every 40-byte window of every file that unwraps under the master key: all data keys an
// attacker with the master key and the files could recover.
std::set<std::string> recoverable_data_keys(const std::map<std::string, std::string>& files,
                                            const std::string& master_b64) {
  auto kek = cx::util::base64_decode(master_b64);
  auto aes = Botan::BlockCipher::create_or_throw("AES-256");
  aes->set_key(reinterpret_cast<const uint8_t*>(kek->data()), kek->size());
  std::set<std::string> keys;
  for (const auto& [name, bytes] : files) {
    for (size_t i = 0; i + 40 <= bytes.size(); ++i) {
      try {
        auto k = Botan::nist_key_unwrap(reinterpret_cast<const uint8_t*>(bytes.data()) + i, 40, *aes);
        keys.insert(std::string(k.begin(), k.end()));
      } catch (const std::exception&) {
      }
    }
  }
  return keys;
}

std::vector<uint8_t> raw_blob(Database& db, const std::string& sql, const std::string& id) {
  return db.read([&](ReadTx& tx) {
    auto& s = tx.prepare(sql);
    s.bind(1, id);
    REQUIRE(s.step());
    return s.get_blob(0);
  });
}

}  // namespace

TEST_CASE("the scanner finds a marker in clear and in base64 at any alignment") {
  std::string m = unique("probe");
  for (size_t pad = 0; pad < 4; ++pad) {
    std::map<std::string, std::string> files{{"f", "xx" + cx::util::base64_encode(std::string(pad, 'a') + m + "zz")}};
    CHECK(found_in(files, m) == "f (base64)");
  }
  CHECK(found_in({{"f", "....." + m + "...."}}, m) == "f (utf-8)");
  CHECK(found_in({{"f", "nothing here"}}, m).empty());
}

TEST_CASE("no marker reaches any file in clear or base64; a deleted PSU is gone even with the master key") {
  TempDir dir;
  cx::crypto::MasterKeySource src;
  src.data_dir = dir.path;  // the embedded default: master.key is generated beside the database
  auto master = cx::crypto::MasterKey::resolve(src);
  const std::string master_b64 = master.to_base64();
  DatabaseOptions opts;
  opts.path = dir.db();
  Database db(opts, std::move(master));

  std::map<std::string, std::vector<std::string>> markers;  // owner → its secret markers
  auto mark = [&](const std::string& owner, const std::string& what) {
    auto m = unique(what);
    markers[owner].push_back(m);
    return m;
  };
  const std::string clear_control = unique("clear-metadata");

  db.write([&](WriteTx& tx) {
    auto c = connector("conn-1");
    c.config["clientSecret"] = mark("conn", "client-secret");
    c.config["apiKey"] = mark("conn", "api-key");
    connectors::insert(tx, c);
    plugin_state::put(tx, "conn-1", "token", mark("conn", "plugin-state"));
    webhook_configs::put(tx, {{"conn-1", "main", "/hook", {{"secret", mark("conn", "webhook-secret")}}, 0}});
    received_webhooks::insert(tx, {"wh-1", "conn-1", "idem-1",
                                   R"({"body":")" + mark("conn", "webhook-body") + R"(","headers":{"x-sig":[")" +
                                       mark("conn", "webhook-header") + R"("]}})",
                                   0});
    auto ext = account("acc-ext", "conn-1");
    ext.name = mark("conn", "external-holder");
    ext.metadata = {{"iban", mark("conn", "external-metadata-iban")}, {"public.kind", "external"}};
    ext.raw_json = R"({"iban":")" + mark("conn", "external-iban") + R"("})";
    accounts::insert(tx, ext);
    BankAccountRecord ba{"ba-1", mark("ba-1", "ba-name"), mark("ba-1", "ba-number"), mark("ba-1", "ba-iban"),
                         mark("ba-1", "ba-bic"), "FR", {{"holder", mark("ba-1", "ba-metadata")}}, std::nullopt, 0};
    bank_accounts::insert(tx, ba);

    for (std::string id : {"psu-1", "psu-2"}) {
      PsuRecord p = psu(id, mark(id, "name"));
      p.contact_details = ContactDetails{mark(id, "email"), mark(id, "phone"), mark(id, "locale")};
      p.address = Address{mark(id, "street"), mark(id, "number"), mark(id, "city"),
                          mark(id, "region"), mark(id, "postcode"), mark(id, "country")};
      p.metadata = {{"public.clear", clear_control}, {"crm_id", mark(id, "crm-id")}};
      psus::insert(tx, p);
      forwarded_users::insert(tx, {id, "conn-1", mark(id, "provider-user-id"),
                                   {{"user_token", mark(id, "user-token")}}, std::nullopt, 0});
      provider_tokens::put(tx, id, "conn-1", {mark(id, "auth-token"), std::nullopt});
      LinkAttemptRecord a;
      a.id = "att-" + id;
      a.psu_id = id;
      a.connector_id = "conn-1";
      a.randomized = "r";
      a.client_redirect_url = "https://app.example/done";
      a.temporary_token = TokenValue{mark(id, "temporary-token"), std::nullopt};
      link_attempts::upsert(tx, a);
      ConnectionRecord conn;
      conn.psu_id = id;
      conn.connector_id = "conn-1";
      conn.connection_id = "cn-" + id;
      conn.access_token = TokenValue{mark(id, "access-token"), std::nullopt};
      connections::upsert(tx, conn);
      auto acc = account("acc-" + id, "conn-1");
      acc.psu_id = id;
      acc.connection_id = "cn-" + id;
      acc.name = mark(id, "account-holder");
      acc.raw_json = R"({"iban":")" + mark(id, "account-iban") + R"("})";
      acc.metadata = {{"account_number", mark(id, "account-metadata-number")}};
      accounts::insert(tx, acc);
      auto pay = payment("pay-" + id, "conn-1", "1234");
      pay.psu_id = id;
      pay.metadata = {{"description", mark(id, "payment-metadata-wording")}};
      pay.raw_json = R"({"wording":")" + mark(id, "payment-wording") + R"("})";
      payments::upsert(tx, pay);
    }
  });
  db.checkpoint();

  auto files = files_of(dir.path);
  REQUIRE(files.count("connectivity.db"));
  REQUIRE(files.count("master.key"));
  CHECK(files["connectivity.db-wal"].empty());
  // Positive control: a clear value is found, so the data really is in the scanned files.
  CHECK(found_in(files, clear_control) == "connectivity.db (utf-8)");
  size_t checked = 0;
  for (const auto& [owner, list] : markers)
    for (const auto& m : list) {
      INFO(owner << " marker " << m);
      CHECK(found_in(files, m).empty());
      ++checked;
    }
  CHECK(checked == 56);

  // Everything still reads back through the repositories.
  db.read([&](ReadTx& tx) {
    CHECK(psus::get(tx, "psu-1")->name == markers["psu-1"][0]);
    CHECK(provider_tokens::get(tx, "psu-1", "conn-1")->token == markers["psu-1"][13]);
    auto p1 = psus::get(tx, "psu-1");
    CHECK(p1->contact_details->locale == markers["psu-1"][3]);
    CHECK(p1->metadata == Metadata{{"crm_id", markers["psu-1"][10]}, {"public.clear", clear_control}});
    CHECK(accounts::get(tx, "acc-ext")->metadata.at("iban") == markers["conn"][7]);
    CHECK(payments::get(tx, "pay-psu-1")->metadata.at("description") == markers["psu-1"][19]);
    CHECK(bank_accounts::get(tx, "ba-1")->metadata.at("holder") == markers["ba-1"][4]);
    CHECK(plugin_state::get(tx, "conn-1", "token") == markers["conn"][2]);
  });

  // Capture what an attacker would need, then delete psu-1.
  auto wrapped1 = db.read([](ReadTx& tx) { return keys::wrapped(tx, KeyOwner::psu("psu-1")); });
  auto wrapped2 = db.read([](ReadTx& tx) { return keys::wrapped(tx, KeyOwner::psu("psu-2")); });
  REQUIRE(wrapped1.size() == 40);
  auto dek1 = db.read([](ReadTx& tx) { return tx.data_key(KeyOwner::psu("psu-1")); });
  auto dek2 = db.read([](ReadTx& tx) { return tx.data_key(KeyOwner::psu("psu-2")); });
  std::vector<std::vector<uint8_t>> ciphertexts1 = {
      raw_blob(db, "SELECT name FROM psus WHERE id = ?", "psu-1"),
      raw_blob(db, "SELECT raw FROM accounts WHERE id = ?", "acc-psu-1"),
      raw_blob(db, "SELECT token FROM provider_tokens WHERE psu_id = ?", "psu-1"),
      raw_blob(db, "SELECT raw FROM payment_adjustments WHERE payment_id = ?", "pay-psu-1"),
  };
  CHECK(found_in(files, bytes_of(wrapped1)) == "connectivity.db (utf-8)");  // control: findable before

  CHECK(db.write([](WriteTx& tx) { return psus::remove(tx, "psu-1"); }));
  db.checkpoint();
  files = files_of(dir.path);

  for (auto& ct : ciphertexts1) CHECK(found_in(files, bytes_of(ct)).empty());
  CHECK(found_in(files, bytes_of(wrapped1)).empty());
  CHECK_FALSE(found_in(files, bytes_of(wrapped2)).empty());
  auto recoverable = recoverable_data_keys(files, master_b64);
  const std::string raw1(dek1->bytes().begin(), dek1->bytes().end());
  const std::string raw2(dek2->bytes().begin(), dek2->bytes().end());
  CHECK(recoverable.count(raw1) == 0);
  CHECK(recoverable.count(raw2) == 1);  // control: the brute force does find live keys
  for (const auto& m : markers["psu-1"]) CHECK(found_in(files, m).empty());

  db.read([&](ReadTx& tx) {
    CHECK_FALSE(psus::get(tx, "psu-1"));
    CHECK_FALSE(forwarded_users::get(tx, "psu-1", "conn-1"));
    CHECK_FALSE(provider_tokens::get(tx, "psu-1", "conn-1"));
    CHECK_FALSE(link_attempts::get(tx, "att-psu-1"));
    CHECK_FALSE(connections::get(tx, "psu-1", "conn-1", "cn-psu-1"));
    CHECK_FALSE(accounts::get(tx, "acc-psu-1"));
    CHECK_FALSE(payments::get(tx, "pay-psu-1"));
    CHECK(tx.data_key(KeyOwner::psu("psu-1")) == nullptr);
    CHECK(psus::get(tx, "psu-2")->contact_details->email == markers["psu-2"][1]);
    CHECK(payments::get(tx, "pay-psu-2")->adjustments.at(0).raw_json.find(markers["psu-2"].back()) !=
          std::string::npos);
  });
}
