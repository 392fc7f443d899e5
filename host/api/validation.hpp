// Request bodies: parsed from JSON and validated as the reference does. Every function throws
// ApiError: 400 MISSING_OR_INVALID_BODY for an empty/malformed body or a member of the wrong JSON
// type, 400 VALIDATION for a rule failure. Messages name the field by its JSON path
// ("contactDetails.email is invalid"). Unknown members are ignored, null equals absent.
#pragma once

#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::api {

using Metadata = std::map<std::string, std::string>;

/// Parses a body that must be a JSON object.
boost::json::object parse_object_body(std::string_view body);

struct ContactDetails {
  std::optional<std::string> email;         ///< reference e-mail rule
  std::optional<std::string> phone_number;  ///< reference phone rule
  std::optional<std::string> locale;        ///< BCP 47
};

struct Address {
  std::optional<std::string> street_name;
  std::optional<std::string> street_number;  ///< alphanumeric
  std::optional<std::string> city;
  std::optional<std::string> region;
  std::optional<std::string> postal_code;
  std::optional<std::string> country;  ///< ISO 3166-1 alpha-2
};

/// POST /payment-service-users
struct PsuCreateRequest {
  std::string name;  ///< required, ≤ 1000 characters
  std::optional<ContactDetails> contact_details;
  std::optional<Address> address;
  std::vector<std::string> bank_account_ids;  ///< lower-case UUIDs
  Metadata metadata;
};
PsuCreateRequest parse_psu_create(std::string_view body);

/// POST /bank-accounts
struct BankAccountCreateRequest {
  std::string name;                           ///< required, ≤ 1000 characters
  std::optional<std::string> account_number;  ///< alphanumeric; this or iban required
  std::optional<std::string> iban;            ///< mod-97 checked
  std::optional<std::string> swift_bic_code;  ///< ISO 9362
  std::optional<std::string> country;         ///< ISO 3166-1 alpha-2
  Metadata metadata;
};
BankAccountCreateRequest parse_bank_account_create(std::string_view body);

/// POST …/create-link and …/update-link
struct LinkRequest {
  std::optional<std::string> application_name;
  std::string client_redirect_url;  ///< required, absolute URL
};
LinkRequest parse_link_request(std::string_view body);

/// PATCH …/metadata: {"metadata":{…}} (required, string → string).
Metadata parse_metadata_patch(std::string_view body);

/// {"connectorID":"…"} (bank-account forward); returns the raw ID text, not yet decoded.
std::string parse_connector_id_body(std::string_view body);

/// A "metadata" member: absent/null → empty; else an object of strings.
Metadata read_metadata(const boost::json::object& o, std::string_view path = "metadata");

/// Optional string member: absent/null → nullopt; non-string → MISSING_OR_INVALID_BODY.
std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key,
                                           std::string_view path);

}  // namespace cx::api
