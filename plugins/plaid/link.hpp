// plaid/link.hpp — user creation and Hosted Link token requests (docs/providers/plaid.md §2,
// §5; docs/api/formance-v3.md §3.2).
#pragma once

#include <boost/json.hpp>

#include <string>

namespace cx::plaid {

/// Link languages Plaid accepts (Formance's Plaid plugin list, from Plaid's /link/token/create docs).
inline constexpr const char* kLinkLanguages[] = {"da", "nl", "en", "et", "fr", "de", "hi", "it", "lv",
                                                 "lt", "no", "pl", "pt", "ro", "es", "sv", "vi"};
/// Link country codes Plaid accepts (same source).
inline constexpr const char* kLinkCountries[] = {"AT", "BE", "CA", "DE", "DK", "EE", "ES", "FI", "FR", "GB",
                                                 "IE", "IT", "LT", "LV", "NL", "NO", "PL", "PT", "SE", "US"};

/// Link language of a PSU: the base of psu.contactDetails.locale ("fr-FR", "fr_FR" -> "fr").
/// Throws CX_ERR_INVALID_ARGUMENT with field "psu.contactDetails.locale" when absent or unsupported.
std::string link_language(const boost::json::object& psu);

/// Link country of a PSU: psu.address.country upper-cased ("fr" -> "FR").
/// Throws CX_ERR_INVALID_ARGUMENT with field "psu.address.country" when absent or unsupported.
std::string link_country(const boost::json::object& psu);

/// /user/create body for create_user's request {psu}.
boost::json::object user_create_request(const boost::json::object& request);

/// create_user's response from /user/create's: providerUserID = user_id, permanentToken =
/// user_token (when Plaid returns one), metadata {"userID"}.
boost::json::object user_create_response(const boost::json::object& plaid_response);

/// /link/token/create body for create_user_link / update_user_link (`update` = true uses the
/// connection's access token in update mode, without products): Hosted Link with
/// completion_redirect_uri = clientRedirectURL, webhook {webhookBaseURL}/all?attemptID=<attemptID>,
/// multi-item link, products ["transactions"].
boost::json::object link_token_request(const boost::json::object& request, bool update);

/// {link: hosted_link_url, temporaryToken: {token: link_token, expiresAt: expiration}}.
boost::json::object link_response(const boost::json::object& plaid_response);

}  // namespace cx::plaid
