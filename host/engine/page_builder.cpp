#include "host/engine/page_builder.hpp"

#include "host/store/references.hpp"
#include "host/util/log.hpp"

#include <connectivity/money.hpp>
#include <connectivity/time.hpp>

namespace cx::engine {

namespace {
std::string str(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}
std::optional<std::string> opt(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}
store::Metadata metadata(const boost::json::object& o) {
  store::Metadata m;
  if (auto* v = o.if_contains("metadata"); v && v->is_object())
    for (auto& [k, val] : v->get_object())
      if (val.is_string()) m[std::string(k)] = std::string(val.get_string());
  return m;
}
std::string raw(const boost::json::object& o) {
  auto* v = o.if_contains("raw");
  return v && v->is_object() ? boost::json::serialize(*v) : "{}";
}
bool payment_type(const std::string& t) { return t == "PAY-IN" || t == "PAYOUT" || t == "TRANSFER" || t == "OTHER"; }
}  // namespace

PageBuilder::PageBuilder(ItemOwner owner, PsuResolver resolve) : owner_(std::move(owner)), resolve_(std::move(resolve)) {
  page_.connector_id = owner_.connector_id;
}

std::string PageBuilder::reference(const std::string& provider_ref) const {
  return owner_.references ? store::references::pseudonymous(*owner_.references, provider_ref) : provider_ref;
}

std::string PageBuilder::account_id(const std::string& provider_ref) const {
  return ids::encode(ids::AccountID{owner_.connector, reference(provider_ref)});
}

PageBuilder::Owner PageBuilder::owner_of(const boost::json::object& item) {
  Owner o{owner_.psu_id, owner_.connection_id};
  if (auto c = opt(item, "connectionID")) o.connection_id = c;
  if (auto puid = opt(item, "providerUserID"); puid && resolve_) {
    auto it = resolved_.find(*puid);
    if (it == resolved_.end()) it = resolved_.emplace(*puid, resolve_(*puid)).first;
    if (it->second) o.psu_id = it->second;
  }
  return o;
}

void PageBuilder::reject(const char* kind, const boost::json::object& item, const std::string& why) {
  ++rejected_;
  util::log().warn("[{}] {} {} rejected: {}", owner_.connector.provider, kind, str(item, "reference"), why);
}

void PageBuilder::add_accounts(const boost::json::value& items, const char* account_type) {
  if (!items.is_array()) return;
  for (auto& v : items.get_array()) {
    if (!v.is_object()) continue;
    auto& a = v.get_object();
    std::string ref = str(a, "reference");
    auto created = time::parse_rfc3339(str(a, "createdAt"));
    auto asset = opt(a, "defaultAsset");
    if (ref.empty()) { reject("account", a, "missing reference"); continue; }
    if (!created) { reject("account", a, "createdAt is not an RFC 3339 timestamp"); continue; }
    if (asset && !money::is_valid_asset(*asset)) { reject("account", a, "invalid defaultAsset " + *asset); continue; }
    Owner o = owner_of(a);
    store::AccountRecord r;
    r.id = account_id(ref);
    r.connector_id = owner_.connector_id;
    r.reference = reference(ref);
    r.type = account_type;
    r.name = opt(a, "name");
    r.default_asset = asset;
    r.metadata = metadata(a);
    r.raw_json = raw(a);
    r.psu_id = o.psu_id;
    r.connection_id = o.connection_id;
    r.created_at = *created;
    page_.accounts.push_back(std::move(r));
    account_items_.push_back(a);
  }
}

void PageBuilder::add_balances(const boost::json::value& items) {
  if (!items.is_array()) return;
  for (auto& v : items.get_array()) {
    if (!v.is_object()) continue;
    auto& b = v.get_object();
    std::string ref = str(b, "accountReference"), amount = str(b, "amount"), asset = str(b, "asset");
    auto created = time::parse_rfc3339(str(b, "createdAt"));
    if (ref.empty()) { reject("balance", b, "missing accountReference"); continue; }
    if (!money::is_integer_text(amount)) { reject("balance", b, "amount is not an integer in minor units"); continue; }
    if (!money::is_valid_asset(asset)) { reject("balance", b, "invalid asset " + asset); continue; }
    if (!created) { reject("balance", b, "createdAt is not an RFC 3339 timestamp"); continue; }
    Owner o = owner_of(b);
    store::BalanceRecord r;
    r.account_id = account_id(ref);
    r.asset = asset;
    r.balance = money::normalize_integer(amount);
    r.created_at = *created;
    r.psu_id = o.psu_id;
    r.connection_id = o.connection_id;
    page_.balances.push_back(std::move(r));
  }
}

void PageBuilder::add_payments(const boost::json::value& items) {
  if (!items.is_array()) return;
  for (auto& v : items.get_array()) {
    if (!v.is_object()) continue;
    auto& p = v.get_object();
    std::string ref = str(p, "reference"), type = str(p, "type"), amount = str(p, "amount"), asset = str(p, "asset");
    std::string created_text = str(p, "createdAt");
    auto created = time::parse_rfc3339(created_text);
    if (ref.empty()) { reject("payment", p, "missing reference"); continue; }
    if (!payment_type(type)) { reject("payment", p, "unknown type " + type); continue; }
    if (!money::is_integer_text(amount) || amount[0] == '-') { reject("payment", p, "amount must be a non-negative integer in minor units"); continue; }
    if (!money::is_valid_asset(asset)) { reject("payment", p, "invalid asset " + asset); continue; }
    if (!created) { reject("payment", p, "createdAt is not an RFC 3339 timestamp"); continue; }
    Owner o = owner_of(p);
    std::string status = str(p, "status");
    if (status.empty()) status = "SUCCEEDED";
    ref = reference(ref);
    std::string payment_ref = reference(opt(p, "parentReference").value_or(ref));
    ids::PaymentID pid{owner_.connector, payment_ref, type};
    store::PaymentWrite w;
    w.id = ids::encode(pid);
    w.adjustment_id = ids::encode(ids::PaymentAdjustmentID{pid, ref, time::format_rfc3339(*created), status});
    w.connector_id = owner_.connector_id;
    w.reference = payment_ref;
    w.adjustment_reference = ref;
    w.type = type;
    w.amount = money::normalize_integer(amount);
    w.asset = asset;
    if (auto s = opt(p, "scheme")) w.scheme = *s;
    w.status = status;
    if (auto s = opt(p, "sourceAccountReference")) w.source_account_id = account_id(*s);
    if (auto d = opt(p, "destinationAccountReference")) w.destination_account_id = account_id(*d);
    w.psu_id = o.psu_id;
    w.connection_id = o.connection_id;
    w.metadata = metadata(p);
    w.raw_json = raw(p);
    w.created_at = *created;
    page_.payments.push_back(std::move(w));
  }
}

void PageBuilder::add_payments_to_delete(const boost::json::value& items) {
  if (!items.is_array()) return;
  for (auto& v : items.get_array()) {
    if (!v.is_object()) continue;
    std::string ref = reference(str(v.get_object(), "reference"));
    if (ref.empty()) continue;
    for (const char* type : {"PAY-IN", "PAYOUT", "TRANSFER", "OTHER"})
      page_.payment_ids_to_delete.push_back(ids::encode(ids::PaymentID{owner_.connector, ref, type}));
  }
}

}  // namespace cx::engine
