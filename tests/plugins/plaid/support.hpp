// Shared helpers of the Plaid connector tests: a driver over the real descriptor, a FakeHost
// that routes Plaid paths to handlers, and an ES256 JWT signer built on Botan.
#pragma once

#include <connectivity/crypto.hpp>
#include <connectivity/json.hpp>
#include "verify.hpp"

#include <connectivity/testing/fake_host.hpp>

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/pubkey.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

extern "C" const cx_connector* cx_connector_entry(uint32_t host_abi_version);

namespace plaid_test {

inline const char* kConfig = R"({"name":"p","clientID":"cid","clientSecret":"secret","baseURL":"http://plaid.test"})";

/// Routes each POST by path ("/accounts/get") to a handler taking the parsed body.
struct Router {
  using Fn = std::function<cx::HttpResponse(const boost::json::object& body)>;
  std::map<std::string, Fn> routes;
  void install(cx::testing::FakeHost& host) {
    host.on_http([this](const cx::HttpRequest& r) {
      std::string path = r.url.substr(std::string("http://plaid.test").size());
      auto it = routes.find(path);
      if (it == routes.end()) return cx::HttpResponse{404, {}, R"({"error_type":"INVALID_REQUEST","error_code":"NOT_FOUND","error_message":"no route","display_message":null})"};
      auto body = cx::json::parse_exact(r.body, cx::json::Numbers::rounded);
      return it->second(body && body->is_object() ? body->get_object() : boost::json::object{});
    });
  }
};

inline cx::HttpResponse ok(const boost::json::value& v) { return cx::HttpResponse{200, {}, boost::json::serialize(v)}; }
inline cx::HttpResponse plaid_error(int status, const std::string& type, const std::string& code,
                                    const std::string& message = "boom") {
  return cx::HttpResponse{status, {}, boost::json::serialize(boost::json::object{
      {"error_type", type}, {"error_code", code}, {"error_message", message}, {"display_message", nullptr},
      {"request_id", "req"}})};
}

/// A P-256 key pair with a kid, signing Plaid-style webhook JWTs.
struct Signer {
  Botan::AutoSeeded_RNG rng;
  Botan::EC_Group group{"secp256r1"};
  std::unique_ptr<Botan::ECDSA_PrivateKey> key;
  std::string kid;

  explicit Signer(std::string id) : key(std::make_unique<Botan::ECDSA_PrivateKey>(rng, group)), kid(std::move(id)) {}

  static std::string coord(const Botan::BigInt& v) {
    auto bytes = Botan::BigInt::encode_1363(v, 32);
    return cx::crypto::base64url_encode(std::string(bytes.begin(), bytes.end()));
  }
  /// The `key` object of /webhook_verification_key/get.
  boost::json::object jwk(std::optional<int64_t> expired_at = std::nullopt) const {
    const auto& pt = key->public_point();
    boost::json::object o{{"alg", "ES256"}, {"crv", "P-256"}, {"kid", kid}, {"kty", "EC"}, {"use", "sig"},
                          {"x", coord(pt.get_affine_x())}, {"y", coord(pt.get_affine_y())}, {"created_at", 1600000000}};
    o["expired_at"] = expired_at ? boost::json::value(*expired_at) : boost::json::value(nullptr);
    return o;
  }
  /// Compact JWS over `header` and `claims` signed ES256 (raw r||s).
  std::string sign(const boost::json::object& header, const boost::json::object& claims) {
    std::string h = cx::crypto::base64url_encode(boost::json::serialize(header));
    std::string p = cx::crypto::base64url_encode(boost::json::serialize(claims));
    std::string input = h + "." + p;
    Botan::PK_Signer signer(*key, rng, "EMSA1(SHA-256)", Botan::IEEE_1363);
    auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(input.data()), input.size(), rng);
    return input + "." + cx::crypto::base64url_encode(std::string(sig.begin(), sig.end()));
  }
  /// A webhook JWT for `body` issued at iat (unix seconds).
  std::string webhook_jwt(const std::string& body, int64_t iat) {
    return sign(boost::json::object{{"alg", "ES256"}, {"kid", kid}, {"typ", "JWT"}},
                boost::json::object{{"iat", iat}, {"request_body_sha256", cx::crypto::sha256_hex(body)}});
  }
};

/// The verify_webhook / translate_webhook request for one delivery.
inline boost::json::object webhook_request(const std::string& body, std::optional<std::string> jwt,
                                           const std::string& attempt = "") {
  boost::json::object headers{{"content-type", boost::json::array{"application/json"}}};
  if (jwt) headers["plaid-verification"] = boost::json::array{boost::json::value(*jwt)};
  boost::json::object query;
  if (!attempt.empty()) query["attemptID"] = boost::json::array{boost::json::value(attempt)};
  return boost::json::object{{"name", "all"},
                             {"webhook", boost::json::object{{"path", "/all"}, {"fullURL", "http://h/all"}, {"method", "POST"},
                                                             {"headers", headers}, {"queryValues", query}, {"body", body}}},
                             {"config", boost::json::object{{"name", "all"}, {"urlPath", "/all"}, {"metadata", boost::json::object{}}}}};
}

}  // namespace plaid_test
