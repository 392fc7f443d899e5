#include "tools/sandbox/generic/seed.hpp"

#include "tools/sandbox/generic/timefmt.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace cx::sandbox::generic {
namespace {

constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr int64_t kHistory = 90 * kDay;

constexpr std::array<const char*, 20> kSuppliers = {
    "Atelier Dubois SARL", "Nordwind Logistik GmbH", "Blue Harbor Packaging Ltd", "Cloudline Hosting Inc",
    "Papeterie Lemaire",   "Kanto Components KK",    "Iberia Frutas SL",          "Mercer & Hale LLP",
    "Verdant Office Supply", "Rhein Elektro AG",     "Sable Creative Studio",     "Orbit Freight Forwarding",
    "Maison Roussel Traiteur", "Quayside Cleaning Co", "Helix Software BV",       "Pacific Rim Imports LLC",
    "Brightwater Utilities", "Fjord Analytics AS",   "Lumen Insurance SA",        "Castellan Legal Services"};
constexpr std::array<const char*, 12> kEmployees = {
    "Camille Martin", "Lucas Bernard", "Chloé Petit",   "Hugo Durand",   "Emma Leroy",  "Nathan Moreau",
    "Léa Fournier",   "Jonas Weber",   "Sofia Rossi",   "Oliver Hughes", "Yuki Tanaka", "Inès Garnier"};
constexpr std::array<const char*, 16> kCustomers = {
    "Acme Retail SAS", "Northpeak Outdoor", "Luna Boutique",   "Harper & Co",      "Greenleaf Market",
    "Studio Kairos",   "Tidewater Books",   "Brasserie du Port", "Summit Dental",  "Pixel Forge Games",
    "Olive & Thyme",   "Crescent Motors",   "Bellwether Media", "Aurora Fitness", "Copperline Tools", "Sakura Tea House"};
constexpr std::array<const char*, 5> kFeeWording = {"Monthly account fee", "Card processing fee", "SEPA batch fee",
                                                    "FX conversion fee", "Wire transfer fee"};

}  // namespace

Generator::Generator(uint64_t seed, size_t transactions, size_t accounts)
    : rng_(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull),
      transactions_(std::max<size_t>(1, transactions)),
      account_count_(std::max(kDefaultAccounts, accounts)) {}

const Generator::Account& Generator::of_kind(size_t k) {
  if (accounts_.size() <= kDefaultAccounts) return accounts_[k];
  size_t of_this_kind = (accounts_.size() - k + kDefaultAccounts - 1) / kDefaultAccounts;
  return accounts_[k + kDefaultAccounts * static_cast<size_t>(next() % of_this_kind)];
}

std::string Generator::hex_id(const char* prefix) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(next() & 0xFFFFFFFFFFFFull));
  return std::string(prefix) + buf;
}

std::string Generator::amount_in(const Account& a, int64_t lo, int64_t hi) {
  if (a.precision == 0) return std::to_string(uniform(lo * 150, hi * 150));  // yen-sized amounts
  int64_t scale = 1;
  for (int i = 0; i < a.precision; ++i) scale *= 10;
  return std::to_string(uniform(lo, hi) * scale + uniform(0, scale - 1));
}

void Generator::populate(Dataset& data) {
  const int64_t now = data.now_ms();
  struct Spec {
    const char *name, *asset, *bank;
    int precision;
    int64_t opening_major;
  };
  constexpr std::array<Spec, 6> kAccounts = {{{"Operating account", "EUR/2", "BNP Paribas", 2, 400'000},
                                              {"Payroll account", "EUR/2", "BNP Paribas", 2, 260'000},
                                              {"Reserve account", "EUR/2", "Crédit Agricole", 2, 1'200'000},
                                              {"US collections", "USD/2", "Silicon Valley Bridge", 2, 250'000},
                                              {"UK treasury", "GBP/2", "Barclays", 2, 180'000},
                                              {"Tokyo settlement", "JPY/0", "MUFG", 0, 40'000'000}}};
  const int64_t opened = now - 400 * kDay - 1 * kHour;
  for (size_t i = 0; i < account_count_; ++i) {
    const Spec& s = kAccounts[i % kAccounts.size()];
    // Beyond the default six, more accounts of the same kinds: "Operating account 2", ...
    std::string name = i < kAccounts.size() ? s.name : s.name + (" " + std::to_string(i / kAccounts.size() + 1));
    Account a{hex_id("acc_"), name, s.asset, s.precision};
    // The first two were opened together: they share a createdAt.
    int64_t created = opened + static_cast<int64_t>(i < 2 ? 0 : i * 7) * kDay;
    char number[32];
    std::snprintf(number, sizeof number, "%010llu", static_cast<unsigned long long>(next() % 10'000'000'000ull));
    data.upsert(List::Accounts, {{"id", a.id},
                                 {"accountName", a.name},
                                 {"createdAt", rfc3339(created)},
                                 {"metadata", {{"bank", s.bank}, {"accountNumber", number}}}});
    int64_t scale = s.precision == 2 ? 100 : 1;
    std::string currency = a.asset;
    data.set_balances(a.id, boost::json::array{boost::json::object{
                                {"amount", std::to_string(s.opening_major * scale)}, {"currency", currency}}});
    accounts_.push_back(std::move(a));
  }

  // Suppliers over the year; the employees were imported from HR in one go (one shared createdAt).
  const int64_t hr_import = now - 300 * kDay + 9 * kHour;
  for (size_t i = 0; i < kSuppliers.size(); ++i) {
    Party p{hex_id("ben_"), kSuppliers[i], false};
    int64_t created = now - 320 * kDay + static_cast<int64_t>(i) * 11 * kDay + uniform(0, 8 * kHour) / 1000 * 1000;
    data.upsert(List::Beneficiaries,
                {{"id", p.id}, {"ownerName", p.name}, {"createdAt", rfc3339(created)}, {"metadata", {{"kind", "supplier"}}}});
    beneficiaries_.push_back(std::move(p));
  }
  for (const char* name : kEmployees) {
    Party p{hex_id("ben_"), name, true};
    data.upsert(List::Beneficiaries,
                {{"id", p.id}, {"ownerName", p.name}, {"createdAt", rfc3339(hr_import)}, {"metadata", {{"kind", "employee"}}}});
    beneficiaries_.push_back(std::move(p));
  }

  // History: a card settlement batch (many pay-ins sharing one updatedAt), monthly payrolls,
  // and everything else spread over 90 days.
  size_t batch = std::min(transactions_ / 2, std::max<size_t>(transactions_ / 8, std::min<size_t>(50, transactions_)));
  size_t payroll_runs = transactions_ - batch >= 200 ? 3 : 0;
  size_t rest = transactions_ - batch - payroll_runs * kEmployees.size();

  std::vector<int64_t> times;
  for (size_t i = 0; i < rest; ++i) times.push_back(now - kHistory + uniform(0, kHistory / 1000) * 1000);
  std::sort(times.begin(), times.end());
  const int64_t settlement_at = (now - 40 * kDay) / kDay * kDay + 6 * kHour;  // 06:00:00Z, 40 days ago
  for (int64_t t : times) {
    if (t > settlement_at && batch > 0) {
      add_card_settlement_batch(data, settlement_at, batch);  // emitted in time order
      batch = 0;
    }
    add_transaction(data, t, now);
  }
  if (batch > 0) add_card_settlement_batch(data, settlement_at, batch);
  for (size_t run = 0; run < payroll_runs; ++run) {
    int64_t at = (now - static_cast<int64_t>(run) * 30 * kDay - 8 * kDay) / kDay * kDay + 7 * kHour;
    const Account& from = of_kind(1);
    for (const Party& p : beneficiaries_) {
      if (!p.person) continue;
      std::string amount = amount_in(from, 2'400, 5'200);
      boost::json::object tx{{"id", hex_id("txn_")}, {"createdAt", rfc3339(at)}, {"currency", from.asset},
                             {"scheme", "SEPA_CREDIT"}, {"type", "PAYOUT"}, {"amount", amount},
                             {"sourceAccountID", from.id}, {"destinationAccountID", p.id},
                             {"metadata", {{"description", "Salary"}, {"beneficiary", p.name}}}};
      add_row(data, std::move(tx), at, at + 2 * kHour, now, {{from.id, from.asset, -std::stoll(amount)}});
    }
  }
}

void Generator::add_card_settlement_batch(Dataset& data, int64_t settle_at, size_t count) {
  // Card pay-ins of the previous day, all settled by the acquirer at one instant: many
  // transactions share one updatedAt.
  for (size_t i = 0; i < count; ++i) {
    const Account& to = of_kind(next() % 4 == 0 ? 3 : 0);
    int64_t created = settle_at - kDay + uniform(0, kDay / 1000 - 3600) * 1000;
    std::string amount = amount_in(to, 5, 400);
    boost::json::object tx{{"id", hex_id("txn_")}, {"createdAt", rfc3339(created)}, {"currency", to.asset},
                           {"scheme", next() % 3 ? "CARD_VISA" : "CARD_MASTERCARD"}, {"type", "PAYIN"},
                           {"amount", amount}, {"destinationAccountID", to.id},
                           {"metadata", {{"payer", kCustomers[next() % kCustomers.size()]}, {"settlementBatch", "ACQ-" + rfc3339(settle_at).substr(0, 10)}}}};
    add_row(data, std::move(tx), created, settle_at, settle_at, {{to.id, to.asset, std::stoll(amount)}});
  }
}

void Generator::add_transaction(Dataset& data, int64_t created, int64_t now) {
  const uint64_t kind = next() % 100;
  std::string id = hex_id("txn_");
  boost::json::object tx{{"id", id}, {"createdAt", rfc3339(created)}};
  std::vector<Effect> effects;
  int64_t settle = created;
  if (kind < 45) {  // pay-in from a customer
    static constexpr std::array<size_t, 10> kWeights = {0, 0, 0, 0, 0, 3, 3, 4, 5, 2};
    const Account& to = of_kind(kWeights[next() % kWeights.size()]);
    bool card = next() % 2 == 0;
    std::string scheme = card ? (next() % 3 ? "CARD_VISA" : "CARD_MASTERCARD")
                              : (to.asset == "EUR/2" ? "SEPA_CREDIT" : to.asset == "USD/2" ? "ACH" : "OTHER");
    std::string amount = amount_in(to, 40, 9'000);
    tx["type"] = "PAYIN";
    tx["scheme"] = scheme;
    tx["currency"] = to.asset;
    tx["amount"] = amount;
    tx["destinationAccountID"] = to.id;
    char ref[24];
    std::snprintf(ref, sizeof ref, "INV-2025-%04u", static_cast<unsigned>(next() % 10000));
    tx["metadata"] = {{"payer", kCustomers[next() % kCustomers.size()]}, {"reference", ref}};
    if (card) settle = created + uniform(1, 48) * kHour;
    effects.push_back({to.id, to.asset, std::stoll(amount)});
    payins_.push_back(id);
  } else if (kind < 75) {  // payout to a supplier
    static constexpr std::array<size_t, 6> kFrom = {0, 0, 0, 3, 4, 5};
    const Account& from = of_kind(kFrom[next() % kFrom.size()]);
    const Party& to = beneficiaries_[next() % kSuppliers.size()];
    std::string amount = amount_in(from, 60, 6'500);
    tx["type"] = "PAYOUT";
    tx["scheme"] = from.asset == "EUR/2" ? "SEPA_CREDIT" : from.asset == "USD/2" ? "ACH" : "OTHER";
    tx["currency"] = from.asset;
    tx["amount"] = amount;
    tx["sourceAccountID"] = from.id;
    tx["destinationAccountID"] = to.id;
    tx["metadata"] = {{"beneficiary", to.name}, {"description", "Supplier invoice"}};
    settle = created + uniform(10, 26 * 60) * kMinute;
    effects.push_back({from.id, from.asset, -std::stoll(amount)});
  } else if (kind < 82 && !payins_.empty()) {  // refund of an earlier pay-in
    std::string original = payins_[next() % payins_.size()];
    auto body = data.get(List::Transactions, original);
    std::string asset(body->at("currency").as_string());
    std::string account(body->at("destinationAccountID").as_string());
    int64_t paid = std::stoll(std::string(body->at("amount").as_string()));
    int64_t refund = std::max<int64_t>(1, paid / static_cast<int64_t>(1 + next() % 4));
    tx["type"] = "PAYOUT";
    tx["scheme"] = body->at("scheme");
    tx["currency"] = asset;
    tx["amount"] = std::to_string(refund);
    tx["sourceAccountID"] = account;
    tx["relatedTransactionID"] = original;
    tx["metadata"] = {{"description", "Customer refund"}};
    settle = created + uniform(1, 24) * kHour;
    effects.push_back({account, asset, -refund});
  } else if (kind < 90) {  // internal transfer between the EUR accounts
    size_t a = next() % 3, b = (a + 1 + next() % 2) % 3;
    const Account &from = of_kind(a), &to = of_kind(b);
    std::string amount = amount_in(from, 1'000, 40'000);
    tx["type"] = "TRANSFER";
    tx["scheme"] = "OTHER";
    tx["currency"] = from.asset;
    tx["amount"] = amount;
    tx["sourceAccountID"] = from.id;
    tx["destinationAccountID"] = to.id;
    tx["metadata"] = {{"description", "Treasury rebalancing"}};
    settle = created + uniform(0, 5) * kMinute;
    effects.push_back({from.id, from.asset, -std::stoll(amount)});
    effects.push_back({to.id, to.asset, std::stoll(amount)});
  } else {  // bank fee
    const Account& from = accounts_[next() % accounts_.size()];
    std::string amount = amount_in(from, 1, 45);
    tx["type"] = "OTHER";
    tx["scheme"] = "OTHER";
    tx["currency"] = from.asset;
    tx["amount"] = amount;
    tx["sourceAccountID"] = from.id;
    tx["metadata"] = {{"description", kFeeWording[next() % kFeeWording.size()]}};
    effects.push_back({from.id, from.asset, -std::stoll(amount)});
  }
  add_row(data, std::move(tx), created, settle, now, std::move(effects));
}

void Generator::add_row(Dataset& data, boost::json::object tx, int64_t created, int64_t settle, int64_t now,
                        std::vector<Effect> effects) {
  std::string id(tx.at("id").as_string());
  if (settle <= now) {
    // Settled already: mostly succeeded, a few payouts failed or were cancelled.
    uint64_t roll = next() % 100;
    std::string status = "SUCCEEDED";
    if (tx.at("type") == "PAYOUT" && roll < 2) status = "FAILED";
    else if (tx.at("type") == "PAYOUT" && roll < 3) status = "CANCELLED";
    tx["status"] = status;
    tx["updatedAt"] = rfc3339(settle);
    data.upsert(List::Transactions, std::move(tx));
    if (status == "SUCCEEDED")
      for (auto& e : effects) data.apply(e);
  } else {
    tx["status"] = "PENDING";
    tx["updatedAt"] = rfc3339(created);
    data.upsert(List::Transactions, std::move(tx));
    data.schedule(id, settle, std::move(effects));
  }
}

size_t Generator::grow(Dataset& data, int64_t from, int64_t to) {
  if (to <= from) return 0;
  const int64_t interval = std::max<int64_t>(1000, kHistory / static_cast<int64_t>(transactions_));
  carry_ms_ += to - from;
  size_t count = static_cast<size_t>(std::min<int64_t>(5000, carry_ms_ / interval));
  carry_ms_ %= interval;
  std::vector<int64_t> times;
  for (size_t i = 0; i < count; ++i) times.push_back(from + 1000 + uniform(0, (to - from - 1) / 1000) * 1000);
  std::sort(times.begin(), times.end());
  for (int64_t t : times) add_transaction(data, std::min(t, to), to);
  return count;
}

}  // namespace cx::sandbox::generic
