#include "host/store/amount_key.hpp"

#include <connectivity/money.hpp>

#include <botan/bigint.h>

#include <cstdio>

namespace cx::store {
namespace {
constexpr size_t kMaxDigits = 9999;

std::string width4(size_t n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04zu", n);
  return buf;
}

// Botan's BigInt parses a leading '-' and prints one; it is a plain bignum here, no crypto.
Botan::BigInt big(std::string_view s) { return Botan::BigInt(std::string(s)); }
std::string text(const Botan::BigInt& v) {
  if (v.is_zero()) return "0";
  std::string digits = v.abs().to_dec_string();
  return v.is_negative() ? "-" + digits : digits;
}
}  // namespace

std::optional<std::string> normalize_amount(std::string_view t) {
  if (!money::is_integer_text(t)) return std::nullopt;
  std::string n = money::normalize_integer(t);
  if (n.size() - (n[0] == '-' ? 1 : 0) > kMaxDigits) return std::nullopt;
  return n;
}

std::string amount_sort_key(std::string_view n) {
  if (n == "0") return "2";
  if (n[0] == '-') {
    std::string_view digits = n.substr(1);
    std::string key = "1" + width4(kMaxDigits - digits.size());
    for (char c : digits) key.push_back(static_cast<char>('9' - (c - '0')));
    return key;
  }
  return "3" + width4(n.size()) + std::string(n);
}

std::string amount_add(std::string_view a, std::string_view b) { return text(big(a) + big(b)); }
std::string amount_sub(std::string_view a, std::string_view b) { return text(big(a) - big(b)); }

}  // namespace cx::store
