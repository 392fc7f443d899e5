#include "mapping.hpp"

#include <connectivity/money.hpp>
#include <connectivity/time.hpp>

#include <array>

namespace cx::generic {
namespace {

using json::optional_string;
using json::quoted;
using json::required_string;

/// metadata: an object of strings, or null/absent. Non-string values are kept as their JSON text.
Metadata map_metadata(const boost::json::object& item) {
  Metadata m;
  auto* v = item.if_contains("metadata");
  if (!v || v->is_null()) return m;
  if (!v->is_object()) throw BadItem("metadata " + quoted(*v) + " is not an object");
  for (auto& [k, val] : v->get_object())
    m[std::string(k)] = val.is_string() ? std::string(val.get_string()) : boost::json::serialize(val);
  return m;
}

std::string created_at(const boost::json::object& item) { return time::format_rfc3339(timestamp_ms(item, "createdAt")); }

}  // namespace

int64_t timestamp_ms(const boost::json::object& item, const char* field) {
  auto* v = item.if_contains(field);
  if (!v || v->is_null()) throw BadItem(std::string(field) + " is missing");
  if (!v->is_string()) throw BadItem(std::string(field) + " " + quoted(*v) + " is not a string");
  auto ms = time::parse_rfc3339(v->get_string());
  if (!ms) throw BadItem(std::string(field) + " " + quoted(*v) + " is not an RFC 3339 date-time with an offset");
  return *ms;
}

std::string id_for_log(const boost::json::value& item) {
  if (item.is_object())
    if (auto* id = item.get_object().if_contains("id"); id && id->is_string() && !id->get_string().empty())
      return std::string(id->get_string());
  return "(no id)";
}

std::string map_asset(const boost::json::value* currency) {
  if (!currency || currency->is_null()) throw BadItem("currency is missing");
  if (!currency->is_string()) throw BadItem("currency " + quoted(*currency) + " is not a string");
  std::string_view a = currency->get_string();
  if (!money::is_valid_asset(a))
    throw BadItem("currency " + quoted(*currency) + " is not a UMN asset such as \"USD/2\" or \"JPY\"");
  if (a.find('/') == std::string_view::npos) return std::string(a) + "/0";
  return std::string(a);
}

std::string map_amount(const boost::json::value* amount, bool allow_negative) {
  if (!amount || amount->is_null()) throw BadItem("amount is missing");
  if (!amount->is_string()) throw BadItem("amount " + quoted(*amount) + " is not a string of minor units");
  std::string_view text = amount->get_string();
  if (!money::is_integer_text(text))
    throw BadItem("amount " + quoted(*amount) + " is not an integer string in minor units");
  std::string normalized = money::normalize_integer(text);
  if (!allow_negative && normalized.front() == '-')
    throw BadItem("amount " + quoted(*amount) + " is negative; the direction belongs in the type");
  return normalized;
}

std::string map_payment_type(std::string_view type) {
  if (type == "PAYIN") return payment_type::kPayIn;
  if (type == "PAYOUT") return payment_type::kPayout;
  if (type == "TRANSFER") return payment_type::kTransfer;
  if (type == "OTHER") return payment_type::kOther;
  throw BadItem("type \"" + std::string(type) + "\" is not one of PAYIN, PAYOUT, TRANSFER, OTHER");
}

std::string map_payment_status(std::string_view status) {
  static constexpr std::array<std::string_view, 15> kStatuses = {
      "PENDING",  "SUCCEEDED",    "FAILED",      "CANCELLED",     "EXPIRED",
      "REFUNDED", "REFUNDED_FAILURE", "REFUND_REVERSED", "DISPUTE", "DISPUTE_WON",
      "DISPUTE_LOST", "AUTHORISATION", "CAPTURE", "CAPTURE_FAILED", "OTHER"};
  for (auto s : kStatuses)
    if (s == status) return std::string(s);
  throw BadItem("status \"" + std::string(status) + "\" is not a TransactionStatus");
}

std::string map_scheme(const boost::json::value* scheme) {
  static constexpr std::array<std::string_view, 23> kSchemes = {
      "CARD_VISA", "CARD_MASTERCARD", "CARD_AMEX",  "CARD_DINERS", "CARD_DISCOVER", "CARD_JCB",
      "CARD_UNION_PAY", "CARD_ALIPAY", "CARD_CUP", "SEPA_DEBIT", "SEPA_CREDIT", "SEPA",
      "GOOGLE_PAY", "APPLE_PAY", "DOKU", "DRAGON_PAY", "MAESTRO", "MOL_PAY", "A2A",
      "ACH_DEBIT", "ACH", "RTP", "OTHER"};
  if (scheme && scheme->is_string())
    for (auto s : kSchemes)
      if (s == scheme->get_string()) return std::string(s);
  return "OTHER";
}

Account map_account(const boost::json::object& item) {
  Account a;
  a.reference = required_string(item, "id");
  a.name = required_string(item, "accountName");
  a.created_at = created_at(item);
  a.metadata = map_metadata(item);
  a.raw = item;
  return a;
}

Account map_beneficiary(const boost::json::object& item) {
  Account a;
  a.reference = required_string(item, "id");
  a.name = required_string(item, "ownerName");
  a.created_at = created_at(item);
  a.metadata = map_metadata(item);
  a.raw = item;
  return a;
}

Payment map_transaction(const boost::json::object& item) {
  Payment p;
  p.reference = required_string(item, "id");
  p.parent_reference = optional_string(item, "relatedTransactionID");
  p.created_at = created_at(item);
  timestamp_ms(item, "updatedAt");
  p.type = map_payment_type(required_string(item, "type"));
  p.status = map_payment_status(required_string(item, "status"));
  p.amount = map_amount(item.if_contains("amount"), false);
  p.asset = map_asset(item.if_contains("currency"));
  p.scheme = map_scheme(item.if_contains("scheme"));
  p.source_account_reference = optional_string(item, "sourceAccountID");
  p.destination_account_reference = optional_string(item, "destinationAccountID");
  p.metadata = map_metadata(item);
  p.raw = item;
  return p;
}

Balance map_balance(const boost::json::object& entry, const std::string& account_reference, const std::string& at) {
  Balance b;
  b.account_reference = account_reference;
  b.created_at = at;
  b.amount = map_amount(entry.if_contains("amount"), true);
  b.asset = map_asset(entry.if_contains("currency"));
  return b;
}

}  // namespace cx::generic
