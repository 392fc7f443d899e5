#include "catalog.hpp"

#include <connectivity/time.hpp>

#include <algorithm>

namespace cx::sandbox::plaid {

std::string Rng::id(size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kAlphabet[next() % 62];
  return s;
}

std::string Rng::uuid() {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    int v = static_cast<int>(next() % 16);
    if (i == 12) v = 4;
    if (i == 16) v = 8 | (v & 3);
    s += kHex[v];
  }
  return s;
}

const std::vector<Institution>& institutions() {
  static const std::vector<Institution> list = {
      {"ins_109508", "First Platypus Bank", "US",
       {{"Plaid Checking", "Plaid Gold Standard 0% Interest Checking", "depository", "checking", "USD", 1'100'00, 0, 32},
        {"Plaid Saving", "Plaid Silver Standard 0.1% Interest Saving", "depository", "savings", "USD", 2'100'00, 0, 5},
        {"Plaid Credit Card", "Plaid Diamond 12.5% APR Interest Credit Card", "credit", "credit card", "USD", 410'00,
         2'000'00, 20},
        {"Plaid Yen Wallet", "Plaid Multi-Currency Travel Wallet", "depository", "prepaid", "JPY", 85'000, 0, 8}}},
      {"ins_109509", "First Gingham Credit Union", "US",
       {{"Gingham Share Checking", "Gingham Everyday Share Draft", "depository", "checking", "USD", 640'00, 0, 24},
        {"Gingham Share Savings", "Gingham Regular Share Savings", "depository", "savings", "USD", 5'000'00, 0, 4}}},
      {"ins_120001", "Norddeich Sparkasse", "DE",
       {{"Girokonto", "Sparkassen-Girokonto Komfort", "depository", "checking", "EUR", 1'850'00, 0, 28},
        {"Tagesgeld", "Tagesgeldkonto Flex", "depository", "savings", "EUR", 7'500'00, 0, 4},
        {"Sparkassen-Kreditkarte", "Mastercard Gold", "credit", "credit card", "EUR", 230'00, 3'000'00, 16}}},
      {"ins_120002", "Thames & Harbour Bank", "GB",
       {{"Current Account", "Classic Current Account", "depository", "checking", "GBP", 1'240'00, 0, 28},
        {"Easy Saver", "Easy Access Saver", "depository", "savings", "GBP", 3'200'00, 0, 4},
        {"Rewards Credit Card", "Rewards Visa", "credit", "credit card", "GBP", 180'00, 1'500'00, 14}}},
      {"ins_120003", "Banque Gingham de Paris", "FR",
       {{"Compte courant", "Compte de dépôt particulier", "depository", "checking", "EUR", 2'300'00, 0, 26},
        {"Livret A", "Livret A", "depository", "savings", "EUR", 12'000'00, 0, 3}}},
  };
  return list;
}

const Institution* find_institution(const std::string& id) {
  for (auto& i : institutions())
    if (id == i.id) return &i;
  return nullptr;
}

int precision_of(const std::string& currency) { return currency == "JPY" ? 0 : 2; }

std::string ymd(int64_t ms) { return cx::time::format_rfc3339(ms - ms % 86'400'000).substr(0, 10); }

namespace {
struct Merchant {
  const char* name;       ///< transaction name
  const char* merchant;   ///< merchant_name ("" = null)
  const char* channel;
  const char* category;
  int64_t lo, hi;         ///< amount range in minor units (negative = money in)
  bool tip;               ///< restaurants: the posted amount may include a tip
};

const std::vector<Merchant>& merchants(const std::string& currency, const std::string& subtype) {
  static const std::vector<Merchant> usd = {
      {"Starbucks", "Starbucks", "in store", "FOOD_AND_DRINK", 3'45, 9'80, true},
      {"Uber 063015 SF**POOL**", "Uber", "online", "TRANSPORTATION", 5'40, 38'20, false},
      {"Whole Foods Market", "Whole Foods Market", "in store", "FOOD_AND_DRINK", 18'00, 142'00, false},
      {"Shell Oil 57444", "Shell", "in store", "TRANSPORTATION", 25'00, 68'00, false},
      {"AMAZON MKTPL*2K4", "Amazon", "online", "GENERAL_MERCHANDISE", 9'99, 189'00, false},
      {"Netflix", "Netflix", "online", "ENTERTAINMENT", 15'49, 15'49, false},
      {"SparkFun", "SparkFun", "online", "GENERAL_MERCHANDISE", 12'00, 89'50, false},
      {"Tectra Inc", "", "in store", "FOOD_AND_DRINK", 24'00, 95'00, true},
      {"United Airlines", "United Airlines", "online", "TRAVEL", 189'00, 640'00, false},
      {"ACME CORP PAYROLL PPD ID: 1234567890", "", "other", "INCOME", -2'800'00, -2'800'00, false},
      {"INTRST PYMNT", "", "other", "INCOME", -1'25, -4'80, false}};
  static const std::vector<Merchant> eur = {
      {"REWE Markt GmbH", "REWE", "in store", "FOOD_AND_DRINK", 8'50, 96'40, false},
      {"Carrefour City", "Carrefour", "in store", "FOOD_AND_DRINK", 6'20, 74'90, false},
      {"SNCF Connect", "SNCF", "online", "TRAVEL", 19'00, 129'00, false},
      {"Deutsche Bahn", "Deutsche Bahn", "online", "TRAVEL", 14'90, 89'90, false},
      {"Boulangerie Paul", "Paul", "in store", "FOOD_AND_DRINK", 2'40, 14'60, true},
      {"Spotify AB", "Spotify", "online", "ENTERTAINMENT", 10'99, 10'99, false},
      {"Lidl sagt Danke", "Lidl", "in store", "FOOD_AND_DRINK", 7'80, 61'30, false},
      {"Stadtwerke Abschlag", "", "other", "RENT_AND_UTILITIES", 85'00, 85'00, false},
      {"GEHALT MUSTERFIRMA GMBH", "", "other", "INCOME", -2'650'00, -2'650'00, false},
      {"Zinsgutschrift", "", "other", "INCOME", -2'10, -9'40, false}};
  static const std::vector<Merchant> gbp = {
      {"TESCO STORES 2041", "Tesco", "in store", "FOOD_AND_DRINK", 6'10, 88'20, false},
      {"PRET A MANGER", "Pret A Manger", "in store", "FOOD_AND_DRINK", 3'95, 12'40, true},
      {"TFL TRAVEL CH", "Transport for London", "online", "TRANSPORTATION", 2'80, 8'10, false},
      {"Sainsbury's", "Sainsbury's", "in store", "FOOD_AND_DRINK", 9'40, 71'00, false},
      {"Deliveroo", "Deliveroo", "online", "FOOD_AND_DRINK", 14'50, 38'00, true},
      {"BT Group", "BT", "online", "RENT_AND_UTILITIES", 32'00, 32'00, false},
      {"SALARY HARBOUR LTD", "", "other", "INCOME", -2'300'00, -2'300'00, false},
      {"INTEREST PAID", "", "other", "INCOME", -1'05, -3'90, false}};
  static const std::vector<Merchant> jpy = {
      {"7-Eleven Shinjuku", "7-Eleven", "in store", "FOOD_AND_DRINK", 320, 1'480, false},
      {"JR East Suica Charge", "JR East", "in store", "TRANSPORTATION", 1'000, 5'000, false},
      {"Ichiran Ramen Shibuya", "Ichiran", "in store", "FOOD_AND_DRINK", 980, 2'400, false},
      {"Don Quijote", "Don Quijote", "in store", "GENERAL_MERCHANDISE", 1'200, 9'800, false},
      {"Wallet top-up", "", "other", "TRANSFER_IN", -20'000, -50'000, false}};
  static const std::vector<Merchant> savings_usd = {
      {"INTRST PYMNT", "", "other", "INCOME", -1'25, -4'80, false},
      {"Transfer from Checking", "", "other", "TRANSFER_IN", -100'00, -500'00, false}};
  static const std::vector<Merchant> savings_eur = {
      {"Zinsgutschrift", "", "other", "INCOME", -2'10, -9'40, false},
      {"Virement depuis compte courant", "", "other", "TRANSFER_IN", -100'00, -400'00, false}};
  static const std::vector<Merchant> savings_gbp = {
      {"INTEREST PAID", "", "other", "INCOME", -1'05, -3'90, false},
      {"Transfer from Current Account", "", "other", "TRANSFER_IN", -50'00, -300'00, false}};
  bool savings = subtype == "savings";
  if (currency == "JPY") return jpy;
  if (currency == "EUR") return savings ? savings_eur : eur;
  if (currency == "GBP") return savings ? savings_gbp : gbp;
  return savings ? savings_usd : usd;
}
}  // namespace

Txn make_txn(Rng& rng, const Account& account, int64_t day_ms, bool pending) {
  const auto& list = merchants(account.currency, account.subtype);
  const Merchant* m = &list[rng.next() % list.size()];
  // Credit cards take no payroll: redraw income rows as spending.
  for (int i = 0; i < 4 && account.type == std::string("credit") && m->lo < 0; ++i) m = &list[rng.next() % list.size()];
  Txn t;
  t.id = rng.id(37);
  t.account_id = account.id;
  t.minor = m->lo == m->hi ? m->lo : (m->lo < 0 ? -rng.range(-m->lo, -m->hi) : rng.range(m->lo, m->hi));
  if (account.type == std::string("credit") && t.minor < 0) t.minor = -t.minor;
  t.name = m->name;
  t.merchant = m->merchant;
  t.channel = m->channel;
  t.category = m->category;
  t.authorized_date = ymd(day_ms - (rng.next() % 2) * 86'400'000);
  t.date = pending ? t.authorized_date : ymd(day_ms);
  t.pending = pending;
  if (pending && m->tip && t.minor > 0) t.tip_minor = t.minor * 15 / 100;
  return t;
}

void generate_item(Item& item, const Institution& inst, int64_t now_ms, int history_days) {
  Rng rng{item.rng};
  for (auto& tpl : inst.accounts) {
    Account a;
    a.id = rng.id(37);
    a.name = tpl.name;
    a.official_name = tpl.official_name;
    a.mask = std::to_string(rng.range(1000, 9999));
    a.type = tpl.type;
    a.subtype = tpl.subtype;
    a.currency = tpl.currency;
    a.precision = precision_of(a.currency);
    a.opening_minor = tpl.opening_minor;
    if (tpl.limit_minor) a.limit_minor = tpl.limit_minor;
    item.accounts.push_back(a);
  }
  const int64_t day = 86'400'000;
  std::vector<Txn> all;
  for (size_t i = 0; i < inst.accounts.size(); ++i) {
    const Account& a = item.accounts[i];
    // The template's count is per 60 days: a longer history is as dense, so it holds more rows
    // (enough for several /transactions/sync pages).
    int n = std::max(1, static_cast<int>(static_cast<int64_t>(inst.accounts[i].history) * history_days / 60));
    bool has_pending = a.subtype == "checking" || a.type == "credit" || a.subtype == "prepaid";
    for (int k = 0; k < n; ++k) {
      int64_t when = now_ms - (history_days * day) + (static_cast<int64_t>(k) * history_days * day) / n;
      bool pending = has_pending && k >= n - 2;
      Txn t = make_txn(rng, a, pending ? now_ms - (n - 1 - k) * day : when, pending);
      if (pending) t.post_at_ms = now_ms + rng.range(1, 3) * day;
      all.push_back(t);
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Txn& x, const Txn& y) { return x.date < y.date; });
  for (auto& t : all) {
    item.live[t.id] = t;
    item.log.push_back(SyncEvent{SyncEvent::kAdded, t});
  }
  item.rng = rng.state;
}

}  // namespace cx::sandbox::plaid
