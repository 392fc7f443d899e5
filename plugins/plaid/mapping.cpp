#include "mapping.hpp"

#include "amounts.hpp"

#include <connectivity/json.hpp>
#include <connectivity/time.hpp>

#include <set>

namespace cx::plaid {

namespace {
void with_ctx(std::optional<std::string>& provider_user_id, std::optional<std::string>& connection_id,
              const MapContext& ctx) {
  provider_user_id = ctx.provider_user_id;
  if (!ctx.connection_id.empty()) connection_id = ctx.connection_id;
}

void put_meta(cx::Metadata& m, const char* key, const boost::json::object& o, const char* field) {
  if (auto v = json::string_or_none(o, field)) m[key] = *v;
}
}  // namespace

std::optional<std::string> normalize_time(const std::string& text) {
  auto ms = cx::time::parse_rfc3339(text, /*naive_is_utc=*/true);
  if (!ms) return std::nullopt;
  return cx::time::format_rfc3339(*ms);
}

std::optional<cx::Account> map_account(const boost::json::object& a, const MapContext& ctx, Skipped& skipped) {
  auto id = json::string_or_none(a, "account_id");
  if (!id || id->empty()) {
    skipped.push_back("account without account_id");
    return std::nullopt;
  }
  cx::Account acc;
  acc.reference = *id;
  acc.created_at = ctx.now;
  acc.name = json::string_or_none(a, "name");
  if (auto* b = json::object_or_null(a, "balances"))
    if (auto cur = currency_of(*b, nullptr)) acc.default_asset = cur->asset();
  put_meta(acc.metadata, "accountType", a, "type");
  put_meta(acc.metadata, "plaid.subtype", a, "subtype");
  put_meta(acc.metadata, "plaid.mask", a, "mask");
  put_meta(acc.metadata, "plaid.official_name", a, "official_name");
  acc.raw = a;
  with_ctx(acc.provider_user_id, acc.connection_id, ctx);
  return acc;
}

std::optional<cx::Balance> map_balance(const boost::json::object& a, const MapContext& ctx, Skipped& skipped) {
  std::string id = json::string_or_none(a, "account_id").value_or("");
  auto* b = json::object_or_null(a, "balances");
  const boost::json::value* current = b ? b->if_contains("current") : nullptr;
  if (!current || current->is_null()) {
    skipped.push_back("balance of account " + id + ": balances.current is null");
    return std::nullopt;
  }
  std::string reason;
  auto cur = currency_of(*b, &reason);
  if (!cur) {
    skipped.push_back("balance of account " + id + ": " + reason);
    return std::nullopt;
  }
  auto amount = minor_units(*current, cur->precision);
  if (!amount) {
    skipped.push_back("balance of account " + id + ": current " + json::number_text(*current).value_or("?") +
                      " is not exact at " + cur->asset());
    return std::nullopt;
  }
  std::string type = json::string_or_none(a, "type").value_or("");
  if ((type == "credit" || type == "loan") && *amount != "0")
    *amount = (*amount)[0] == '-' ? amount->substr(1) : "-" + *amount;
  cx::Balance bal;
  bal.account_reference = id;
  bal.amount = *amount;
  bal.asset = cur->asset();
  bal.created_at = ctx.now;
  if (auto t = json::string_or_none(*b, "last_updated_datetime"))
    if (auto n = normalize_time(*t)) bal.created_at = *n;
  with_ctx(bal.provider_user_id, bal.connection_id, ctx);
  return bal;
}

std::optional<cx::Payment> map_transaction(const boost::json::object& t, const MapContext& ctx, Skipped& skipped) {
  std::string id = json::string_or_none(t, "transaction_id").value_or("");
  std::string account = json::string_or_none(t, "account_id").value_or("");
  if (id.empty() || account.empty()) {
    skipped.push_back("transaction without transaction_id or account_id");
    return std::nullopt;
  }
  std::string reason;
  auto cur = currency_of(t, &reason);
  if (!cur) {
    skipped.push_back("transaction " + id + ": " + reason);
    return std::nullopt;
  }
  const boost::json::value* amount = t.if_contains("amount");
  auto minor = amount ? abs_minor_units(*amount, cur->precision) : std::nullopt;
  if (!minor) {
    skipped.push_back("transaction " + id + ": amount " + (amount ? json::number_text(*amount).value_or("?") : "null") +
                      " is not exact at " + cur->asset());
    return std::nullopt;
  }
  bool out = amount->is_double() ? amount->get_double() > 0
                                 : (amount->is_int64() ? amount->get_int64() > 0 : amount->get_uint64() > 0);
  cx::Payment p;
  p.reference = id;
  p.type = out ? cx::payment_type::kPayout : cx::payment_type::kPayIn;
  if (out) p.source_account_reference = account;
  else p.destination_account_reference = account;
  p.amount = *minor;
  p.asset = cur->asset();
  p.scheme = "OTHER";
  auto* pending = t.if_contains("pending");
  p.status = pending && pending->is_bool() && pending->get_bool() ? cx::payment_status::kPending
                                                                   : cx::payment_status::kSucceeded;
  p.created_at = ctx.now;
  for (const char* field : {"authorized_datetime", "datetime", "authorized_date", "date"}) {
    if (auto v = json::string_or_none(t, field))
      if (auto n = normalize_time(*v)) {
        p.created_at = *n;
        break;
      }
  }
  put_meta(p.metadata, "plaid.pending_transaction_id", t, "pending_transaction_id");
  put_meta(p.metadata, "plaid.name", t, "name");
  put_meta(p.metadata, "plaid.merchant_name", t, "merchant_name");
  put_meta(p.metadata, "plaid.payment_channel", t, "payment_channel");
  put_meta(p.metadata, "plaid.date", t, "date");
  put_meta(p.metadata, "plaid.authorized_date", t, "authorized_date");
  p.raw = t;
  with_ctx(p.provider_user_id, p.connection_id, ctx);
  return p;
}

SyncChanges fold_sync_page(const boost::json::object& resp, const MapContext& ctx, Skipped& skipped) {
  SyncChanges out;
  std::vector<std::string> removed;
  if (auto* r = json::array_or_null(resp, "removed"))
    for (auto& v : *r)
      if (v.is_object())
        if (auto id = json::string_or_none(v.get_object(), "transaction_id")) removed.push_back(*id);
  std::set<std::string> removed_set(removed.begin(), removed.end());
  std::set<std::string> deleting;
  auto add_delete = [&](const std::string& ref) {
    if (deleting.insert(ref).second) out.to_delete.push_back(cx::PaymentToDelete{ref});
  };
  std::set<std::string> emitted;
  for (const char* list : {"added", "modified"}) {
    auto* arr = json::array_or_null(resp, list);
    if (!arr) continue;
    for (auto& v : *arr) {
      if (!v.is_object()) continue;
      auto& t = v.get_object();
      std::string id = json::string_or_none(t, "transaction_id").value_or("");
      if (removed_set.count(id)) continue;
      auto* pending = t.if_contains("pending");
      bool is_pending = pending && pending->is_bool() && pending->get_bool();
      if (!is_pending)
        if (auto replaced = json::string_or_none(t, "pending_transaction_id"); replaced && !replaced->empty() && *replaced != id)
          add_delete(*replaced);
      if (auto p = map_transaction(t, ctx, skipped)) {
        emitted.insert(p->reference);
        out.payments.push_back(std::move(*p));
      }
    }
  }
  for (auto& id : removed) add_delete(id);
  std::erase_if(out.to_delete, [&](const cx::PaymentToDelete& d) { return emitted.count(d.reference) > 0; });
  return out;
}

}  // namespace cx::plaid
