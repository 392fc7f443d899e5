#include "host/api/errors.hpp"
#include "host/api/field_rules.hpp"
#include "host/api/validation.hpp"

#include <catch2/catch.hpp>

using namespace cx::api;

namespace {
// "CODE: message" of the ApiError thrown by fn, or "" when nothing is thrown.
template <class F>
std::string failure(F fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return e.code + ": " + e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("field rules") {
  CHECK(rules::is_email("a.b+c@example.co"));
  CHECK_FALSE(rules::is_email("a@b"));
  CHECK_FALSE(rules::is_email("no at sign"));
  CHECK(rules::is_phone_number("+33612345678"));
  CHECK(rules::is_phone_number("+33 6 12 34 5678"));
  CHECK_FALSE(rules::is_phone_number("+33 6 12 34 56 78"));  // the reference rule allows 5 groups
  CHECK(rules::is_phone_number("+1 (555) 123-4567"));
  CHECK_FALSE(rules::is_phone_number("call me"));
  CHECK(rules::is_bcp47("fr"));
  CHECK(rules::is_bcp47("en-US"));
  CHECK(rules::is_bcp47("zh-Hant-TW"));
  CHECK(rules::is_bcp47("de-CH-1996"));
  CHECK(rules::is_bcp47("en_GB"));
  CHECK(rules::is_bcp47("x-private"));
  CHECK_FALSE(rules::is_bcp47("english"));
  CHECK_FALSE(rules::is_bcp47("en-"));
  CHECK_FALSE(rules::is_bcp47("e"));
  CHECK_FALSE(rules::is_bcp47("en-US-a"));
  CHECK(rules::is_country_alpha2("FR"));
  CHECK_FALSE(rules::is_country_alpha2("fr"));
  CHECK_FALSE(rules::is_country_alpha2("ZZ"));
  CHECK_FALSE(rules::is_country_alpha2("FRA"));
  CHECK(rules::is_iban("FR1420041010050500013M02606"));
  CHECK(rules::is_iban("GB82WEST12345698765432"));
  CHECK(rules::is_iban("gb82west12345698765432"));
  CHECK_FALSE(rules::is_iban("GB83WEST12345698765432"));  // checksum
  CHECK_FALSE(rules::is_iban("GB82 WEST 1234 5698 7654 32"));
  CHECK_FALSE(rules::is_iban("ZZ82WEST12345698765432"));
  CHECK(rules::is_bic("DEUTDEFF"));
  CHECK(rules::is_bic("DEUTDEFF500"));
  CHECK_FALSE(rules::is_bic("DEUTDEF"));
  CHECK_FALSE(rules::is_bic("DEU1DEFF"));
  CHECK_FALSE(rules::is_bic("DEUTZZFF"));
  CHECK(rules::is_url("https://app.example.com/done?x=1"));
  CHECK(rules::is_url("myapp://callback"));
  CHECK_FALSE(rules::is_url("not a url"));
  CHECK_FALSE(rules::is_url("https://"));
  CHECK_FALSE(rules::is_url("/relative/path"));
  CHECK_FALSE(rules::is_url("https://exa mple.com"));
}

TEST_CASE("PSU create: valid body") {
  auto r = parse_psu_create(R"({"name":"Ada","contactDetails":{"email":"ada@example.com","phoneNumber":"+33612345678",
    "locale":"fr-FR"},"address":{"streetNumber":"12B","country":"FR","city":"Paris"},
    "bankAccountIDs":["AAAAAAAA-0000-4000-8000-000000000001"],"metadata":{"k":"v"},"unknown":1})");
  CHECK(r.name == "Ada");
  REQUIRE(r.contact_details);
  CHECK(*r.contact_details->locale == "fr-FR");
  REQUIRE(r.address);
  CHECK(*r.address->city == "Paris");
  CHECK_FALSE(r.address->region);
  CHECK(r.bank_account_ids.at(0) == "aaaaaaaa-0000-4000-8000-000000000001");
  CHECK(r.metadata.at("k") == "v");
  auto bare = parse_psu_create(R"({"name":"B","contactDetails":null})");
  CHECK_FALSE(bare.contact_details);
  CHECK_FALSE(bare.address);
}

TEST_CASE("PSU create: errors name the field") {
  auto psu = [](const char* body) { return failure([&] { parse_psu_create(body); }); };
  CHECK(psu("") == "MISSING_OR_INVALID_BODY: missing request body");
  CHECK_THAT(psu("{"), Catch::StartsWith("MISSING_OR_INVALID_BODY"));
  CHECK_THAT(psu("[]"), Catch::StartsWith("MISSING_OR_INVALID_BODY"));
  CHECK(psu("{}") == "VALIDATION: name is a required field");
  CHECK(psu(R"({"name":"a","x":-1e999})") == "MISSING_OR_INVALID_BODY: a number in the body is out of range");
  CHECK(psu(R"({"name":""})") == "VALIDATION: name is a required field");
  CHECK(psu(R"({"name":5})") == "MISSING_OR_INVALID_BODY: name: expected a string");
  CHECK(psu(("{\"name\":\"" + std::string(1001, 'a') + "\"}").c_str()) ==
        "VALIDATION: name must be a maximum of 1000 characters in length");
  CHECK(psu(("{\"name\":\"" + std::string(500, 'a') + std::string(500, 'b') + "\"}").c_str()).empty());
  CHECK(psu(R"({"name":"a","contactDetails":{"email":"x"}})") == "VALIDATION: contactDetails.email is invalid");
  CHECK(psu(R"({"name":"a","contactDetails":{"phoneNumber":"abc"}})") ==
        "VALIDATION: contactDetails.phoneNumber is invalid");
  CHECK(psu(R"({"name":"a","contactDetails":{"locale":"not a locale"}})") ==
        "VALIDATION: contactDetails.locale is invalid");
  CHECK(psu(R"({"name":"a","contactDetails":{"email":3}})") ==
        "MISSING_OR_INVALID_BODY: contactDetails.email: expected a string");
  CHECK(psu(R"({"name":"a","address":{"country":"France"}})") == "VALIDATION: address.country is invalid");
  CHECK(psu(R"({"name":"a","address":{"streetNumber":"12 b"}})") == "VALIDATION: address.streetNumber is invalid");
  CHECK(psu(R"({"name":"a","address":"x"})") == "MISSING_OR_INVALID_BODY: address: expected an object");
  CHECK(psu(R"({"name":"a","metadata":{"k":1}})") == "MISSING_OR_INVALID_BODY: metadata.k: expected a string");
  CHECK(psu(R"({"name":"a","bankAccountIDs":["x"]})") == "VALIDATION: bankAccountIDs[0] must be a valid UUID");
}

TEST_CASE("bank account create") {
  auto ok = parse_bank_account_create(
      R"({"name":"Main","iban":"FR1420041010050500013M02606","swiftBicCode":"BNPAFRPP","country":"FR"})");
  CHECK(*ok.iban == "FR1420041010050500013M02606");
  CHECK_FALSE(ok.account_number);
  auto ba = [](const char* body) { return failure([&] { parse_bank_account_create(body); }); };
  CHECK(ba(R"({"accountNumber":"123"})") == "VALIDATION: name is a required field");
  CHECK(ba(R"({"name":"x"})") == "VALIDATION: accountNumber is required when iban is not set");
  CHECK(ba(R"({"name":"x","iban":"FR1520041010050500013M02606"})") == "VALIDATION: iban is invalid");
  CHECK(ba(R"({"name":"x","accountNumber":"12-3"})") == "VALIDATION: accountNumber is invalid");
  CHECK(ba(R"({"name":"x","accountNumber":"123","swiftBicCode":"BNP"})") == "VALIDATION: swiftBicCode is invalid");
  CHECK(ba(R"({"name":"x","accountNumber":"123","country":"XX"})") == "VALIDATION: country is invalid");
}

TEST_CASE("link request, metadata patch, connectorID body") {
  auto l = parse_link_request(R"({"clientRedirectURL":"https://app.example/cb"})");
  CHECK_FALSE(l.application_name);
  CHECK(l.client_redirect_url == "https://app.example/cb");
  CHECK(failure([] { parse_link_request(R"({"applicationName":"App"})"); }) ==
        "VALIDATION: clientRedirectURL is a required field");
  CHECK(failure([] { parse_link_request(R"({"clientRedirectURL":"nope"})"); }) ==
        "VALIDATION: clientRedirectURL must be a valid URL");
  CHECK(parse_metadata_patch(R"({"metadata":{"a":"b"}})").at("a") == "b");
  CHECK(failure([] { parse_metadata_patch("{}"); }) == "VALIDATION: metadata is a required field");
  CHECK(parse_connector_id_body(R"({"connectorID":"abc"})") == "abc");
  CHECK(failure([] { parse_connector_id_body("{}"); }) == "VALIDATION: connectorID is a required field");
}
