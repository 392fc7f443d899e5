#include "host/api/field_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

namespace cx::api::rules {
namespace {

bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return alpha(c) || digit(c); }
bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

// Assigned ISO 3166-1 alpha-2 codes, sorted.
constexpr std::string_view kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT "
    "BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH "
    "ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT "
    "HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS "
    "LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI "
    "NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG "
    "SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG "
    "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

}  // namespace

bool is_email(std::string_view s) {
  if (s.empty() || s.size() > 320) return false;
  static const std::regex re(R"(^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$)");
  return std::regex_match(s.begin(), s.end(), re);
}

bool is_phone_number(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  static const std::regex re(
      R"(^\+?[0-9]{1,4}?[-. \t\n\f\r]?\(?[0-9]{1,3}?\)?[-. \t\n\f\r]?[0-9]{1,4}[-. \t\n\f\r]?[0-9]{1,4}[-. \t\n\f\r]?[0-9]{1,9}$)");
  return std::regex_match(s.begin(), s.end(), re);
}

bool is_bcp47(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  std::vector<std::string_view> tags;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-' || s[i] == '_') {
      auto t = s.substr(start, i - start);
      if (t.empty() || t.size() > 8 || !all_of(t, alnum)) return false;
      tags.push_back(t);
      start = i + 1;
    }
  }
  auto lower = [](std::string_view t) {
    std::string o(t);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
  };
  size_t i = 0;
  auto private_use = [&](size_t from) {  // x-(1*8alphanum)+
    if (from + 1 >= tags.size()) return false;
    for (size_t k = from + 1; k < tags.size(); ++k)
      if (tags[k].empty()) return false;
    return true;
  };
  if (lower(tags[0]) == "x") return private_use(0);
  if (lower(tags[0]) == "i") return tags.size() == 2;  // grandfathered irregular (i-klingon…)
  // language: 2-3 letters (every registered language subtag), then up to 3 extlangs
  if (!all_of(tags[0], alpha) || tags[0].size() < 2 || tags[0].size() > 3) return false;
  i = 1;
  for (int n = 0; n < 3 && i < tags.size() && tags[i].size() == 3 && all_of(tags[i], alpha); ++n) ++i;
  if (i < tags.size() && tags[i].size() == 4 && all_of(tags[i], alpha)) ++i;  // script
  if (i < tags.size() && ((tags[i].size() == 2 && all_of(tags[i], alpha)) ||
                          (tags[i].size() == 3 && all_of(tags[i], digit))))
    ++i;  // region
  while (i < tags.size() && ((tags[i].size() >= 5) || (tags[i].size() == 4 && digit(tags[i][0]))))
    ++i;  // variants
  while (i < tags.size() && tags[i].size() == 1 && lower(tags[i]) != "x") {  // extensions
    size_t k = i + 1;
    while (k < tags.size() && tags[k].size() >= 2) ++k;
    if (k == i + 1) return false;
    i = k;
  }
  if (i < tags.size() && lower(tags[i]) == "x") return private_use(i);
  return i == tags.size();
}

bool is_country_alpha2(std::string_view s) {
  if (s.size() != 2 || !(s[0] >= 'A' && s[0] <= 'Z') || !(s[1] >= 'A' && s[1] <= 'Z')) return false;
  for (size_t i = 0; i + 1 < kCountries.size(); i += 3)
    if (kCountries.substr(i, 2) == s) return true;
  return false;
}

bool is_alphanumeric(std::string_view s) { return !s.empty() && all_of(s, alnum); }

bool is_iban(std::string_view s) {
  if (s.size() < 15 || s.size() > 31 || !all_of(s, alnum)) return false;
  if (!alpha(s[0]) || !alpha(s[1]) || !digit(s[2]) || !digit(s[3])) return false;
  std::string upper(s);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!is_country_alpha2(upper.substr(0, 2))) return false;
  std::string rotated = upper.substr(4) + upper.substr(0, 4);
  unsigned rem = 0;
  for (char c : rotated) {
    unsigned v = digit(c) ? static_cast<unsigned>(c - '0') : static_cast<unsigned>(c - 'A' + 10);
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem == 1;
}

bool is_bic(std::string_view s) {
  if (s.size() != 8 && s.size() != 11) return false;
  if (!all_of(s.substr(0, 6), alpha) || !all_of(s.substr(6), alnum)) return false;
  std::string country{static_cast<char>(std::toupper(static_cast<unsigned char>(s[4]))),
                      static_cast<char>(std::toupper(static_cast<unsigned char>(s[5])))};
  return is_country_alpha2(country) || country == "XK";
}

bool is_url(std::string_view s) {
  if (s.size() > 4096 || s.empty() || !alpha(s[0])) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  for (char c : s.substr(0, colon))
    if (!alnum(c) && c != '+' && c != '-' && c != '.') return false;
  auto rest = s.substr(colon + 1);
  if (rest.empty()) return false;
  if (rest.substr(0, 2) == "//") {
    auto authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) authority = authority.substr(at + 1);
    if (authority.empty() || authority[0] == ':') return false;
  }
  return true;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace cx::api::rules
