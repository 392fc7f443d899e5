// connectivity/money.hpp — exact money handling: assets ("EUR/2") and minor-unit amounts.
// Amounts are decimal integer strings of any size ("-1234"); nothing here passes through a double.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace cx::money {

/// True for an asset in the Universal Money Notation: CODE[_SUFFIX][/N], CODE = [A-Z][A-Z0-9]{0,16},
/// N = 1..6 digits (Formance's asset rule; docs/api/formance-v3.md §2).
inline bool is_valid_asset(std::string_view a) {
  size_t i = 0, n = a.size();
  if (n == 0 || !(a[0] >= 'A' && a[0] <= 'Z')) return false;
  size_t code = 1;
  for (i = 1; i < n && ((a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= '0' && a[i] <= '9')); ++i) ++code;
  if (code > 17) return false;
  if (i < n && a[i] == '_') {
    size_t s = 0;
    for (++i; i < n && a[i] >= 'A' && a[i] <= 'Z'; ++i) ++s;
    if (s < 1 || s > 16) return false;
  }
  if (i < n && a[i] == '/') {
    size_t d = 0;
    for (++i; i < n && a[i] >= '0' && a[i] <= '9'; ++i) ++d;
    if (d < 1 || d > 6) return false;
  }
  return i == n;
}

/// The precision N of "CODE/N", or 0 when the asset carries none.
inline int asset_precision(std::string_view asset) {
  auto slash = asset.find('/');
  if (slash == std::string_view::npos) return 0;
  int p = 0;
  for (char c : asset.substr(slash + 1)) p = p * 10 + (c - '0');
  return p;
}

/// "CODE/precision".
inline std::string make_asset(std::string_view code, int precision) {
  return std::string(code) + "/" + std::to_string(precision);
}

/// True for an optionally signed run of decimal digits with no leading '+', spaces or dots.
inline bool is_integer_text(std::string_view s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/// Strips leading zeros ("-007" -> "-7", "-0" -> "0").
inline std::string normalize_integer(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  std::string_view digits = neg ? s.substr(1) : s;
  size_t nz = digits.find_first_not_of('0');
  if (nz == std::string_view::npos) return "0";
  return (neg ? "-" : "") + std::string(digits.substr(nz));
}

/// Converts decimal text ("-12.5", "1234.56", "1e-2", "7") to minor units at `precision`, exactly.
/// Returns nullopt when the text is not a number or has more significant decimals than the
/// precision allows ("12.345" at 2) — the caller rejects the item rather than rounding.
inline std::optional<std::string> decimal_to_minor(std::string_view text, int precision) {
  if (text.empty() || precision < 0) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (text[0] == '-' || text[0] == '+') { neg = text[0] == '-'; ++i; }
  std::string int_part, frac_part;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) int_part += text[i];
  if (i < text.size() && text[i] == '.')
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) frac_part += text[i];
  if (int_part.empty() && frac_part.empty()) return std::nullopt;
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) { eneg = text[i] == '-'; ++i; }
    if (i == text.size()) return std::nullopt;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 400) return std::nullopt;
    }
    if (eneg) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  // digits * 10^(exponent - frac_len) * 10^precision
  std::string digits = int_part + frac_part;
  long shift = exponent - static_cast<long>(frac_part.size()) + precision;
  if (shift >= 0) {
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    size_t drop = static_cast<size_t>(-shift);
    if (drop > digits.size()) digits.insert(0, drop - digits.size(), '0');
    std::string_view dropped(digits.data() + digits.size() - drop, drop);
    if (dropped.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    digits.resize(digits.size() - drop);
  }
  std::string out = normalize_integer(digits.empty() ? "0" : digits);
  if (neg && out != "0") out.insert(0, "-");
  return out;
}

/// Absolute value of an integer text ("-12" -> "12").
inline std::string abs_integer(std::string_view s) {
  return std::string(!s.empty() && s[0] == '-' ? s.substr(1) : s);
}

}  // namespace cx::money

// iso4217_precision(code): ISO 4217 minor units, or -1 when unknown.
#include <connectivity/detail/iso4217.hpp>
