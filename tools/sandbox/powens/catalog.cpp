#include "catalog.hpp"

#include "clock.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace cx::sandbox::powens {

uint64_t mix(uint64_t a, uint64_t b, uint64_t c) {
  Rng r(a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) ^ (c * 0xD1B54A32D192ED03ull));
  return r.next();
}

namespace {
const Currency kEUR{"EUR", "€", 2, "Euro"};
const Currency kJPY{"JPY", "¥", 0, "Yen"};
const Currency kKWD{"KWD", "KD", 3, "Dinar koweïtien"};
const Currency kUSD{"USD", "$", 2, "Dollar US"};
}  // namespace

const std::vector<Bank>& banks() {
  static const std::vector<Bank> list{
      {"Banque Sandbox Île-de-France", "3ff3b9fe-1c8e-5b4c-a7b7-5e1f3c1a0001", 59, "SBXPFRPP", "30006",
       {{"Compte de dépôt", "checking", AccountKind::kChecking, kEUR, 100, 80000, 450000},
        {"Livret A", "savings", AccountKind::kSavings, kEUR, 8, 100000, 2295000},
        {"Carte Visa Premier", "card", AccountKind::kCard, kEUR, 60, 0, 0},
        {"Compte en devises JPY", "checking", AccountKind::kChecking, kJPY, 12, 20000, 900000},
        {"Compte en dinars koweïtiens", "checking", AccountKind::kChecking, kKWD, 10, 50000, 2500000}}},
      {"Crédit Agricole (sandbox)", "3ff3b9fe-1c8e-5b4c-a7b7-5e1f3c1a0002", 40, "AGRIFRPP", "18206",
       {{"Compte courant", "checking", AccountKind::kChecking, kEUR, 90, 50000, 300000},
        {"LDDS", "savings", AccountKind::kSavings, kEUR, 6, 50000, 1200000},
        {"Carte Mastercard", "card", AccountKind::kCard, kEUR, 40, 0, 0}}},
      {"BNP Paribas (sandbox)", "3ff3b9fe-1c8e-5b4c-a7b7-5e1f3c1a0003", 3, "BNPAFRPP", "30004",
       {{"Compte chèques", "checking", AccountKind::kChecking, kEUR, 80, 20000, 250000},
        {"Livret Jeune", "savings", AccountKind::kSavings, kEUR, 5, 10000, 160000}}},
      {"Société Générale (sandbox)", "3ff3b9fe-1c8e-5b4c-a7b7-5e1f3c1a0004", 5, "SOGEFRPP", "30003",
       {{"Compte joint", "checking", AccountKind::kChecking, kEUR, 70, 100000, 500000},
        {"Compte en yens", "checking", AccountKind::kChecking, kJPY, 10, 100000, 2000000}}},
      {"Boursorama (sandbox)", "3ff3b9fe-1c8e-5b4c-a7b7-5e1f3c1a0005", 106, "BOUSFRPP", "40618",
       {{"Compte courant", "checking", AccountKind::kChecking, kEUR, 60, 30000, 200000},
        {"Compte en dollars", "checking", AccountKind::kChecking, kUSD, 8, 10000, 300000}}},
  };
  return list;
}

std::string french_iban(const std::string& bank_code, const std::string& account_number) {
  // BBAN = bank(5) branch(5) account(11) key(2); check digits per ISO 13616 (mod 97).
  std::string bban = bank_code + "00001" + account_number + "76";
  std::string numeric;
  for (char c : bban + "FR00") {
    if (c >= '0' && c <= '9') numeric += c;
    else numeric += std::to_string(c - 'A' + 10);
  }
  int rem = 0;
  for (char c : numeric) rem = (rem * 10 + (c - '0')) % 97;
  int check = 98 - rem;
  return std::string("FR") + char('0' + check / 10) + char('0' + check % 10) + bban;
}

namespace {

struct Template {
  const char* wording;     ///< original_wording; "%s" takes " dd/mm"
  const char* simplified;
  const char* type;
  int64_t category;
  int64_t lo, hi;          ///< minor units at precision 2 (scaled for other precisions)
  int weight;
  const char* payee = nullptr;  ///< counterparty label (transfers, direct debits)
};

const std::vector<Template>& checking_eur() {
  static const std::vector<Template> t{
      {"VIR SEPA SALAIRE ACME SAS", "Salaire Acme", "transfer", 2, 235000, 328000, 3, "ACME SAS"},
      {"PRLV SEPA SCI LES TILLEULS LOYER", "Loyer", "order", 214, -115000, -89000, 3, "SCI LES TILLEULS"},
      {"PRLV SEPA EDF CLIENTS PARTICULIERS", "EDF", "order", 217, -13200, -4800, 3, "EDF CLIENTS PARTICULIERS"},
      {"PRLV SEPA FREE MOBILE", "Free Mobile", "order", 219, -1999, -1999, 3, "FREE MOBILE"},
      {"PRLV SEPA COMUTITRES NAVIGO", "Navigo", "order", 224, -8640, -8640, 3, "COMUTITRES"},
      {"VIR CAF DE PARIS", "CAF", "transfer", 3, 12000, 26000, 2, "CAF DE PARIS"},
      {"CB CARREFOUR MARKET%s", "Carrefour Market", "card", 184, -14000, -800, 14},
      {"CB MONOPRIX%s", "Monoprix", "card", 184, -7500, -500, 10},
      {"CB BOULANGERIE PAUL%s", "Paul", "card", 186, -1200, -200, 10},
      {"CB SNCF INTERNET%s", "SNCF", "card", 226, -14000, -2500, 4},
      {"CB AMAZON EU SARL%s", "Amazon", "card", 192, -9000, -900, 6},
      {"CB UBER EATS%s", "Uber Eats", "card", 186, -4500, -1500, 5},
      {"RETRAIT DAB%s PARIS 11", "Retrait", "withdrawal", 85, -10000, -2000, 5},
      {"CHQ N°8%06d", "Chèque", "check", 9998, -20000, -3000, 2},
      {"VIR SEPA REMBOURSEMENT M DUPONT", "Remboursement Dupont", "transfer", 9998, 1000, 8000, 3, "M DUPONT"},
      {"PRLV SEPA DGFIP IMPOT PAS", "Impôts", "order", 232, -42000, -18000, 1, "DGFIP"},
      {"FRAIS COTISATION CARTE", "Frais bancaires", "bank", 90, -1350, -350, 1},
  };
  return t;
}

const std::vector<Template>& card_eur() {
  static const std::vector<Template> t{
      {"CB CARREFOUR CITY%s", "Carrefour City", "deferred_card", 184, -6000, -300, 10},
      {"CB FNAC PARIS%s", "Fnac", "deferred_card", 192, -25000, -1500, 3},
      {"CB RATP%s", "RATP", "deferred_card", 224, -2000, -210, 6},
      {"CB LE PETIT BISTROT%s", "Le Petit Bistrot", "deferred_card", 186, -8500, -1400, 6},
      {"CB PHARMACIE DU MARCHE%s", "Pharmacie", "deferred_card", 161, -4500, -400, 3},
      {"CB DECATHLON%s", "Decathlon", "deferred_card", 192, -12000, -1000, 2},
      {"CB NETFLIX.COM%s", "Netflix", "deferred_card", 196, -1349, -1349, 1},
  };
  return t;
}

const std::vector<Template>& savings_eur() {
  static const std::vector<Template> t{
      {"VIR DEPUIS COMPTE DE DEPOT", "Virement épargne", "transfer", 9998, 5000, 50000, 6, "COMPTE DE DEPOT"},
      {"VIR VERS COMPTE DE DEPOT", "Virement compte courant", "transfer", 9998, -40000, -5000, 2, "COMPTE DE DEPOT"},
      {"INTERETS CREDITEURS", "Intérêts", "bank", 9998, 100, 4000, 1},
  };
  return t;
}

const std::vector<Template>& checking_jpy() {
  static const std::vector<Template> t{
      {"CB LAWSON SHINJUKU%s", "Lawson", "card", 184, -300000, -12000, 6},
      {"CB SUICA JR EAST%s", "Suica", "card", 224, -500000, -100000, 3},
      {"VIR RECU MIZUHO BANK", "Virement reçu", "transfer", 9998, 5000000, 20000000, 1, "MIZUHO BANK"},
      {"CB UNIQLO GINZA%s", "Uniqlo", "card", 192, -900000, -150000, 2},
  };
  return t;
}

const std::vector<Template>& checking_other() {
  static const std::vector<Template> t{
      {"CB ALSHAYA TRADING%s", "Alshaya", "card", 192, -4500, -125, 6},
      {"CB STARBUCKS%s", "Starbucks", "card", 186, -900, -250, 5},
      {"VIR SALARY TRANSFER", "Virement reçu", "transfer", 2, 80000, 250000, 1, "EMPLOYER LLC"},
      {"FRAIS CHANGE DEVISES", "Frais bancaires", "bank", 90, -500, -50, 1},
  };
  return t;
}

const std::vector<Template>& templates_for(const Account& a, AccountKind kind) {
  if (kind == AccountKind::kCard) return card_eur();
  if (kind == AccountKind::kSavings) return savings_eur();
  if (a.currency.id == "EUR") return checking_eur();
  if (a.currency.id == "JPY") return checking_jpy();
  return checking_other();
}

/// Scales a precision-2 amount to another precision, keeping KWD's third decimal non-trivial.
int64_t scale(Rng& rng, int64_t v2, int precision) {
  if (precision == 2) return v2;
  if (precision == 0) return v2 / 100;  // templates for JPY already hold yen * 100
  int64_t v = v2;
  for (int p = 2; p < precision; ++p) v = v * 10 + (v < 0 ? -1 : 1) * rng.range(0, 9);
  return v;
}

Transaction make(Rng& rng, const Account& a, const Template& t, const std::string& date, bool pending) {
  Transaction tx;
  tx.account_id = a.id;
  tx.date = date;
  tx.rdate = date;
  tx.value = scale(rng, rng.range(t.lo, t.hi), a.currency.precision);
  if (tx.value == 0) tx.value = t.lo < 0 ? -1 : 1;
  std::string type = t.type;
  tx.type = type;
  tx.category = t.category;
  bool card = type == "card" || type == "deferred_card";
  if (card || type == "withdrawal") {
    tx.rdate = add_days(date, -static_cast<int>(rng.range(0, 2)));
    tx.datetime = paris_time_on(tx.rdate, static_cast<int>(rng.range(8 * 3600, 22 * 3600)));
  }
  char wording[160];
  std::string w = t.wording;
  if (w.find("%s") != std::string::npos) {
    std::string ddmm = " " + tx.rdate.substr(8, 2) + "/" + tx.rdate.substr(5, 2);
    std::snprintf(wording, sizeof wording, t.wording, ddmm.c_str());
  } else if (w.find("%06d") != std::string::npos) {
    std::snprintf(wording, sizeof wording, t.wording, static_cast<int>(rng.range(0, 999999)));
  } else {
    std::snprintf(wording, sizeof wording, "%s", t.wording);
  }
  tx.original_wording = wording;
  tx.simplified_wording = t.simplified;
  tx.coming = pending && (card || type == "order");
  if (t.payee) {
    std::string acct;
    uint64_t h = mix(std::hash<std::string>{}(t.payee), 7);
    for (int i = 0; i < 11; ++i) acct += static_cast<char>('0' + (h >> (i * 5)) % 10);
    tx.counterparty = Counterparty{t.payee, "iban", french_iban("30004", acct), tx.value < 0 ? "creditor" : "debtor"};
  }
  return tx;
}

const Template& pick(Rng& rng, const std::vector<Template>& ts) {
  int total = 0;
  for (auto& t : ts) total += t.weight;
  int64_t r = rng.range(0, total - 1);
  for (auto& t : ts) {
    if (r < t.weight) return t;
    r -= t.weight;
  }
  return ts.back();
}

}  // namespace

std::vector<Transaction> generate_history(Rng& rng, const Account& a, AccountKind kind, int count, const std::string& today) {
  auto& ts = templates_for(a, kind);
  std::vector<Transaction> out;
  std::vector<int> days;
  for (int i = 0; i < count; ++i) days.push_back(static_cast<int>(rng.range(0, kHistoryDays - 1)));
  std::sort(days.begin(), days.end(), std::greater<int>());  // oldest first
  for (size_t i = 0; i < days.size(); ++i) {
    std::string date = add_days(today, -days[i]);
    bool newest = i + 1 == days.size();
    const Template* t = &pick(rng, ts);
    if (newest && kind != AccountKind::kSavings) {
      // The newest row of a checking or card account is a pending card payment.
      for (auto& cand : ts)
        if (std::string(cand.type).find("card") != std::string::npos) {
          t = &cand;
          break;
        }
      date = today;
    }
    out.push_back(make(rng, a, *t, date, days[i] <= kPendingDays || (newest && kind != AccountKind::kSavings)));
  }
  return out;
}

std::vector<Transaction> generate_day(Rng& rng, const Account& a, AccountKind kind, const std::string& date,
                                      const std::string& today) {
  std::vector<Transaction> out;
  int n = kind == AccountKind::kSavings ? (rng.chance(0.1) ? 1 : 0) : static_cast<int>(rng.range(0, 3));
  bool pending = date >= add_days(today, -kPendingDays);
  for (int i = 0; i < n; ++i) out.push_back(make(rng, a, pick(rng, templates_for(a, kind)), date, pending));
  return out;
}

}  // namespace cx::sandbox::powens
