#include "host/util/ids.hpp"

#include "host/util/canonical_json.hpp"
#include "host/util/encoding.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace cx::ids {
namespace json = boost::json;
namespace {

std::string to_id(const json::value& v) { return util::base64url_encode(canonical_json(v)); }

std::optional<json::object> parse_object(std::string_view text) {
  if (text.empty() || text.size() > 4096) return std::nullopt;
  auto raw = util::base64url_decode(text);
  if (!raw) return std::nullopt;
  json::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::optional<std::string> string_member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

std::optional<ConnectorID> connector_from(const json::value& v, bool allow_zero) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  auto provider = string_member(o, "Provider");
  auto ref = string_member(o, "Reference");
  if (!provider || !ref) return std::nullopt;
  auto uuid = normalize_uuid(*ref);
  if (!uuid) return std::nullopt;
  if (provider->empty() && !(allow_zero && *uuid == kNilUuid)) return std::nullopt;
  return ConnectorID{*provider, *uuid};
}

std::optional<ConnectorID> connector_member(const json::object& o, bool allow_zero = false) {
  auto it = o.find("ConnectorID");
  if (it == o.end()) return std::nullopt;
  return connector_from(it->value(), allow_zero);
}

json::value payment_json(const PaymentID& id) {
  return json::object{{"ConnectorID", to_json(id.connector_id)}, {"Reference", id.reference}, {"Type", id.type}};
}

std::optional<PaymentID> payment_from(const json::object& o) {
  auto c = connector_member(o);
  auto ref = string_member(o, "Reference");
  auto type = string_member(o, "Type");
  if (!c || !ref || !type || !is_payment_type(*type)) return std::nullopt;
  return PaymentID{*c, *ref, *type};
}

}  // namespace

std::optional<std::string> normalize_uuid(std::string_view s) {
  if (!util::is_uuid(s)) return std::nullopt;
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_payment_type(std::string_view t) {
  return t == "PAY-IN" || t == "PAYOUT" || t == "TRANSFER" || t == "OTHER" || t == "UNKNOWN";
}

json::value to_json(const ConnectorID& id) {
  return json::object{{"Provider", id.provider}, {"Reference", id.reference}};
}

std::string encode(const ConnectorID& id) { return to_id(to_json(id)); }

std::string encode(const AccountID& id) {
  return to_id(json::object{{"ConnectorID", to_json(id.connector_id)}, {"Reference", id.reference}});
}

std::string encode(const PaymentID& id) { return to_id(payment_json(id)); }

std::string encode(const PaymentAdjustmentID& id) {
  return to_id(json::object{{"PaymentID", payment_json(id.payment_id)},
                            {"Reference", id.reference},
                            {"CreatedAt", id.created_at},
                            {"Status", id.status}});
}

std::string encode(const ScopedID& id) {
  return to_id(json::object{{"ConnectorID", to_json(id.connector_id)}, {"Reference", id.reference}});
}

std::string encode(const CallbackState& s) {
  return to_id(json::object{{"attemptID", s.attempt_id}, {"randomized", s.randomized}});
}

std::optional<ConnectorID> decode_connector_id(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  return connector_from(*o, false);
}

std::optional<AccountID> decode_account_id(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  auto c = connector_member(*o);
  auto ref = string_member(*o, "Reference");
  if (!c || !ref) return std::nullopt;
  return AccountID{*c, *ref};
}

std::optional<PaymentID> decode_payment_id(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  return payment_from(*o);
}

std::optional<PaymentAdjustmentID> decode_payment_adjustment_id(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  auto it = o->find("PaymentID");
  if (it == o->end() || !it->value().is_object()) return std::nullopt;
  auto p = payment_from(it->value().get_object());
  auto ref = string_member(*o, "Reference");
  auto created = string_member(*o, "CreatedAt");
  auto status = string_member(*o, "Status");
  if (!p || !ref || !created || !status) return std::nullopt;
  return PaymentAdjustmentID{*p, *ref, *created, *status};
}

std::optional<ScopedID> decode_scoped_id(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  auto c = connector_member(*o, true);
  auto ref = string_member(*o, "Reference");
  if (!c || !ref || ref->empty()) return std::nullopt;
  return ScopedID{*c, *ref};
}

std::optional<CallbackState> decode_callback_state(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  auto a = string_member(*o, "attemptID");
  auto r = string_member(*o, "randomized");
  if (!a || !r) return std::nullopt;
  auto au = normalize_uuid(*a), ru = normalize_uuid(*r);
  if (!au || !ru) return std::nullopt;
  return CallbackState{*au, *ru};
}

}  // namespace cx::ids
