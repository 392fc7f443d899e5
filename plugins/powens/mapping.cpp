#include "mapping.hpp"

#include "paris_time.hpp"

#include <connectivity/json.hpp>
#include <connectivity/money.hpp>
#include <connectivity/time.hpp>

namespace powens {

namespace json = boost::json;

namespace {

std::string key(const char* name) { return std::string(kMetadataPrefix) + name; }

void put(cx::Metadata& m, const char* name, const std::optional<std::string>& v) {
  if (v && !v->empty()) m[key(name)] = *v;
}

/// A scalar member as text (strings as is, integers in decimal, booleans as true/false).
std::optional<std::string> scalar(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (!v) return std::nullopt;
  if (v->is_bool()) return std::string(v->get_bool() ? "true" : "false");
  return cx::json::id_text(v);
}

std::optional<std::string> utc_of(const json::object& o, std::string_view k) {
  auto s = cx::json::text_or_none(o, k);
  return s ? paris_to_rfc3339(*s) : std::nullopt;
}

}  // namespace

std::optional<std::string> asset_of(const json::object* currency) {
  if (!currency) return std::nullopt;
  auto code = cx::json::text_or_none(*currency, "id");
  auto* p = currency->if_contains("precision");
  if (!code || !p || !p->is_int64() || p->get_int64() < 0 || p->get_int64() > 18) return std::nullopt;
  std::string asset = cx::money::make_asset(*code, static_cast<int>(p->get_int64()));
  if (!cx::money::is_valid_asset(asset)) return std::nullopt;
  return asset;
}

std::optional<std::string> amount_to_minor(const json::value* amount, int precision, std::string* why) {
  if (!amount || amount->is_null()) {
    if (why) *why = "amount is null";
    return std::nullopt;
  }
  auto text = cx::json::decimal_text(amount);
  if (!text) {
    if (why) *why = "amount is not a decimal number";
    return std::nullopt;
  }
  auto minor = cx::money::decimal_to_minor(*text, precision);
  if (!minor && why)
    *why = "amount " + *text + " is not a number with at most " + std::to_string(precision) + " decimals";
  return minor;
}

std::optional<cx::Account> map_account(const json::object& a, const Owner& owner, int64_t now_ms, std::string* why) {
  auto id = cx::json::id_text(a.if_contains("id"));
  if (!id) {
    if (why) *why = "account has no id";
    return std::nullopt;
  }
  cx::Account acc;
  acc.reference = *id;
  std::optional<std::string> created = utc_of(a, "created");
  if (!created) created = utc_of(a, "opening_date");
  acc.created_at = created.value_or(cx::time::format_rfc3339(now_ms));
  acc.name = cx::json::text_or_none(a, "original_name");
  if (!acc.name) acc.name = cx::json::text_or_none(a, "name");
  acc.default_asset = asset_of(cx::json::object_or_null(a, "currency"));

  put(acc.metadata, "account_id", id);
  put(acc.metadata, "iban", cx::json::text_or_none(a, "iban"));
  put(acc.metadata, "bic", cx::json::text_or_none(a, "bic"));
  put(acc.metadata, "account_number", cx::json::text_or_none(a, "number"));
  put(acc.metadata, "name", cx::json::text_or_none(a, "name"));
  put(acc.metadata, "type", cx::json::text_or_none(a, "type"));
  put(acc.metadata, "usage", cx::json::text_or_none(a, "usage"));
  put(acc.metadata, "error", scalar(a, "error"));

  json::object raw = a;
  raw.erase("transactions");
  acc.raw = std::move(raw);
  acc.provider_user_id = owner.provider_user_id;
  if (!acc.provider_user_id) acc.provider_user_id = cx::json::id_text(a.if_contains("id_user"));
  acc.connection_id = owner.connection_id;
  if (!acc.connection_id) acc.connection_id = cx::json::id_text(a.if_contains("id_connection"));
  return acc;
}

std::optional<cx::Balance> map_balance(const json::object& a, const Owner& owner, int64_t now_ms, std::string* why) {
  auto id = cx::json::id_text(a.if_contains("id"));
  auto asset = asset_of(cx::json::object_or_null(a, "currency"));
  if (!id || !asset) {
    if (why) *why = !id ? "account has no id" : "account has no valid currency {id, precision}";
    return std::nullopt;
  }
  std::string reason;
  auto minor = amount_to_minor(a.if_contains("balance"), cx::money::asset_precision(*asset), &reason);
  if (!minor) {
    if (why) *why = "balance: " + reason;
    return std::nullopt;
  }
  cx::Balance b;
  b.account_reference = *id;
  b.created_at = utc_of(a, "last_update").value_or(cx::time::format_rfc3339(now_ms));
  b.amount = *minor;
  b.asset = *asset;
  b.provider_user_id = owner.provider_user_id;
  if (!b.provider_user_id) b.provider_user_id = cx::json::id_text(a.if_contains("id_user"));
  b.connection_id = owner.connection_id;
  if (!b.connection_id) b.connection_id = cx::json::id_text(a.if_contains("id_connection"));
  return b;
}

void map_transaction(const json::object& tx, const std::string& account_ref, const std::string& asset,
                     const Owner& owner, PaymentBatch& out) {
  auto id = cx::json::id_text(tx.if_contains("id"));
  if (!id) {
    out.rejected.push_back({"?", "transaction has no id"});
    return;
  }
  if (cx::json::truthy(tx, "deleted")) {
    out.to_delete.push_back({*id});
    return;
  }
  if (asset.empty()) {
    out.rejected.push_back({*id, "account " + account_ref + " has no valid currency"});
    return;
  }
  std::string reason;
  auto minor = amount_to_minor(tx.if_contains("value"), cx::money::asset_precision(asset), &reason);
  if (!minor) {
    out.rejected.push_back({*id, reason + " (asset " + asset + ")"});
    return;
  }
  std::optional<std::string> created = utc_of(tx, "datetime");
  if (!created) created = utc_of(tx, "date");
  if (!created) {
    out.rejected.push_back({*id, "transaction has no valid date"});
    return;
  }

  cx::Payment p;
  p.reference = *id;
  p.created_at = *created;
  bool negative = !minor->empty() && (*minor)[0] == '-';
  p.amount = cx::money::abs_integer(*minor);
  p.asset = asset;
  p.scheme = "OTHER";
  if (negative) {
    p.type = cx::payment_type::kPayout;
    p.source_account_reference = account_ref;
  } else {
    p.type = cx::payment_type::kPayIn;
    p.destination_account_reference = account_ref;
  }
  p.status = cx::json::truthy(tx, "coming") ? cx::payment_status::kPending : cx::payment_status::kSucceeded;

  put(p.metadata, "transaction_id", id);
  std::optional<std::string> category = cx::json::id_text(tx.if_contains("id_category"));
  if (!category)
    if (auto* cats = cx::json::array_or_null(tx, "categories"); cats && !cats->empty() && cats->front().is_object())
      category = cx::json::id_text(cats->front().get_object().if_contains("code"));
  put(p.metadata, "category_id", category);
  put(p.metadata, "description", cx::json::text_or_none(tx, "wording"));
  put(p.metadata, "original_wording", cx::json::text_or_none(tx, "original_wording"));
  put(p.metadata, "simplified_wording", cx::json::text_or_none(tx, "simplified_wording"));
  put(p.metadata, "last_update", cx::json::text_or_none(tx, "last_update"));
  put(p.metadata, "type", cx::json::text_or_none(tx, "type"));

  p.raw = tx;
  p.provider_user_id = owner.provider_user_id;
  p.connection_id = owner.connection_id;
  out.payments.push_back(std::move(p));
}

std::optional<cx::Account> map_counterparty(const json::object& tx, const Owner& owner, int64_t now_ms) {
  auto* cp = cx::json::object_or_null(tx, "counterparty");
  if (!cp) return std::nullopt;
  auto identification = cx::json::text_or_none(*cp, "account_identification");
  auto ref = cx::json::id_text(cp->if_contains("id"));
  if (!ref) ref = identification;
  if (!ref) return std::nullopt;
  cx::Account acc;
  acc.reference = *ref;
  acc.created_at = utc_of(tx, "date").value_or(cx::time::format_rfc3339(now_ms));
  acc.name = cx::json::text_or_none(*cp, "label");
  put(acc.metadata, "counterparty_id", ref);
  auto scheme = cx::json::text_or_none(*cp, "account_scheme_name");
  if (identification) {
    if (scheme == "iban") put(acc.metadata, "iban", identification);
    else put(acc.metadata, "account_number", identification);
  }
  put(acc.metadata, "name", acc.name);
  acc.raw = *cp;
  acc.provider_user_id = owner.provider_user_id;
  acc.connection_id = owner.connection_id;
  return acc;
}

void log_rejections(const cx::Host& host, const char* kind, const std::vector<Rejection>& rejected) {
  for (auto& r : rejected) host.error(std::string("powens: ") + kind + " " + r.reference + " rejected: " + r.reason);
}

}  // namespace powens
