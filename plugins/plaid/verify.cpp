#include "verify.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/crypto.hpp>
#include <connectivity/json.hpp>

#include <botan/base64.h>
#include <botan/bigint.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mem_ops.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <cctype>

namespace cx::plaid {

namespace {
[[noreturn]] void refuse(const std::string& why) { throw cx::Failure(CX_ERR_AUTH, "webhook refused: " + why); }

std::optional<int64_t> int_of(const boost::json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

boost::json::object decode_segment(std::string_view seg, const char* what) {
  auto raw = crypto::base64url_decode(seg);
  if (!raw) refuse(std::string("JWT ") + what + " is not base64url");
  auto v = json::parse_exact(*raw, json::Numbers::rounded);
  if (!v || !v->is_object()) refuse(std::string("JWT ") + what + " is not a JSON object");
  return std::move(v->get_object());
}
}  // namespace


std::optional<Jwk> jwk_from_json(const boost::json::object& k) {
  Jwk j;
  for (auto [field, dst] : {std::pair{"kid", &j.kid}, {"alg", &j.alg}, {"crv", &j.crv}, {"kty", &j.kty},
                            {"use", &j.use}, {"x", &j.x}, {"y", &j.y}}) {
    auto v = json::string_or_none(k, field);
    if (!v) return std::nullopt;
    *dst = *v;
  }
  auto created = int_of(k.if_contains("created_at"));
  if (!created) return std::nullopt;
  j.created_at = *created;
  if (auto* e = k.if_contains("expired_at"); e && !e->is_null()) {
    auto exp = int_of(e);
    if (!exp) return std::nullopt;
    j.expired_at = *exp;
  }
  return j;
}

boost::json::object jwk_to_json(const Jwk& j) {
  boost::json::object o{{"kid", j.kid}, {"alg", j.alg}, {"crv", j.crv}, {"kty", j.kty}, {"use", j.use},
                        {"x", j.x},     {"y", j.y},     {"created_at", j.created_at}};
  o["expired_at"] = j.expired_at ? boost::json::value(*j.expired_at) : boost::json::value(nullptr);
  return o;
}

std::string verification_header(const boost::json::object& webhook) {
  auto* headers = json::object_or_null(webhook, "headers");
  if (!headers) refuse("no headers");
  const boost::json::value* found = nullptr;
  for (auto& [name, values] : *headers) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower != "plaid-verification") continue;
    if (found) refuse("Plaid-Verification header repeated");
    found = &values;
  }
  if (!found) refuse("missing Plaid-Verification header");
  std::string value;
  if (found->is_string()) {
    value = std::string(found->get_string());
  } else if (found->is_array() && found->get_array().size() == 1 && found->get_array()[0].is_string()) {
    value = std::string(found->get_array()[0].get_string());
  } else {
    refuse("Plaid-Verification header must have exactly one value");
  }
  if (value.empty()) refuse("empty Plaid-Verification header");
  return value;
}

int64_t verify_webhook_jwt(std::string_view jwt, std::string_view raw_body, int64_t now_ms, const KeyLookup& key_for) {
  auto dot1 = jwt.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : jwt.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jwt.find('.', dot2 + 1) != std::string_view::npos)
    refuse("Plaid-Verification is not a compact JWS");
  std::string_view h64 = jwt.substr(0, dot1), p64 = jwt.substr(dot1 + 1, dot2 - dot1 - 1), s64 = jwt.substr(dot2 + 1);

  // 1. Header: ES256 only, with a kid.
  auto header = decode_segment(h64, "header");
  auto alg = json::string_or_none(header, "alg");
  if (!alg || *alg != "ES256") refuse("alg must be ES256, got " + alg.value_or("(none)"));
  auto kid = json::string_or_none(header, "kid");
  if (!kid || kid->empty()) refuse("JWT header has no kid");

  // 2. The key by kid; a retired key is refused.
  Jwk key = key_for(*kid);
  if (key.kid != *kid) refuse("key id mismatch");
  if (key.expired_at) refuse("key " + *kid + " expired at " + std::to_string(*key.expired_at));
  if (key.kty != "EC" || key.crv != "P-256" || (!key.alg.empty() && key.alg != "ES256"))
    refuse("key " + *kid + " is not an ES256 P-256 key");

  // 3. Signature: ECDSA P-256 over SHA-256; JWS carries r||s (32 bytes each), which is Botan's
  //    IEEE 1363 signature format.
  auto x = crypto::base64url_decode(key.x), y = crypto::base64url_decode(key.y);
  if (!x || !y || x->size() != 32 || y->size() != 32) refuse("key coordinates are not 32 bytes");
  auto sig = crypto::base64url_decode(s64);
  if (!sig || sig->size() != 64) refuse("signature is not 64 bytes");
  bool valid = false;
  try {
    Botan::EC_Group group("secp256r1");
    Botan::BigInt bx(reinterpret_cast<const uint8_t*>(x->data()), x->size());
    Botan::BigInt by(reinterpret_cast<const uint8_t*>(y->data()), y->size());
    Botan::PointGFp point = group.point(bx, by);
    if (!point.on_the_curve()) refuse("key point is not on P-256");
    Botan::ECDSA_PublicKey pub(group, point);
    Botan::PK_Verifier verifier(pub, "EMSA1(SHA-256)", Botan::IEEE_1363);
    std::string_view signed_part = jwt.substr(0, dot2);
    valid = verifier.verify_message(reinterpret_cast<const uint8_t*>(signed_part.data()), signed_part.size(),
                                    reinterpret_cast<const uint8_t*>(sig->data()), sig->size());
  } catch (const cx::Failure&) {
    throw;
  } catch (const std::exception& e) {
    refuse(std::string("signature check failed: ") + e.what());
  }
  if (!valid) refuse("bad signature");

  // 4. Freshness.
  auto claims = decode_segment(p64, "payload");
  auto iat = int_of(claims.if_contains("iat"));
  if (!iat) refuse("JWT has no iat");
  int64_t now_s = now_ms / 1000;
  if (now_s - *iat > kMaxWebhookAgeSeconds) refuse("iat is older than 5 minutes");
  if (*iat - now_s > kMaxWebhookAgeSeconds) refuse("iat is in the future");

  // 5. Body hash over the raw bytes, constant time.
  auto claimed = json::string_or_none(claims, "request_body_sha256");
  if (!claimed) refuse("JWT has no request_body_sha256");
  std::string actual = crypto::sha256_hex(raw_body);
  if (claimed->size() != actual.size() ||
      !Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(claimed->data()),
                                    reinterpret_cast<const uint8_t*>(actual.data()), actual.size()))
    refuse("request_body_sha256 does not match the body");
  return *iat;
}

}  // namespace cx::plaid
