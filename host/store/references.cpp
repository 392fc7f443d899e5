#include "host/store/references.hpp"

#include "host/util/encoding.hpp"

#include <cctype>

namespace cx::store::references {
namespace {

// Upper case without spaces, or "" when a character is neither alphanumeric nor a space.
std::string compact(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == ' ') continue;
    if (!std::isalnum(c)) return {};
    out.push_back(static_cast<char>(std::toupper(c)));
  }
  return out;
}

}  // namespace

bool is_iban(std::string_view text) {
  const std::string s = compact(text);
  if (s.size() < 15 || s.size() > 34) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) || !std::isalpha(static_cast<unsigned char>(s[1])) ||
      !std::isdigit(static_cast<unsigned char>(s[2])) || !std::isdigit(static_cast<unsigned char>(s[3])))
    return false;
  // ISO 7064 mod 97-10 over the rearranged text, letters as 10..35, digit by digit.
  const std::string moved = s.substr(4) + s.substr(0, 4);
  unsigned remainder = 0;
  for (unsigned char c : moved) {
    if (std::isdigit(c)) remainder = (remainder * 10 + (c - '0')) % 97;
    else remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
  }
  return remainder == 1;
}

std::string pseudonymous(const crypto::BlindIndex& blind, const std::string& reference) {
  if (!is_iban(reference)) return reference;
  auto tag = blind.compute("reference.iban", compact(reference));
  return "iban-" + util::hex_encode(std::string_view(reinterpret_cast<const char*>(tag.data()), tag.size()));
}

}  // namespace cx::store::references
