#include "host/api/catalog.hpp"

#include <connectivity/abi.h>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace cx::api {
namespace json = boost::json;

std::vector<std::string> capability_names(uint64_t bits) {
  static constexpr std::array<std::pair<uint64_t, const char*>, 11> kNames{{
      {CX_CAP_FETCH_ACCOUNTS, "FETCH_ACCOUNTS"},
      {CX_CAP_FETCH_BALANCES, "FETCH_BALANCES"},
      {CX_CAP_FETCH_EXTERNAL_ACCOUNTS, "FETCH_EXTERNAL_ACCOUNTS"},
      {CX_CAP_FETCH_PAYMENTS, "FETCH_PAYMENTS"},
      {CX_CAP_CREATE_WEBHOOKS, "CREATE_WEBHOOKS"},
      {CX_CAP_TRANSLATE_WEBHOOKS, "TRANSLATE_WEBHOOKS"},
      {CX_CAP_CREATE_BANK_ACCOUNT, "CREATE_BANK_ACCOUNT"},
      {CX_CAP_CREATE_TRANSFER, "CREATE_TRANSFER"},
      {CX_CAP_CREATE_PAYOUT, "CREATE_PAYOUT"},
      {CX_CAP_ALLOW_ACCOUNT_CREATION, "ALLOW_FORMANCE_ACCOUNT_CREATION"},
      {CX_CAP_ALLOW_PAYMENT_CREATION, "ALLOW_FORMANCE_PAYMENT_CREATION"},
  }};
  std::vector<std::string> out;
  for (const auto& [bit, name] : kNames)
    if (bits & bit) out.emplace_back(name);
  return out;
}

namespace {

/// The declared JSON Schema type of a field ("string" when the schema names none).
std::string data_type(const json::object& prop) {
  auto type = prop.if_contains("type");
  return type && type->is_string() ? std::string(type->get_string()) : "string";
}

std::string default_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

}  // namespace

json::object config_fields(std::string_view schema_json) {
  json::object fields;
  json::error_code ec;
  json::value schema = schema_json.empty() ? json::value(json::object{}) : json::parse(schema_json, ec);
  if (!ec && schema.is_object()) {
    std::vector<std::string> required;
    if (auto r = schema.as_object().if_contains("required"); r && r->is_array())
      for (const auto& e : r->get_array())
        if (e.is_string()) required.emplace_back(e.get_string());
    if (auto props = schema.as_object().if_contains("properties"); props && props->is_object()) {
      for (const auto& kv : props->get_object()) {
        if (!kv.value().is_object()) continue;
        const auto& prop = kv.value().get_object();
        json::object f;
        f["dataType"] = data_type(prop);
        f["required"] = std::find(required.begin(), required.end(), std::string(kv.key())) != required.end();
        if (auto d = prop.if_contains("default")) f["defaultValue"] = default_text(*d);
        for (const char* k : {"format", "description", "enum", "minimum", "maximum"})
          if (auto v = prop.if_contains(k)) f[k] = *v;
        fields[kv.key()] = std::move(f);
      }
    }
  }
  fields["name"] = json::object{{"dataType", "string"}, {"required", true},
                                {"description", "the connector's unique name, 3 to 500 characters"}};
  if (!fields.contains("pollingPeriod"))
    fields["pollingPeriod"] = json::object{{"dataType", "string"}, {"format", "duration"}, {"required", false},
                                           {"defaultValue", "30m"}, {"description", "how often the tasks run"}};
  return fields;
}

}  // namespace cx::api
