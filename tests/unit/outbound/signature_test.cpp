// The signature scheme against the shared vectors (signature_vectors.json, computed by an
// independent implementation of the reference's security.Sign), and secret rules.
#include "host/outbound/signature.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace cx::outbound;

namespace {
boost::json::array vectors() {
  std::ifstream in(std::string(CX_SOURCE_DIR) + "/tests/unit/outbound/signature_vectors.json", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return boost::json::parse(text).at("vectors").as_array();
}
std::string s(const boost::json::value& v, const char* k) { return std::string(v.at(k).as_string()); }
}  // namespace

TEST_CASE("signatures equal the shared vectors and verify; a decoded-key signature does not") {
  auto all = vectors();
  REQUIRE(all.size() == 3);
  for (auto& v : all) {
    INFO(s(v, "name"));
    const int64_t ts = v.at("timestamp").as_int64();
    CHECK(sign(s(v, "secret"), s(v, "webhookID"), ts, s(v, "body")) == s(v, "signature"));
    CHECK(verify(s(v, "signature"), s(v, "secret"), s(v, "webhookID"), ts, s(v, "body")));
    CHECK_FALSE(verify(s(v, "signature"), s(v, "secret"), s(v, "webhookID"), ts + 1, s(v, "body")));
    CHECK_FALSE(verify(s(v, "signature"), s(v, "secret"), s(v, "webhookID"), ts, s(v, "body") + " "));
    if (auto* neg = v.as_object().if_contains("negative_signature_if_key_is_base64_decoded")) {
      CHECK(sign(s(v, "secret"), s(v, "webhookID"), ts, s(v, "body")) != neg->as_string());
      CHECK_FALSE(verify(std::string(neg->as_string()), s(v, "secret"), s(v, "webhookID"), ts, s(v, "body")));
    }
  }
}

TEST_CASE("verify takes a space-separated list and ignores other versions") {
  auto v = vectors().at(0);
  const int64_t ts = v.at("timestamp").as_int64();
  CHECK(verify("v2,abc v1,bogus " + s(v, "signature"), s(v, "secret"), s(v, "webhookID"), ts, s(v, "body")));
  CHECK_FALSE(verify("v2," + s(v, "signature").substr(3), s(v, "secret"), s(v, "webhookID"), ts, s(v, "body")));
}

TEST_CASE("secrets: generated ones are 24 random bytes in padded base64; others are checked") {
  auto a = generate_secret(), b = generate_secret();
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(secret_problem(a).empty());
  CHECK(secret_problem("V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3").empty());
  CHECK(secret_problem("not base64!") == "secret should be base64 encoded");
  CHECK(secret_problem("V0bivxRWveaoz08afqjU6Ko_jwO0Cb-3") == "secret should be base64 encoded");  // URL alphabet
  CHECK(secret_problem("dGVzdA==") == "decoded secret should be of size 24");
}
