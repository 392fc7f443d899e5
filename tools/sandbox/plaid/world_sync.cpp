// Plaid sandbox: Plaid JSON of accounts, transactions and Items; /transactions/sync over each
// Item's change log; data changes (posting, creation, injected faults); ground truth.
#include "world.hpp"

#include "render.hpp"

#include "host/util/encoding.hpp"
#include <connectivity/json.hpp>

#include <connectivity/money.hpp>
#include <connectivity/time.hpp>

#include <set>

namespace cx::sandbox::plaid {

namespace {
const int64_t kDay = 86'400'000;
PlaidErr bad_cursor() {
  return PlaidErr{400, "INVALID_REQUEST", "INVALID_FIELD", "cursor is not valid; use the next_cursor of the last response", std::nullopt};
}
std::string encode_cursor(const std::string& item_id, size_t pos, size_t snapshot) {
  return cx::util::base64url_encode("v1|" + item_id + "|" + std::to_string(pos) + "|" + std::to_string(snapshot));
}
bool decode_cursor(const std::string& c, const std::string& item_id, size_t& pos, size_t& snapshot) {
  auto raw = cx::util::base64url_decode(c);
  if (!raw) return false;
  std::string prefix = "v1|" + item_id + "|";
  if (raw->rfind(prefix, 0) != 0) return false;
  auto bar = raw->find('|', prefix.size());
  if (bar == std::string::npos) return false;
  try {
    pos = std::stoull(raw->substr(prefix.size(), bar - prefix.size()));
    snapshot = std::stoull(raw->substr(bar + 1));
  } catch (...) {
    return false;
  }
  return true;
}
}  // namespace

// ------------------------------------------------------------------------------------ rendering

Json World::account_json(const Item& item, const Account& a) const {
  int64_t posted = 0, pending_out = 0;
  for (auto& [id, t] : item.live) {
    if (t.account_id != a.id) continue;
    if (t.pending) pending_out += t.minor > 0 ? t.minor : 0;
    else posted += t.minor;
  }
  bool credit = a.type == "credit";
  int64_t current = credit ? a.opening_minor + posted : a.opening_minor - posted;
  Json bal;
  bal["available"] = credit ? (a.limit_minor ? boost::json::value(major(*a.limit_minor - current - pending_out, a.precision)) : boost::json::value(nullptr))
                            : boost::json::value(major(current - pending_out, a.precision));
  bal["current"] = a.null_current ? boost::json::value(nullptr) : boost::json::value(major(current, a.precision));
  bal["limit"] = a.limit_minor ? boost::json::value(major(*a.limit_minor, a.precision)) : boost::json::value(nullptr);
  bal["iso_currency_code"] = a.unofficial ? boost::json::value(nullptr) : boost::json::value(a.currency);
  bal["unofficial_currency_code"] = a.unofficial ? boost::json::value(a.currency) : boost::json::value(nullptr);
  bal["last_updated_datetime"] = nullptr;
  return Json{{"account_id", a.id}, {"balances", bal}, {"mask", a.mask}, {"name", a.name}, {"official_name", a.official_name},
              {"type", a.type}, {"subtype", a.subtype}, {"holder_category", "personal"}};
}

Json World::txn_json(const Item& item, const Txn& t) const {
  const Account* a = item.account(t.account_id);
  bool unofficial = a && a->unofficial;
  std::string cur = a ? a->currency : "USD";
  Json loc{{"address", nullptr}, {"city", nullptr}, {"region", nullptr}, {"postal_code", nullptr}, {"country", nullptr},
           {"lat", nullptr}, {"lon", nullptr}, {"store_number", nullptr}};
  Json meta{{"reference_number", nullptr}, {"ppd_id", nullptr}, {"payee", nullptr}, {"by_order_of", nullptr},
            {"payer", nullptr}, {"payment_method", nullptr}, {"payment_processor", nullptr}, {"reason", nullptr}};
  Json o{{"account_id", t.account_id},
         {"amount", t.raw_amount ? *t.raw_amount : major(t.minor, a ? a->precision : 2)},
         {"iso_currency_code", unofficial ? boost::json::value(nullptr) : boost::json::value(cur)},
         {"unofficial_currency_code", unofficial ? boost::json::value(cur) : boost::json::value(nullptr)},
         {"category", nullptr}, {"category_id", nullptr}, {"check_number", nullptr},
         {"date", t.date}, {"location", loc}, {"name", t.name},
         {"merchant_name", t.merchant.empty() ? boost::json::value(nullptr) : boost::json::value(t.merchant)},
         {"original_description", nullptr}, {"payment_meta", meta}, {"pending", t.pending},
         {"pending_transaction_id", t.pending_transaction_id ? boost::json::value(*t.pending_transaction_id) : boost::json::value(nullptr)},
         {"account_owner", nullptr}, {"transaction_id", t.id}, {"logo_url", nullptr}, {"website", nullptr},
         {"authorized_date", t.authorized_date}, {"authorized_datetime", nullptr}, {"datetime", nullptr},
         {"payment_channel", t.channel}, {"transaction_code", nullptr}, {"merchant_entity_id", nullptr}};
  if (!t.category.empty())
    o["personal_finance_category"] = Json{{"primary", t.category}, {"detailed", t.category + "_OTHER"}, {"confidence_level", "HIGH"}};
  return o;
}

Json World::item_json(const Item& item) const {
  const Institution* inst = find_institution(item.institution_id);
  Json o{{"item_id", item.item_id}, {"institution_id", item.institution_id}, {"institution_name", inst ? inst->name : ""},
         {"webhook", item.webhook.empty() ? boost::json::value(nullptr) : boost::json::value(item.webhook)},
         {"available_products", boost::json::array{"balance", "identity", "investments"}},
         {"billed_products", boost::json::array{"transactions"}}, {"products", boost::json::array{"transactions"}},
         {"consented_products", boost::json::array{"transactions"}}, {"update_type", "background"}, {"auth_method", nullptr}};
  o["error"] = item.error ? boost::json::value(error_body(*item.error, "")) : boost::json::value(nullptr);
  o["consent_expiration_time"] = item.consent_expiration_ms ? boost::json::value(cx::time::format_rfc3339(*item.consent_expiration_ms))
                                                             : boost::json::value(nullptr);
  return o;
}

// ------------------------------------------------------------------------------ transactions/sync

Json World::transactions_sync(const Json& req) {
  int64_t count = 100;
  if (auto* c = req.if_contains("count"); c && !c->is_null()) {
    if (!c->is_int64() || c->get_int64() < 1 || c->get_int64() > 500) throw PlaidErr{400, "INVALID_REQUEST", "INVALID_FIELD", "count must be an integer between 1 and 500", std::nullopt};
    count = c->get_int64();
  }
  std::string cursor;
  if (auto* c = req.if_contains("cursor"); c && c->is_string()) cursor = std::string(c->get_string());
  std::lock_guard l(mu_);
  Item& item = item_by_token(req, false);
  size_t pos = 0, snapshot = 0;
  if (cursor == "now") pos = item.log.size();
  else if (!cursor.empty() && !decode_cursor(cursor, item.item_id, pos, snapshot)) throw bad_cursor();
  if (pos > item.log.size()) throw bad_cursor();
  if (snapshot && snapshot != item.log.size())
    throw PlaidErr{400, "TRANSACTIONS_ERROR", "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
                   "underlying transaction data changed since last page was fetched. please restart pagination from last update.",
                   std::nullopt};
  boost::json::array accounts;
  for (auto& a : item.accounts) accounts.push_back(account_json(item, a));
  if (cursor.empty() && !item.sync_called && faults_.take_not_ready())
    return Json{{"transactions_update_status", "NOT_READY"}, {"accounts", accounts}, {"added", boost::json::array{}},
                {"modified", boost::json::array{}}, {"removed", boost::json::array{}}, {"next_cursor", ""}, {"has_more", false}};
  item.sync_called = true;
  size_t limit = snapshot ? snapshot : item.log.size();
  size_t end = std::min(limit, pos + static_cast<size_t>(count));
  // Collapse the page per transaction: the last state wins, a removal hides earlier changes.
  std::vector<std::string> order;
  std::map<std::string, std::pair<SyncEvent::Kind, const Txn*>> last;
  for (size_t i = pos; i < end; ++i) {
    const SyncEvent& e = item.log[i];
    auto it = last.find(e.txn.id);
    if (it == last.end()) {
      order.push_back(e.txn.id);
      last[e.txn.id] = {e.kind, &e.txn};
    } else {
      SyncEvent::Kind k = e.kind == SyncEvent::kRemoved ? SyncEvent::kRemoved
                          : it->second.first == SyncEvent::kAdded ? SyncEvent::kAdded : e.kind;
      it->second = {k, &e.txn};
    }
  }
  boost::json::array added, modified, removed;
  for (auto& id : order) {
    auto [kind, t] = last[id];
    if (kind == SyncEvent::kRemoved) removed.push_back(Json{{"transaction_id", t->id}, {"account_id", t->account_id}});
    else (kind == SyncEvent::kAdded ? added : modified).push_back(txn_json(item, *t));
  }
  bool has_more = end < limit;
  Json out{{"transactions_update_status", "HISTORICAL_UPDATE_COMPLETE"}, {"accounts", accounts}, {"added", added},
           {"modified", modified}, {"removed", removed}, {"next_cursor", encode_cursor(item.item_id, end, has_more ? limit : 0)},
           {"has_more", has_more}};
  if (has_more && faults_.take_mutation()) {  // data changes while the client pages
    Rng rng{item.rng};
    const Account& a = item.accounts.front();
    Txn t = make_txn(rng, a, clock_.now_ms(), false);
    item.rng = rng.state;
    append(item, SyncEvent::kAdded, t);
  }
  return out;
}

// ----------------------------------------------------------------------------------- data changes

void World::append(Item& item, SyncEvent::Kind kind, const Txn& t) {
  if (kind == SyncEvent::kRemoved) item.live.erase(t.id);
  else item.live[t.id] = t;
  item.log.push_back(SyncEvent{kind, t});
  notify_sync(item);
}

void World::notify_sync(Item& item) {
  if (item.sync_called)
    fire(item, "TRANSACTIONS", "SYNC_UPDATES_AVAILABLE", Json{{"initial_update_complete", true}, {"historical_update_complete", true}});
}

int World::post_due(Item& item, bool force) {
  std::vector<Txn> due;
  int64_t now = clock_.now_ms();
  for (auto& [id, t] : item.live)
    if (t.pending && (force || (t.post_at_ms && t.post_at_ms <= now))) due.push_back(t);
  if (due.empty()) return 0;
  bool was = item.sync_called;
  item.sync_called = false;  // one SYNC_UPDATES_AVAILABLE for the batch
  Rng rng{item.rng};
  for (auto& p : due) {
    Txn q = p;
    q.id = rng.id(37);
    q.pending = false;
    q.pending_transaction_id = p.id;
    q.minor = p.minor + p.tip_minor;
    q.tip_minor = 0;
    q.post_at_ms = 0;
    q.date = ymd(std::min(now, p.post_at_ms ? p.post_at_ms : now));
    append(item, SyncEvent::kRemoved, p);
    append(item, SyncEvent::kAdded, q);
  }
  item.rng = rng.state;
  item.sync_called = was;
  notify_sync(item);
  return static_cast<int>(due.size());
}

int World::post_pending(const std::string& force_item) {
  std::lock_guard l(mu_);
  int n = 0;
  if (!force_item.empty()) return post_due(item_by_id(force_item), true);
  for (auto& [id, item] : items_)
    if (!item.removed) n += post_due(item, false);
  return n;
}

Json World::sandbox_transactions_create(const Json& req) {
  auto* list = req.if_contains("transactions");
  if (!list || !list->is_array()) throw PlaidErr{400, "INVALID_REQUEST", "MISSING_FIELDS", "the following required fields are missing: transactions", std::nullopt};
  std::lock_guard l(mu_);
  Item& item = item_by_token(req);
  if (item.username != "user_transactions_dynamic")
    throw PlaidErr{400, "INVALID_INPUT", "INVALID_FIELD",
                   "/sandbox/transactions/create is only available for Items created with the user_transactions_dynamic test user",
                   std::nullopt};
  std::vector<Txn> created;
  Rng rng{item.rng};
  for (auto& v : list->get_array()) {
    if (!v.is_object()) throw PlaidErr{400, "INVALID_REQUEST", "INVALID_FIELD", "transactions must hold objects", std::nullopt};
    auto& o = v.get_object();
    std::string transacted = need_string(o, "date_transacted"), posted = need_string(o, "date_posted");
    std::string desc = need_string(o, "description");
    auto* amount = o.if_contains("amount");
    auto text = amount ? cx::json::number_text(*amount) : std::nullopt;
    if (!text) throw PlaidErr{400, "INVALID_REQUEST", "INVALID_FIELD", "amount must be a number", std::nullopt};
    std::string currency = "USD";
    if (auto* c = o.if_contains("iso_currency_code"); c && c->is_string()) currency = std::string(c->get_string());
    const Account* acc = nullptr;
    for (auto& a : item.accounts)
      if (!acc && a.currency == currency && a.type == "depository") acc = &a;
    if (!acc) throw PlaidErr{400, "INVALID_INPUT", "INVALID_FIELD", "no depository account in " + currency + " on this Item", std::nullopt};
    Txn t;
    t.id = rng.id(37);
    t.account_id = acc->id;
    auto minor = cx::money::decimal_to_minor(*text, acc->precision);
    if (minor) t.minor = std::stoll(*minor);
    else t.raw_amount = amount->to_number<double>();  // kept as sent, like Plaid
    t.name = desc;
    t.date = posted;
    t.authorized_date = transacted;
    created.push_back(t);
  }
  item.rng = rng.state;
  for (auto& t : created) append(item, SyncEvent::kAdded, t);
  return Json{};
}

Json World::inject(const std::string& item_id, const std::string& kind) {
  std::lock_guard l(mu_);
  Item& item = item_by_id(item_id);
  Rng rng{item.rng};
  Account* usd = nullptr;
  for (auto& a : item.accounts)
    if (!usd && a.type == "depository" && a.precision == 2) usd = &a;
  Json out{{"kind", kind}};
  auto add = [&](Txn t) {
    item.rng = rng.state;
    append(item, SyncEvent::kAdded, t);
    out["transaction_id"] = t.id;
  };
  if (kind == "float_artefact" || kind == "extra_decimals") {
    Txn t = make_txn(rng, *usd, clock_.now_ms(), false);
    t.name = kind == "float_artefact" ? "CHECKCARD 12.3 ROUNDING" : "FX FEE 1.005";
    t.minor = kind == "float_artefact" ? 1230 : 0;
    t.raw_amount = kind == "float_artefact" ? 12.300000000000001 : 1.005;
    add(t);
  } else if (kind == "pending") {
    Txn t = make_txn(rng, *usd, clock_.now_ms(), true);
    t.post_at_ms = clock_.now_ms() + kDay;
    add(t);
  } else if (kind == "modify") {
    for (auto it = item.live.rbegin(); it != item.live.rend(); ++it)
      if (!it->second.pending && !it->second.raw_amount) {
        Txn t = it->second;
        t.minor += t.minor > 0 ? 100 : -100;
        t.name += " (adjusted)";
        item.live[t.id] = t;
        item.log.push_back(SyncEvent{SyncEvent::kModified, t});
        notify_sync(item);
        out["transaction_id"] = t.id;
        break;
      }
  } else if (kind == "unofficial_currency" || kind == "null_balance") {
    Account a;
    a.id = rng.id(37);
    a.mask = "0420";
    a.type = "depository";
    a.subtype = kind == "null_balance" ? "checking" : "cash management";
    a.name = kind == "null_balance" ? "Pending Checking" : "Crypto Wallet";
    a.official_name = a.name;
    a.currency = kind == "null_balance" ? usd->currency : "BTC";
    a.unofficial = kind == "unofficial_currency";
    a.precision = a.unofficial ? 8 : 2;
    a.opening_minor = a.unofficial ? 5'000'000 : 0;
    a.null_current = kind == "null_balance";
    item.accounts.push_back(a);
    out["account_id"] = a.id;
    if (a.unofficial) add(make_txn(rng, a, clock_.now_ms(), false));
    else item.rng = rng.state;
  } else {
    throw std::invalid_argument("unknown kind " + kind);
  }
  return out;
}

Json World::expire_consent(const std::string& item_id, const std::string& at) {
  auto ms = cx::time::parse_rfc3339(at);
  if (!ms) throw std::invalid_argument("consent_expiration_time must be RFC 3339");
  std::lock_guard l(mu_);
  Item& item = item_by_id(item_id);
  item.consent_expiration_ms = *ms;
  fire(item, "ITEM", "PENDING_EXPIRATION", Json{{"consent_expiration_time", cx::time::format_rfc3339(*ms)}});
  return Json{{"item_id", item_id}, {"consent_expiration_time", cx::time::format_rfc3339(*ms)}};
}

// ----------------------------------------------------------------------------------------- truth

Json World::truth(const std::string& item_id) {
  std::lock_guard l(mu_);
  Item& item = item_by_id(item_id);
  post_due(item, false);
  boost::json::array accounts, balances, payments, skipped, raw_accounts, raw_txns;
  for (auto& a : item.accounts) {
    Json aj = account_json(item, a);
    raw_accounts.push_back(aj);
    bool iso = !a.unofficial && cx::money::iso4217_precision(a.currency) >= 0;
    accounts.push_back(Json{{"reference", a.id}, {"name", a.name}, {"type", a.type}, {"subtype", a.subtype},
                            {"defaultAsset", iso ? boost::json::value(a.currency + "/" + std::to_string(a.precision)) : boost::json::value(nullptr)}});
    if (!iso || a.null_current) {
      skipped.push_back(Json{{"reference", a.id}, {"what", "balance"}, {"reason", a.null_current ? "current is null" : "unofficial currency"}});
      continue;
    }
    std::string amount = cx::money::decimal_to_minor(cx::json::shortest_text(aj.at("balances").at("current").to_number<double>()).value_or(""), a.precision).value();
    if (a.type == "credit" && amount != "0") amount = amount[0] == '-' ? amount.substr(1) : "-" + amount;
    balances.push_back(Json{{"accountReference", a.id}, {"amount", amount}, {"asset", a.currency + "/" + std::to_string(a.precision)}});
  }
  for (auto& [id, t] : item.live) {
    Json tj = txn_json(item, t);
    raw_txns.push_back(tj);
    const Account* a = item.account(t.account_id);
    bool iso = a && !a->unofficial;
    auto text = cx::json::number_text(tj.at("amount"));
    auto minor = iso && text ? cx::money::decimal_to_minor(*text, a->precision) : std::nullopt;
    if (!minor) {
      skipped.push_back(Json{{"reference", id}, {"what", "payment"}, {"reason", iso ? "amount not exact at the currency precision" : "unofficial currency"}});
      continue;
    }
    bool out = tj.at("amount").to_number<double>() > 0;
    Json p{{"reference", id}, {"type", out ? "PAYOUT" : "PAY-IN"}, {"amount", cx::money::abs_integer(*minor)},
           {"asset", a->currency + "/" + std::to_string(a->precision)}, {"status", t.pending ? "PENDING" : "SUCCEEDED"},
           {"createdAt", t.authorized_date + "T00:00:00Z"}};
    p[out ? "sourceAccountReference" : "destinationAccountReference"] = t.account_id;
    payments.push_back(std::move(p));
  }
  return Json{{"item_id", item.item_id}, {"access_token", item.access_token}, {"institution_id", item.institution_id},
              {"client_user_id", item.client_user_id}, {"removed", item.removed},
              {"accounts", accounts}, {"balances", balances}, {"payments", payments}, {"skipped", skipped},
              {"plaid", Json{{"accounts", raw_accounts}, {"transactions", raw_txns}}}};
}

Json World::items() {
  std::lock_guard l(mu_);
  boost::json::array list;
  for (auto& [id, item] : items_) {
    int pending = 0;
    for (auto& [tid, t] : item.live) pending += t.pending;
    list.push_back(Json{{"item_id", id}, {"access_token", item.access_token}, {"institution_id", item.institution_id},
                        {"username", item.username}, {"client_user_id", item.client_user_id}, {"webhook", item.webhook},
                        {"removed", item.removed}, {"transactions", item.live.size()}, {"pending", pending},
                        {"sync_called", item.sync_called}, {"log_size", item.log.size()},
                        {"error", item.error ? boost::json::value(item.error->code) : boost::json::value(nullptr)}});
  }
  return Json{{"items", list}};
}

}  // namespace cx::sandbox::plaid
