#include "host/crypto/master_key.hpp"
#include "host/util/encoding.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

using cx::crypto::KeyError;
using cx::crypto::MasterKey;
using cx::crypto::MasterKeySource;

namespace {
struct Dir {
  std::filesystem::path path;
  Dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("cx-key-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::string b64_of(uint8_t fill, size_t n = 32) { return cx::util::base64_encode(std::string(n, char(fill))); }

void write(const std::filesystem::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
  std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}
}  // namespace

TEST_CASE("a master key is 32 bytes of base64; anything else is refused with the source named") {
  CHECK_NOTHROW(MasterKey::from_base64(b64_of(7)));
  CHECK_NOTHROW(MasterKey::from_base64("  " + b64_of(7) + "\n"));
  CHECK_THROWS_WITH(MasterKey::from_base64(b64_of(7, 16)), Catch::Contains("CONNECTIVITY_MASTER_KEY") &&
                                                                 Catch::Contains("16 bytes"));
  CHECK_THROWS_AS(MasterKey::from_base64("not base64 !!"), KeyError);
  CHECK_THROWS_AS(MasterKey::from_base64(""), KeyError);
}

TEST_CASE("key id and check value depend on the key and nothing else") {
  auto a = MasterKey::from_base64(b64_of(1));
  auto a2 = MasterKey::from_base64(b64_of(1));
  auto b = MasterKey::from_base64(b64_of(2));
  CHECK(a.id() == a2.id());
  CHECK(a.id().size() == 16);
  CHECK(a.id() != b.id());
  CHECK(a.check_value() == a2.check_value());
  CHECK(a.check_value() != b.check_value());
  CHECK(a.to_base64() == b64_of(1));
}

TEST_CASE("key files hold base64 text or 32 raw bytes") {
  Dir d;
  write(d.path / "text.key", b64_of(3) + "\n");
  write(d.path / "raw.key", std::string(32, char(3)));
  write(d.path / "short.key", b64_of(3, 31));
  CHECK(MasterKey::from_file(d.path / "text.key").id() == MasterKey::from_base64(b64_of(3)).id());
  CHECK(MasterKey::from_file(d.path / "raw.key").id() == MasterKey::from_base64(b64_of(3)).id());
  CHECK_THROWS_WITH(MasterKey::from_file(d.path / "short.key"), Catch::Contains("short.key"));
  CHECK_THROWS_WITH(MasterKey::from_file(d.path / "missing.key"), Catch::Contains("missing.key"));
}

TEST_CASE("the embedded default key is generated once with mode 0600 and reused") {
  Dir d;
  MasterKeySource src;
  src.data_dir = d.path / "data";
  auto first = MasterKey::resolve(src);
  auto file = src.data_dir / "master.key";
  REQUIRE(std::filesystem::exists(file));
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = MasterKey::resolve(src);
  CHECK(first.id() == second.id());
  // Never overwrites an existing file.
  CHECK_THROWS_AS(MasterKey::generate_file(file), KeyError);
  CHECK(MasterKey::from_file(file).id() == first.id());
}

TEST_CASE("resolution order: key file, then base64 variable, then the default file") {
  Dir d;
  write(d.path / "flag.key", b64_of(9));
  MasterKeySource src;
  src.data_dir = d.path;
  src.file = d.path / "flag.key";
  src.base64 = b64_of(8);
  CHECK(MasterKey::resolve(src).id() == MasterKey::from_base64(b64_of(9)).id());
  src.file.reset();
  CHECK(MasterKey::resolve(src).id() == MasterKey::from_base64(b64_of(8)).id());
  CHECK_FALSE(std::filesystem::exists(d.path / "master.key"));

  ::setenv("CONNECTIVITY_MASTER_KEY", b64_of(5).c_str(), 1);
  auto env = MasterKeySource::from_environment(d.path);
  ::unsetenv("CONNECTIVITY_MASTER_KEY");
  REQUIRE(env.base64);
  CHECK(MasterKey::resolve(env).id() == MasterKey::from_base64(b64_of(5)).id());
}

TEST_CASE("wrapped data keys open only under the key that wrapped them") {
  auto kek = MasterKey::generate();
  auto other = MasterKey::generate();
  Botan::secure_vector<uint8_t> dek(32, 0x42);
  auto wrapped = kek.wrap(dek);
  CHECK(wrapped.size() == 40);
  CHECK(kek.unwrap(wrapped.data(), wrapped.size()) == dek);
  CHECK_THROWS_AS(other.unwrap(wrapped.data(), wrapped.size()), KeyError);
  wrapped[5] ^= 1;
  CHECK_THROWS_AS(kek.unwrap(wrapped.data(), wrapped.size()), KeyError);
}
