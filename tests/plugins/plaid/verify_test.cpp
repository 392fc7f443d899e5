// Webhook verification through the C ABI: the five steps of docs/providers/plaid.md §4.
#include "key_cache.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <connectivity/time.hpp>

#include <botan/hmac.h>
#include <botan/mac.h>

using namespace plaid_test;

namespace {
const std::string kBody = "{\n  \"webhook_type\": \"TRANSACTIONS\",\n  \"webhook_code\": \"SYNC_UPDATES_AVAILABLE\",\n"
                          "  \"item_id\": \"item-1\",\n  \"initial_update_complete\": true,\n"
                          "  \"historical_update_complete\": false,\n  \"environment\": \"sandbox\"\n}";

struct Fixture {
  cx::testing::FakeHost host;
  Router router;
  Signer signer{"kid-current"};
  std::optional<int64_t> expired_at;
  int key_fetches = 0;
  Fixture() {
    router.routes["/webhook_verification_key/get"] = [this](const boost::json::object& body) {
      ++key_fetches;
      if (cx::json::string_or_none(body, "key_id") != signer.kid)
        return plaid_error(400, "INVALID_INPUT", "INVALID_WEBHOOK_VERIFICATION_KEY_ID", "unknown key id");
      return ok(boost::json::object{{"key", signer.jwk(expired_at)}, {"request_id", "r"}});
    };
    router.install(host);
  }
  int64_t now_s() const { return host.now_ms / 1000; }
  cx::testing::Outcome verify(const cx::testing::Driver& d, const std::string& body, std::optional<std::string> jwt) {
    return d.call(&cx_connector::verify_webhook, webhook_request(body, std::move(jwt)));
  }
};
}  // namespace

TEST_CASE("a correctly signed, fresh webhook with the right body hash is accepted", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  auto o = f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s() - 10));
  REQUIRE(o.code == CX_OK);
  // The iat goes to the host, which applies its own --webhook-tolerance and replay guard.
  CHECK(o.json().at("signedAt").as_string() == cx::time::format_rfc3339((f.now_s() - 10) * 1000));
  CHECK(f.key_fetches == 1);
  // The key is cached in the host's state service: a second delivery does not fetch it again.
  CHECK(f.host.state().count("webhook-key/kid-current") == 1);
  REQUIRE(f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s())).code == CX_OK);
  CHECK(f.key_fetches == 1);
  // ...until the cache entry is older than its TTL.
  f.host.now_ms += cx::plaid::kKeyCacheTtlMs + 1000;
  REQUIRE(f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s())).code == CX_OK);
  CHECK(f.key_fetches == 2);
}

TEST_CASE("a key whose expired_at is set is refused", "[verify]") {
  Fixture f;
  f.expired_at = f.now_s() - 3600;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  auto o = f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s()));
  CHECK(o.code == CX_ERR_AUTH);
  CHECK_THAT(o.message(), Catch::Contains("expired"));
}

TEST_CASE("an iat older than five minutes is refused, one just inside is accepted", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  auto stale = f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s() - 301));
  CHECK(stale.code == CX_ERR_AUTH);
  CHECK_THAT(stale.message(), Catch::Contains("iat"));
  CHECK(f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s() - 299)).code == CX_OK);
  CHECK(f.verify(d, kBody, f.signer.webhook_jwt(kBody, f.now_s() + 3600)).code == CX_ERR_AUTH);
}

TEST_CASE("a body whose SHA-256 differs from request_body_sha256 is refused", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  std::string jwt = f.signer.webhook_jwt(kBody, f.now_s());
  // Same JSON re-serialised compactly: equal as JSON, different bytes -> refused.
  std::string compact = boost::json::serialize(boost::json::parse(kBody));
  auto o = f.verify(d, compact, jwt);
  CHECK(o.code == CX_ERR_AUTH);
  CHECK_THAT(o.message(), Catch::Contains("request_body_sha256"));
  CHECK(f.verify(d, kBody + " ", jwt).code == CX_ERR_AUTH);
  CHECK(f.verify(d, kBody, jwt).code == CX_OK);
}

TEST_CASE("alg none and alg HS256 are refused before any key is fetched", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  boost::json::object claims{{"iat", f.now_s()}, {"request_body_sha256", cx::crypto::sha256_hex(kBody)}};
  std::string h_none = cx::crypto::base64url_encode(R"({"alg":"none","kid":"kid-current","typ":"JWT"})");
  std::string payload = cx::crypto::base64url_encode(boost::json::serialize(claims));
  auto none = f.verify(d, kBody, h_none + "." + payload + ".");
  CHECK(none.code == CX_ERR_AUTH);
  CHECK_THAT(none.message(), Catch::Contains("ES256"));

  std::string h_hs = cx::crypto::base64url_encode(R"({"alg":"HS256","kid":"kid-current","typ":"JWT"})");
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(reinterpret_cast<const uint8_t*>("secret"), 6);
  std::string input = h_hs + "." + payload;
  mac->update(input);
  auto tag = mac->final();
  auto hs = f.verify(d, kBody, input + "." + cx::crypto::base64url_encode(std::string(tag.begin(), tag.end())));
  CHECK(hs.code == CX_ERR_AUTH);
  CHECK(f.key_fetches == 0);
}

TEST_CASE("an ES256 header carrying another key's signature is refused", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  Signer other("kid-current");  // same kid, different private key
  auto o = f.verify(d, kBody, other.webhook_jwt(kBody, f.now_s()));
  CHECK(o.code == CX_ERR_AUTH);
  CHECK_THAT(o.message(), Catch::Contains("signature"));
}

TEST_CASE("an unknown kid is refused", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  Signer stranger("kid-unknown");
  auto o = f.verify(d, kBody, stranger.webhook_jwt(kBody, f.now_s()));
  CHECK(o.code == CX_ERR_AUTH);
  CHECK_THAT(o.message(), Catch::Contains("kid-unknown"));
  CHECK(f.host.state().count("webhook-key/kid-unknown") == 0);
}

TEST_CASE("a missing, empty, repeated or malformed Plaid-Verification header is refused", "[verify]") {
  Fixture f;
  cx::testing::Driver d(cx_connector_entry(CX_ABI_VERSION), f.host, kConfig);
  CHECK(f.verify(d, kBody, std::nullopt).code == CX_ERR_AUTH);
  CHECK(f.verify(d, kBody, std::string{}).code == CX_ERR_AUTH);
  CHECK(f.verify(d, kBody, std::string("not-a-jwt")).code == CX_ERR_AUTH);
  auto req = webhook_request(kBody, f.signer.webhook_jwt(kBody, f.now_s()));
  auto& headers = req["webhook"].as_object()["headers"].as_object();
  headers["plaid-verification"].as_array().push_back(headers["plaid-verification"].as_array()[0]);
  CHECK(d.call(&cx_connector::verify_webhook, req).code == CX_ERR_AUTH);
  // The header name is matched case-insensitively.
  auto mixed = webhook_request(kBody, std::nullopt);
  mixed["webhook"].as_object()["headers"].as_object()["Plaid-Verification"] =
      boost::json::array{boost::json::value(f.signer.webhook_jwt(kBody, f.now_s()))};
  CHECK(d.call(&cx_connector::verify_webhook, mixed).code == CX_OK);
}
