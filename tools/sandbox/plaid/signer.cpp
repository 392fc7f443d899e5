#include "signer.hpp"

#include "host/util/encoding.hpp"

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/pubkey.h>

namespace cx::sandbox::plaid {

namespace {
std::string sha256_hex(const std::string& s) {
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(s);
  return Botan::hex_encode(h->final(), false);
}
std::string coord(const Botan::BigInt& v) {
  auto b = Botan::BigInt::encode_1363(v, 32);
  return cx::util::base64url_encode(std::string(b.begin(), b.end()));
}
}  // namespace

Signer::Key Signer::derive(uint64_t seed, const char* label, int64_t created_at, std::optional<int64_t> expired_at) {
  Botan::EC_Group group("secp256r1");
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  h->update(std::string("plaid-sandbox-webhook-key/") + label + "/" + std::to_string(seed));
  auto digest = h->final();
  Botan::BigInt x = Botan::BigInt(digest.data(), digest.size()) % (group.get_order() - 1) + 1;
  Botan::AutoSeeded_RNG rng;
  Key k;
  k.priv = std::make_unique<Botan::ECDSA_PrivateKey>(rng, group, x);
  std::string hex = Botan::hex_encode(digest.data(), 16, false);
  k.kid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) + "-8" + hex.substr(17, 3) + "-" +
          hex.substr(20, 12);
  k.created_at = created_at;
  k.expired_at = expired_at;
  return k;
}

Signer::Signer(uint64_t seed)
    : current_(derive(seed, "current", 1'700'000'000, std::nullopt)),
      expired_(derive(seed, "retired", 1'600'000'000, 1'650'000'000)) {}

Signer::~Signer() = default;

boost::json::object Signer::jwk_of(const Key& k) const {
  const auto& pt = k.priv->public_point();
  boost::json::object o{{"alg", "ES256"}, {"crv", "P-256"}, {"kid", k.kid}, {"kty", "EC"}, {"use", "sig"},
                        {"x", coord(pt.get_affine_x())}, {"y", coord(pt.get_affine_y())}, {"created_at", k.created_at}};
  o["expired_at"] = k.expired_at ? boost::json::value(*k.expired_at) : boost::json::value(nullptr);
  return o;
}

std::optional<boost::json::object> Signer::jwk(const std::string& kid) const {
  if (kid == current_.kid) return jwk_of(current_);
  if (kid == expired_.kid) return jwk_of(expired_);
  return std::nullopt;
}

std::string Signer::sign(const std::string& body, int64_t iat, const std::string& fault) const {
  const Key& key = fault == "expired_key" ? expired_ : current_;
  std::string alg = fault == "alg_none" ? "none" : fault == "alg_hs256" ? "HS256" : "ES256";
  std::string kid = fault == "unknown_kid" ? "00000000-0000-4000-8000-000000000000" : key.kid;
  if (fault == "stale_iat") iat -= 10 * 60;
  std::string hash = sha256_hex(fault == "bad_body_hash" ? body + "\n" : body);
  std::string header = boost::json::serialize(boost::json::object{{"alg", alg}, {"kid", kid}, {"typ", "JWT"}});
  std::string claims = boost::json::serialize(boost::json::object{{"iat", iat}, {"request_body_sha256", hash}});
  std::string input = cx::util::base64url_encode(header) + "." + cx::util::base64url_encode(claims);
  if (alg == "none") return input + ".";
  if (alg == "HS256") {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(reinterpret_cast<const uint8_t*>(kid.data()), kid.size());
    mac->update(input);
    auto tag = mac->final();
    return input + "." + cx::util::base64url_encode(std::string(tag.begin(), tag.end()));
  }
  Botan::AutoSeeded_RNG rng;
  Botan::PK_Signer signer(*key.priv, rng, "EMSA1(SHA-256)", Botan::IEEE_1363);
  auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(input.data()), input.size(), rng);
  if (fault == "bad_signature") sig[5] ^= 0x01;
  return input + "." + cx::util::base64url_encode(std::string(sig.begin(), sig.end()));
}

}  // namespace cx::sandbox::plaid
