#include "link.hpp"

#include "mapping.hpp"

#include <connectivity/connector.hpp>
#include <connectivity/json.hpp>

#include <algorithm>
#include <cctype>

namespace cx::plaid {

namespace {
const boost::json::object& psu_of(const boost::json::object& request) {
  auto* psu = json::object_or_null(request, "psu");
  if (!psu) throw cx::invalid("psu", "psu is required");
  return *psu;
}
std::string psu_id(const boost::json::object& psu) {
  auto id = json::string_or_none(psu, "id");
  if (!id || id->empty()) throw cx::invalid("psu.id", "psu.id is required");
  return *id;
}
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}
}  // namespace

std::string link_language(const boost::json::object& psu) {
  const char* field = "psu.contactDetails.locale";
  auto* contact = json::object_or_null(psu, "contactDetails");
  auto locale = contact ? json::string_or_none(*contact, "locale") : std::nullopt;
  if (!locale || locale->empty()) throw cx::invalid(field, "a PSU locale is required to choose the Plaid Link language");
  std::string base = lower(locale->substr(0, locale->find_first_of("-_")));
  for (const char* l : kLinkLanguages)
    if (base == l) return base;
  throw cx::invalid(field, "Plaid Link does not support language \"" + base + "\" (locale " + *locale + ")");
}

std::string link_country(const boost::json::object& psu) {
  const char* field = "psu.address.country";
  auto* address = json::object_or_null(psu, "address");
  auto country = address ? json::string_or_none(*address, "country") : std::nullopt;
  if (!country || country->empty()) throw cx::invalid(field, "a PSU country is required by Plaid Link");
  std::string code = upper(*country);
  for (const char* c : kLinkCountries)
    if (code == c) return code;
  throw cx::invalid(field, "Plaid Link does not support country \"" + *country + "\"");
}

boost::json::object user_create_request(const boost::json::object& request) {
  return boost::json::object{{"client_user_id", psu_id(psu_of(request))}};
}

boost::json::object user_create_response(const boost::json::object& r) {
  auto user_id = json::string_or_none(r, "user_id");
  auto user_token = json::string_or_none(r, "user_token");
  if (!user_id && !user_token) throw cx::Failure(CX_ERR_UPSTREAM, "plaid /user/create returned no user_id");
  boost::json::object out;
  boost::json::object metadata;
  if (user_id) {
    out["providerUserID"] = *user_id;
    metadata["userID"] = *user_id;
  }
  if (user_token) out["permanentToken"] = boost::json::object{{"token", *user_token}};
  out["metadata"] = std::move(metadata);
  return out;
}

boost::json::object link_token_request(const boost::json::object& request, bool update) {
  const auto& psu = psu_of(request);
  std::string language = link_language(psu);
  std::string country = link_country(psu);
  auto attempt = json::string_or_none(request, "attemptID");
  if (!attempt || attempt->empty()) throw cx::invalid("attemptID", "attemptID is required");
  auto base = json::string_or_none(request, "webhookBaseURL");
  if (!base || base->empty()) throw cx::invalid("webhookBaseURL", "webhookBaseURL is required");
  auto redirect = json::string_or_none(request, "clientRedirectURL");
  if (!redirect || redirect->empty()) throw cx::invalid("clientRedirectURL", "clientRedirectURL is required");
  std::string webhook = *base;
  while (!webhook.empty() && webhook.back() == '/') webhook.pop_back();
  webhook += "/all?attemptID=" + *attempt;

  std::string app = json::string_or_none(request, "applicationName").value_or("");
  boost::json::object body{{"client_name", app.empty() ? std::string("Connectivity") : app},
                           {"language", language},
                           {"country_codes", boost::json::array{boost::json::value(country)}},
                           {"user", boost::json::object{{"client_user_id", psu_id(psu)}}},
                           {"webhook", webhook},
                           {"hosted_link", boost::json::object{{"completion_redirect_uri", *redirect}}}};
  if (auto* fu = json::object_or_null(request, "forwardedUser")) {
    auto* token = json::object_or_null(*fu, "accessToken");
    if (auto t = token ? json::string_or_none(*token, "token") : std::nullopt; t && !t->empty())
      body["user_token"] = *t;
    else if (auto id = json::string_or_none(*fu, "providerUserID"); id && !id->empty())
      body["user_id"] = *id;
  }
  if (update) {
    auto* conn = json::object_or_null(request, "connection");
    auto* token = conn ? json::object_or_null(*conn, "accessToken") : nullptr;
    auto access = token ? json::string_or_none(*token, "token") : std::nullopt;
    if (!access || access->empty())
      throw cx::invalid("connection.accessToken", "update mode needs the connection's access token");
    body["access_token"] = *access;
    body["update"] = boost::json::object{{"user", false}};
  } else {
    body["products"] = boost::json::array{"transactions"};
    body["enable_multi_item_link"] = true;
  }
  return body;
}

boost::json::object link_response(const boost::json::object& r) {
  auto url = json::string_or_none(r, "hosted_link_url");
  auto token = json::string_or_none(r, "link_token");
  if (!url || url->empty() || !token)
    throw cx::Failure(CX_ERR_UPSTREAM, "plaid /link/token/create returned no hosted_link_url");
  boost::json::object temp{{"token", *token}};
  if (auto exp = json::string_or_none(r, "expiration"))
    if (auto n = normalize_time(*exp)) temp["expiresAt"] = *n;
  return boost::json::object{{"link", *url}, {"temporaryToken", std::move(temp)}};
}

}  // namespace cx::plaid
