#include "host/crypto/data_key.hpp"

#include <botan/aead.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

#include <pthread.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace cx::crypto {
namespace {
constexpr uint8_t kVersion = 0x01;
constexpr size_t kKeptBuffer = 64 * 1024;  // a larger per-thread open buffer is given back
constexpr size_t kPoolMaxPerStripe = 2;  // idle cipher objects kept per direction and stripe

// A thread's stripe, fixed for its life: threads are numbered in the order they first seal or open.
size_t home_stripe(size_t stripes) {
  static std::atomic<size_t> next{0};
  thread_local const size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % stripes;
}

// Nonces: 12 random bytes per value. A getrandom() call costs more than sealing a short field, so
// each thread draws nonce material from the system RNG in 4 KiB batches. A nonce is public (it is
// stored beside the ciphertext) and only has to be unique; a forked child refills before use.
std::atomic<uint64_t> g_fork_generation{0};

void random_nonce(uint8_t out[DataKey::kNonceSize]) {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, [] { g_fork_generation.fetch_add(1); }); });
  struct Batch {
    uint8_t bytes[4096];
    size_t used = sizeof bytes;
    uint64_t generation = 0;
  };
  thread_local Batch batch;
  const uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
  if (batch.used + DataKey::kNonceSize > sizeof batch.bytes || batch.generation != generation) {
    Botan::system_rng().randomize(batch.bytes, sizeof batch.bytes);
    batch.used = 0;
    batch.generation = generation;
  }
  std::memcpy(out, batch.bytes + batch.used, DataKey::kNonceSize);
  std::memset(batch.bytes + batch.used, 0, DataKey::kNonceSize);  // never hand the same bytes out twice
  batch.used += DataKey::kNonceSize;
}
}  // namespace

DataKey::DataKey(Botan::secure_vector<uint8_t> key) : key_(std::move(key)) {
  if (key_.size() != kSize) throw std::invalid_argument("a data key is 32 bytes");
}
DataKey::~DataKey() = default;

std::shared_ptr<DataKey> DataKey::generate() {
  Botan::secure_vector<uint8_t> key(kSize);
  Botan::system_rng().randomize(key.data(), key.size());
  return std::shared_ptr<DataKey>(new DataKey(std::move(key)));
}

std::shared_ptr<DataKey> DataKey::from_bytes(Botan::secure_vector<uint8_t> bytes) {
  return std::shared_ptr<DataKey>(new DataKey(std::move(bytes)));
}

std::unique_ptr<Botan::AEAD_Mode> DataKey::take(bool encrypt) const {
  // The thread's own stripe first, then any other stripe not locked at this moment: a key used by
  // several threads in turn keeps one object per direction, not one per thread (ten thousand
  // PSU keys are held at once in a busy daemon, and a keyed GCM object is a few KiB).
  const size_t home = home_stripe(kStripes);
  for (size_t i = 0; i < kStripes; ++i) {
    Stripe& stripe = stripes_[(home + i) % kStripes];
    std::unique_lock lock(stripe.mutex, std::defer_lock);
    if (i == 0) lock.lock();
    else if (!lock.try_lock()) continue;
    auto& pool = encrypt ? stripe.encryptors : stripe.decryptors;
    if (!pool.empty()) {
      auto mode = std::move(pool.back());
      pool.pop_back();
      return mode;
    }
  }
  auto mode = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", encrypt ? Botan::ENCRYPTION : Botan::DECRYPTION);
  mode->set_key(key_);
  return mode;
}

void DataKey::give_back(bool encrypt, std::unique_ptr<Botan::AEAD_Mode> mode) const {
  Stripe& stripe = stripes_[home_stripe(kStripes)];
  std::lock_guard lock(stripe.mutex);
  auto& pool = encrypt ? stripe.encryptors : stripe.decryptors;
  if (pool.size() < kPoolMaxPerStripe) pool.push_back(std::move(mode));
}

std::vector<uint8_t> DataKey::seal(std::string_view aad, std::string_view plaintext) const {
  Botan::secure_vector<uint8_t> buf(kNonceSize + plaintext.size());
  random_nonce(buf.data());
  std::memcpy(buf.data() + kNonceSize, plaintext.data(), plaintext.size());

  auto mode = take(true);
  mode->set_associated_data(reinterpret_cast<const uint8_t*>(aad.data()), aad.size());
  mode->start(buf.data(), kNonceSize);
  mode->finish(buf, kNonceSize);  // encrypts in place after the nonce and appends the tag
  give_back(true, std::move(mode));

  std::vector<uint8_t> out;
  out.reserve(1 + buf.size());
  out.push_back(kVersion);
  out.insert(out.end(), buf.begin(), buf.end());
  return out;
}

std::optional<std::string> DataKey::open(std::string_view aad, const uint8_t* sealed, size_t size) const {
  if (size < kOverhead || sealed[0] != kVersion) return std::nullopt;
  // A per-thread buffer keeps its capacity, so opening a field allocates only the result (a fresh
  // secure_vector per call went through Botan's locked pool, one mutex for the whole process).
  thread_local Botan::secure_vector<uint8_t> buf;
  buf.assign(sealed + 1 + kNonceSize, sealed + size);
  struct Scrub {  // the plaintext never outlives the call in the buffer
    ~Scrub() {
      Botan::secure_scrub_memory(buf.data(), buf.size());
      if (buf.capacity() > kKeptBuffer) Botan::secure_vector<uint8_t>().swap(buf);
    }
  } scrub;
  auto mode = take(false);
  try {
    mode->set_associated_data(reinterpret_cast<const uint8_t*>(aad.data()), aad.size());
    mode->start(sealed + 1, kNonceSize);
    mode->finish(buf);  // verifies the tag, throws Invalid_Authentication_Tag
  } catch (const Botan::Invalid_Authentication_Tag&) {
    give_back(false, std::move(mode));  // finish() resets the mode; it stays usable
    return std::nullopt;
  }
  give_back(false, std::move(mode));
  return std::string(buf.begin(), buf.end());
}

}  // namespace cx::crypto
