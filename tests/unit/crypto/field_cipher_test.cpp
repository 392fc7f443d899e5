#include "host/crypto/blind_index.hpp"
#include "host/crypto/field_cipher.hpp"
#include "host/crypto/keyring.hpp"

#include <botan/aead.h>

#include <catch2/catch.hpp>

#include <thread>

using namespace cx::crypto;

namespace {
const FieldRef kWhere{"psus", "email", "row-1"};
}

TEST_CASE("a sealed value opens back to the same bytes, with a fresh nonce each time") {
  auto key = DataKey::generate();
  std::string plain = std::string("jane@example.com\0binary", 23);
  auto a = seal_field(*key, kWhere, plain);
  auto b = seal_field(*key, kWhere, plain);
  CHECK(a.size() == plain.size() + DataKey::kOverhead);
  CHECK(a != b);
  CHECK(open_field(*key, kWhere, a.data(), a.size()) == plain);
  CHECK(open_field(*key, kWhere, b.data(), b.size()) == plain);
  auto empty = seal_field(*key, kWhere, "");
  CHECK(open_field(*key, kWhere, empty.data(), empty.size()).empty());
}

TEST_CASE("the format is plain AES-256-GCM: Botan alone decrypts it with the same associated data") {
  auto key = DataKey::generate();
  auto sealed = seal_field(*key, kWhere, "hello");
  REQUIRE(sealed[0] == 0x01);
  auto dec = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);
  dec->set_key(key->bytes());
  std::string aad = field_aad(kWhere);
  dec->set_associated_data(reinterpret_cast<const uint8_t*>(aad.data()), aad.size());
  dec->start(sealed.data() + 1, 12);
  Botan::secure_vector<uint8_t> buf(sealed.begin() + 13, sealed.end());
  dec->finish(buf);
  CHECK(std::string(buf.begin(), buf.end()) == "hello");
}

TEST_CASE("a value moved to another row, column or table fails and the error names where it was read") {
  auto key = DataKey::generate();
  auto sealed = seal_field(*key, kWhere, "jane@example.com");
  for (const FieldRef& other : {FieldRef{"psus", "email", "row-2"}, FieldRef{"psus", "name", "row-1"},
                                FieldRef{"bank_accounts", "email", "row-1"}}) {
    try {
      open_field(*key, other, sealed.data(), sealed.size());
      FAIL("opened under the wrong associated data");
    } catch (const DecryptError& e) {
      CHECK(e.table() == other.table);
      CHECK(e.column() == other.column);
      CHECK(e.row() == other.row);
      CHECK_THAT(e.what(), Catch::Contains(std::string(other.table) + "." + std::string(other.column)) &&
                               Catch::Contains(std::string(other.row)));
      CHECK_THAT(e.what(), !Catch::Contains("jane"));
    }
  }
}

TEST_CASE("altered, truncated or foreign-key ciphertexts are errors, never garbage") {
  auto key = DataKey::generate();
  auto sealed = seal_field(*key, kWhere, "secret");
  for (size_t i = 0; i < sealed.size(); ++i) {
    auto bad = sealed;
    bad[i] ^= 0x80;
    CHECK_THROWS_AS(open_field(*key, kWhere, bad.data(), bad.size()), DecryptError);
  }
  CHECK_THROWS_AS(open_field(*key, kWhere, sealed.data(), sealed.size() - 1), DecryptError);
  CHECK_THROWS_AS(open_field(*key, kWhere, sealed.data(), 5), DecryptError);
  auto other = DataKey::generate();
  CHECK_THROWS_AS(open_field(*other, kWhere, sealed.data(), sealed.size()), DecryptError);
  // The pooled cipher still works after failures.
  CHECK(open_field(*key, kWhere, sealed.data(), sealed.size()) == "secret");
}

TEST_CASE("associated data is length-prefixed, so boundaries cannot be shifted") {
  CHECK(field_aad({"ab", "c", "r"}) != field_aad({"a", "bc", "r"}));
  CHECK(field_aad({"t", "c", "r/x"}) != field_aad({"t", "c/r", "x"}));
}

TEST_CASE("one data key serves many threads at once") {
  auto key = DataKey::generate();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        std::string v = "v" + std::to_string(t) + "-" + std::to_string(i);
        auto s = seal_field(*key, kWhere, v);
        if (open_field(*key, kWhere, s.data(), s.size()) != v) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
}

TEST_CASE("blind index: deterministic per key and value, separated by domain and by key") {
  BlindIndex a(DataKey::generate());
  BlindIndex b(DataKey::generate());
  CHECK(a.compute("accounts.name", "Jane") == a.compute("accounts.name", "Jane"));
  CHECK(a.compute("accounts.name", "Jane").size() == BlindIndex::kSize);
  CHECK(a.compute("accounts.name", "Jane") != a.compute("accounts.name", "jane"));
  CHECK(a.compute("accounts.name", "Jane") != a.compute("forwarded_users.provider_user_id", "Jane"));
  CHECK(a.compute("accounts.name", "Jane") != b.compute("accounts.name", "Jane"));
}

TEST_CASE("keyring: a forgotten key cannot be cached again") {
  Keyring ring(MasterKey::generate());
  auto k = DataKey::generate();
  ring.remember("psu:1", k);
  CHECK(ring.cached("psu:1") == k);
  ring.forget("psu:1");
  CHECK(ring.cached("psu:1") == nullptr);
  ring.remember("psu:1", k);
  CHECK(ring.cached("psu:1") == nullptr);
  auto before = ring.master()->id();
  ring.replace_master(MasterKey::generate());
  CHECK(ring.master()->id() != before);
}
