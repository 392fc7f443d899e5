#include "host/crypto/master_key.hpp"

#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <botan/block_cipher.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/nist_keywrap.h>
#include <botan/system_rng.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace cx::crypto {
namespace {

std::vector<uint8_t> hmac(const Botan::secure_vector<uint8_t>& key, std::string_view label) {
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(key);
  mac->update(reinterpret_cast<const uint8_t*>(label.data()), label.size());
  auto out = mac->final();
  return {out.begin(), out.end()};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The embedded default key sits beside the data; say so once per process, not on every open.
void warn_default_key_once(const std::filesystem::path& file, bool generated) {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  if (generated)
    util::log().warn("generated a new master key at {} (mode 0600); keep a copy elsewhere and prefer "
                     "--master-key-file or CONNECTIVITY_MASTER_KEY in production: a key beside the "
                     "database only protects against the database file leaking alone",
                     file.string());
  else
    util::log().warn("using the master key stored beside the data at {}; prefer --master-key-file or "
                     "CONNECTIVITY_MASTER_KEY in production",
                     file.string());
}

}  // namespace

MasterKeySource MasterKeySource::from_environment(std::filesystem::path data_dir,
                                                  std::optional<std::filesystem::path> file) {
  MasterKeySource s;
  s.file = std::move(file);
  if (const char* v = std::getenv("CONNECTIVITY_MASTER_KEY"); v && *v) s.base64 = std::string(v);
  s.data_dir = std::move(data_dir);
  return s;
}

MasterKey::MasterKey(Botan::secure_vector<uint8_t> key) : key_(std::move(key)) {
  auto tag = hmac(key_, "connectivity/kek-id");
  id_ = Botan::hex_encode(tag.data(), 8, false);
}

MasterKey MasterKey::from_bytes(const uint8_t* bytes, size_t size) {
  if (size != kSize)
    throw KeyError("master key must be " + std::to_string(kSize) + " bytes, got " + std::to_string(size));
  return MasterKey(Botan::secure_vector<uint8_t>(bytes, bytes + size));
}

MasterKey MasterKey::from_base64(std::string_view text, std::string_view what) {
  auto decoded = util::base64_decode(trim(text));
  if (!decoded)
    throw KeyError(std::string(what) + " is not valid base64 (expected base64 of 32 random bytes)");
  if (decoded->size() != kSize)
    throw KeyError(std::string(what) + " decodes to " + std::to_string(decoded->size()) +
                   " bytes; a master key is 32 bytes (e.g. `head -c 32 /dev/urandom | base64`)");
  MasterKey k = from_bytes(reinterpret_cast<const uint8_t*>(decoded->data()), decoded->size());
  std::fill(decoded->begin(), decoded->end(), '\0');
  return k;
}

MasterKey MasterKey::from_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw KeyError("cannot read master key file " + file.string() + ": " + std::strerror(errno));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077))
    util::log().warn("master key file {} is readable by group or others (mode {:o}); chmod 600 it",
                     file.string(), st.st_mode & 0777);
  // 32 bytes cannot be base64 of a 32-byte key (that is 43-44 characters): raw key material.
  if (content.size() == kSize)
    return from_bytes(reinterpret_cast<const uint8_t*>(content.data()), content.size());
  return from_base64(content, "master key file " + file.string());
}

MasterKey MasterKey::generate() {
  Botan::secure_vector<uint8_t> key(kSize);
  Botan::system_rng().randomize(key.data(), key.size());
  return MasterKey(std::move(key));
}

MasterKey MasterKey::generate_file(const std::filesystem::path& file) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  MasterKey key = generate();
  std::string text = key.to_base64() + "\n";
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw KeyError("cannot create master key file " + file.string() + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  std::fill(text.begin(), text.end(), '\0');
  if (!ok) {
    std::filesystem::remove(file);
    throw KeyError("cannot write master key file " + file.string() + ": " + std::strerror(err));
  }
  return key;
}

MasterKey MasterKey::resolve(const MasterKeySource& source) {
  if (source.file) return from_file(*source.file);
  if (source.base64) return from_base64(*source.base64);
  auto file = source.data_dir / "master.key";
  if (std::filesystem::exists(file)) {
    warn_default_key_once(file, false);
    return from_file(file);
  }
  MasterKey key = generate_file(file);
  warn_default_key_once(file, true);
  return key;
}

std::vector<uint8_t> MasterKey::check_value() const { return hmac(key_, "connectivity/kek-check"); }

std::string MasterKey::to_base64() const {
  return util::base64_encode(std::string_view(reinterpret_cast<const char*>(key_.data()), key_.size()));
}

std::vector<uint8_t> MasterKey::wrap(const Botan::secure_vector<uint8_t>& data_key) const {
  auto aes = Botan::BlockCipher::create_or_throw("AES-256");
  aes->set_key(key_);
  return Botan::nist_key_wrap(data_key.data(), data_key.size(), *aes);
}

Botan::secure_vector<uint8_t> MasterKey::unwrap(const uint8_t* wrapped, size_t size) const {
  auto aes = Botan::BlockCipher::create_or_throw("AES-256");
  aes->set_key(key_);
  try {
    return Botan::nist_key_unwrap(wrapped, size, *aes);
  } catch (const std::exception&) {
    throw KeyError("a data key does not unwrap under master key " + id_ + " (wrong master key or altered key row)");
  }
}

}  // namespace cx::crypto
