#include "host/api/validation.hpp"

#include "host/api/errors.hpp"
#include "host/api/field_rules.hpp"
#include "host/api/json_output.hpp"
#include "host/util/ids.hpp"

#include <boost/json.hpp>

namespace cx::api {
namespace json = boost::json;
namespace {

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

[[noreturn]] void invalid(const std::string& field) { throw validation_error(field + " is invalid"); }

const json::object* optional_object(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) throw body_error(std::string(key) + ": expected an object");
  return &v->get_object();
}

std::string required_name(const json::object& o) {
  auto name = optional_string(o, "name", "");
  if (!name || name->empty()) throw validation_error("name is a required field");
  if (rules::utf8_length(*name) > 1000) throw validation_error("name must be a maximum of 1000 characters in length");
  return *name;
}

template <class Pred>
void check(const std::optional<std::string>& v, const std::string& field, Pred pred) {
  if (v && !pred(*v)) invalid(field);
}

}  // namespace

json::object parse_object_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) throw body_error("missing request body");
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) throw body_error("invalid JSON body: " + ec.message());
  if (!v.is_object()) throw body_error("the body must be a JSON object");
  if (!all_numbers_finite(v)) throw body_error("a number in the body is out of range");
  return std::move(v.get_object());
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key, std::string_view path) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw body_error(join(path, key) + ": expected a string");
  return std::string(v->get_string());
}

Metadata read_metadata(const json::object& o, std::string_view path) {
  Metadata m;
  const json::value* v = o.if_contains("metadata");
  if (!v || v->is_null()) return m;
  if (!v->is_object()) throw body_error(std::string(path) + ": expected an object of strings");
  for (const auto& kv : v->get_object()) {
    if (!kv.value().is_string())
      throw body_error(std::string(path) + "." + std::string(kv.key()) + ": expected a string");
    m.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  return m;
}

PsuCreateRequest parse_psu_create(std::string_view body) {
  json::object o = parse_object_body(body);
  PsuCreateRequest r;
  r.name = required_name(o);
  if (const auto* cd = optional_object(o, "contactDetails")) {
    ContactDetails c;
    c.email = optional_string(*cd, "email", "contactDetails");
    c.phone_number = optional_string(*cd, "phoneNumber", "contactDetails");
    c.locale = optional_string(*cd, "locale", "contactDetails");
    check(c.email, "contactDetails.email", rules::is_email);
    check(c.phone_number, "contactDetails.phoneNumber", rules::is_phone_number);
    check(c.locale, "contactDetails.locale", rules::is_bcp47);
    r.contact_details = std::move(c);
  }
  if (const auto* ad = optional_object(o, "address")) {
    Address a;
    a.street_name = optional_string(*ad, "streetName", "address");
    a.street_number = optional_string(*ad, "streetNumber", "address");
    a.city = optional_string(*ad, "city", "address");
    a.region = optional_string(*ad, "region", "address");
    a.postal_code = optional_string(*ad, "postalCode", "address");
    a.country = optional_string(*ad, "country", "address");
    check(a.street_number, "address.streetNumber", rules::is_alphanumeric);
    check(a.country, "address.country", rules::is_country_alpha2);
    r.address = std::move(a);
  }
  if (const json::value* ids = o.if_contains("bankAccountIDs"); ids && !ids->is_null()) {
    if (!ids->is_array()) throw body_error("bankAccountIDs: expected an array of strings");
    size_t i = 0;
    for (const auto& e : ids->get_array()) {
      std::string field = "bankAccountIDs[" + std::to_string(i++) + "]";
      if (!e.is_string()) throw body_error(field + ": expected a string");
      auto uuid = ids::normalize_uuid(e.get_string());
      if (!uuid) throw validation_error(field + " must be a valid UUID");
      r.bank_account_ids.push_back(*uuid);
    }
  }
  r.metadata = read_metadata(o);
  return r;
}

BankAccountCreateRequest parse_bank_account_create(std::string_view body) {
  json::object o = parse_object_body(body);
  BankAccountCreateRequest r;
  r.name = required_name(o);
  r.account_number = optional_string(o, "accountNumber", "");
  r.iban = optional_string(o, "iban", "");
  r.swift_bic_code = optional_string(o, "swiftBicCode", "");
  r.country = optional_string(o, "country", "");
  if (!r.account_number && !r.iban) throw validation_error("accountNumber is required when iban is not set");
  check(r.account_number, "accountNumber", rules::is_alphanumeric);
  check(r.iban, "iban", rules::is_iban);
  check(r.swift_bic_code, "swiftBicCode", rules::is_bic);
  check(r.country, "country", rules::is_country_alpha2);
  r.metadata = read_metadata(o);
  return r;
}

LinkRequest parse_link_request(std::string_view body) {
  json::object o = parse_object_body(body);
  LinkRequest r;
  r.application_name = optional_string(o, "applicationName", "");
  auto url = optional_string(o, "clientRedirectURL", "");
  if (!url || url->empty()) throw validation_error("clientRedirectURL is a required field");
  if (!rules::is_url(*url)) throw validation_error("clientRedirectURL must be a valid URL");
  r.client_redirect_url = *url;
  return r;
}

Metadata parse_metadata_patch(std::string_view body) {
  json::object o = parse_object_body(body);
  const json::value* v = o.if_contains("metadata");
  if (!v || v->is_null()) throw validation_error("metadata is a required field");
  return read_metadata(o);
}

std::string parse_connector_id_body(std::string_view body) {
  json::object o = parse_object_body(body);
  auto id = optional_string(o, "connectorID", "");
  if (!id || id->empty()) throw validation_error("connectorID is a required field");
  return *id;
}

}  // namespace cx::api
