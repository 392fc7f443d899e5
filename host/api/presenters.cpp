#include "host/api/presenters.hpp"

#include "host/api/json_output.hpp"
#include "host/plugin/faults.hpp"
#include "host/util/ids.hpp"

#include <connectivity/time.hpp>

#include <boost/json.hpp>

#include <cctype>

namespace cx::api {
namespace json = boost::json;
namespace {

json::value optional_string(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

void put_if(json::object& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) o[key] = *v;
}

// The reference writes a zero time.Time for a connection that never synced.
constexpr std::string_view kZeroTime = "0001-01-01T00:00:00Z";

}  // namespace

std::string rfc3339(int64_t unix_ms) { return time::format_rfc3339(unix_ms); }

std::string provider_of(const std::string& connector_id) {
  auto c = ids::decode_connector_id(connector_id);
  return c ? c->provider : std::string();
}

std::string title_case(std::string_view provider) {
  std::string out(provider);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

json::object metadata_json(const store::Metadata& m, json::storage_ptr sp) {
  json::object o(std::move(sp));
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

json::object connector_base_json(const store::ConnectorRecord& c, json::storage_ptr sp) {
  json::object o(std::move(sp));
  o.reserve(5);
  o["id"] = c.id;
  o["reference"] = c.reference;
  o["name"] = c.name;
  o["createdAt"] = rfc3339(c.created_at);
  o["provider"] = c.provider;
  return o;
}

json::object connector_json(const store::ConnectorRecord& c, const std::vector<std::string>& capabilities) {
  json::object o = connector_base_json(c);
  o["config"] = c.config;
  o["scheduledForDeletion"] = c.scheduled_for_deletion;
  json::array caps;
  for (const auto& cap : capabilities) caps.emplace_back(cap);
  o["capabilities"] = std::move(caps);
  if (c.updated_at) o["updatedAt"] = rfc3339(c.updated_at);
  // Plugin faults (sdk/README.md "When a plugin misbehaves"): quarantined connectors run no op.
  auto q = plugin::FaultBook::get().quarantined(c.id);
  o["quarantined"] = q.has_value();
  if (q) o["quarantine"] = json::object{{"reason", q->reason}, {"since", rfc3339(q->since_ms)}};
  return o;
}

AccountConnector account_connector(const store::ConnectorRecord& c, json::storage_ptr sp) {
  return {connector_base_json(c, std::move(sp)), c.provider};
}

json::object account_json(const store::AccountRecord& a, const AccountConnector* connector, json::storage_ptr sp) {
  json::object o(sp);
  o.reserve(15);
  o["id"] = a.id;
  o["connectorID"] = a.connector_id;
  if (connector) o["connector"] = json::object(connector->json, sp);
  o["provider"] = connector ? connector->provider : provider_of(a.connector_id);
  o["reference"] = a.reference;
  o["createdAt"] = rfc3339(a.created_at);
  o["type"] = a.type;
  o["name"] = optional_string(a.name);
  o["defaultAsset"] = optional_string(a.default_asset);
  o["metadata"] = metadata_json(a.metadata, sp);
  o["raw"] = raw_json_object(a.raw_json, sp);
  put_if(o, "psuID", a.psu_id);
  put_if(o, "openBankingConnectionID", a.connection_id);
  return o;
}

json::object balance_json(const store::BalanceRecord& b, json::storage_ptr sp) {
  json::object o(sp);
  o["accountID"] = b.account_id;
  o["createdAt"] = rfc3339(b.created_at);
  o["lastUpdatedAt"] = rfc3339(b.last_updated_at);
  o["asset"] = b.asset;
  o["balance"] = big_integer(b.balance, sp);
  o["psuID"] = b.psu_id.value_or("");
  put_if(o, "openBankingConnectionID", b.connection_id);
  return o;
}

json::object payment_json(const store::PaymentRecord& p, bool with_adjustments, json::storage_ptr sp) {
  json::object o(sp);
  o.reserve(18);
  o["id"] = p.id;
  o["connectorID"] = p.connector_id;
  o["provider"] = provider_of(p.connector_id);
  o["reference"] = p.reference;
  o["createdAt"] = rfc3339(p.created_at);
  o["type"] = p.type;
  o["initialAmount"] = big_integer(p.initial_amount, sp);
  o["amount"] = big_integer(p.amount, sp);
  o["asset"] = p.asset;
  o["scheme"] = p.scheme;
  o["status"] = p.status;
  o["sourceAccountID"] = optional_string(p.source_account_id);
  o["destinationAccountID"] = optional_string(p.destination_account_id);
  put_if(o, "psuID", p.psu_id);
  put_if(o, "openBankingConnectionID", p.connection_id);
  o["metadata"] = metadata_json(p.metadata, sp);
  if (with_adjustments) {
    json::array adj;
    for (const auto& a : p.adjustments) {
      json::object j;
      j["id"] = a.id;
      j["reference"] = a.reference;
      j["createdAt"] = rfc3339(a.created_at);
      j["status"] = a.status;
      if (a.amount) j["amount"] = big_integer(*a.amount);
      put_if(j, "asset", a.asset);
      j["metadata"] = metadata_json(a.metadata);
      j["raw"] = raw_json_object(a.raw_json);
      adj.push_back(std::move(j));
    }
    o["adjustments"] = std::move(adj);
  } else {
    o["adjustments"] = nullptr;
  }
  return o;
}

json::object psu_json(const store::PsuRecord& p) {
  json::object o;
  o["id"] = p.id;
  o["name"] = p.name;
  o["createdAt"] = rfc3339(p.created_at);
  if (p.contact_details) {
    json::object c;
    put_if(c, "email", p.contact_details->email);
    put_if(c, "phoneNumber", p.contact_details->phone_number);
    put_if(c, "locale", p.contact_details->locale);
    o["contactDetails"] = std::move(c);
  }
  if (p.address) {
    const auto& a = *p.address;
    json::object j;
    put_if(j, "streetName", a.street_name);
    put_if(j, "streetNumber", a.street_number);
    put_if(j, "city", a.city);
    put_if(j, "region", a.region);
    put_if(j, "postalCode", a.postal_code);
    put_if(j, "country", a.country);
    o["address"] = std::move(j);
  }
  if (!p.bank_account_ids.empty()) {
    json::array ids;
    for (const auto& id : p.bank_account_ids) ids.emplace_back(id);
    o["bankAccountIDs"] = std::move(ids);
  }
  o["metadata"] = metadata_json(p.metadata);
  return o;
}

json::object connection_json(const store::ConnectionRecord& c) {
  json::object o;
  o["connectionID"] = c.connection_id;
  o["connectorID"] = c.connector_id;
  o["createdAt"] = rfc3339(c.created_at);
  o["dataUpdatedAt"] = c.data_updated_at ? json::value(rfc3339(*c.data_updated_at)) : json::value(kZeroTime);
  o["status"] = c.status;
  o["updatedAt"] = rfc3339(c.updated_at);
  o["error"] = optional_string(c.error);
  o["metadata"] = metadata_json(c.metadata);
  return o;
}

json::object link_attempt_json(const store::LinkAttemptRecord& a) {
  json::object o;
  o["id"] = a.id;
  o["psuID"] = a.psu_id;
  o["connectorID"] = a.connector_id;
  o["createdAt"] = rfc3339(a.created_at);
  o["status"] = a.status;
  o["clientRedirectURL"] = a.client_redirect_url;
  o["error"] = optional_string(a.error);
  return o;
}

std::string obfuscate(const std::string& v, size_t prefix, size_t suffix) {
  if (v.size() < prefix + suffix) return std::string(v.size(), '*');
  return v.substr(0, prefix) + std::string(v.size() - prefix - suffix, '*') + v.substr(v.size() - suffix);
}

json::object bank_account_json(const store::BankAccountRecord& b) {
  json::object o;
  o["id"] = b.id;
  o["createdAt"] = rfc3339(b.created_at);
  o["name"] = b.name;
  o["accountNumber"] = b.account_number ? json::value(obfuscate(*b.account_number, 2, 3)) : json::value(nullptr);
  o["iban"] = b.iban ? json::value(obfuscate(*b.iban, 4, 4)) : json::value(nullptr);
  o["swiftBicCode"] = optional_string(b.swift_bic_code);
  o["country"] = optional_string(b.country);
  o["metadata"] = metadata_json(b.metadata);
  o["relatedAccounts"] = json::array{};
  return o;
}

namespace {
/// The task's last error as text: its "message", else the JSON itself.
std::optional<std::string> last_error_text(const store::TaskRecord& t) {
  if (!t.last_error) return std::nullopt;
  const json::value& e = *t.last_error;
  if (e.is_object() && e.as_object().contains("message") && e.at("message").is_string())
    return std::string(e.at("message").get_string());
  if (e.is_string()) return std::string(e.get_string());
  return json::serialize(e);
}

/// attempts, and nextAttemptAt while a PROCESSING task waits (no lease held: not running now).
void put_progress(json::object& o, const store::TaskRecord& t) {
  o["attempts"] = t.attempts;
  if (t.status == store::task_status::kProcessing && !t.lease_owner && t.next_run_at)
    o["nextAttemptAt"] = rfc3339(*t.next_run_at);
}
}  // namespace

json::object task_json(const store::TaskRecord& t) {
  json::object o;
  o["id"] = t.id;
  if (t.connector_id) o["connectorID"] = *t.connector_id;
  o["status"] = t.status;
  o["createdAt"] = rfc3339(t.created_at);
  o["updatedAt"] = rfc3339(t.updated_at);
  put_if(o, "createdObjectID", t.created_object_id);
  if (t.status != store::task_status::kSucceeded)
    if (auto e = last_error_text(t)) o["error"] = *e;
  put_progress(o, t);
  return o;
}

json::object schedule_json(const store::ScheduleRecord& s) {
  json::object o;
  o["id"] = s.id;
  o["connectorID"] = s.connector_id;
  o["createdAt"] = rfc3339(s.created_at);
  if (s.paused_at) o["pausedAt"] = rfc3339(*s.paused_at);
  put_if(o, "pausedReason", s.paused_reason);
  return o;
}

json::object schedule_instance_json(const store::ScheduleInstanceRecord& i, const std::optional<store::TaskRecord>& task) {
  json::object o;
  o["id"] = i.id;
  o["connectorID"] = i.connector_id;
  o["scheduleID"] = i.schedule_id;
  o["createdAt"] = rfc3339(i.created_at);
  o["updatedAt"] = rfc3339(i.updated_at);
  o["terminated"] = i.terminated;
  if (i.terminated_at) o["terminatedAt"] = rfc3339(*i.terminated_at);
  put_if(o, "error", i.error);
  if (task && !i.terminated) {
    put_progress(o, *task);
    if (auto e = last_error_text(*task)) o["lastError"] = *e;
  }
  return o;
}

}  // namespace cx::api
