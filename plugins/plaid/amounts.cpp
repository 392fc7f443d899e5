#include "amounts.hpp"

#include <connectivity/json.hpp>
#include <connectivity/money.hpp>

namespace cx::plaid {

std::optional<Currency> currency_of(const boost::json::object& obj, std::string* reason) {
  auto iso = json::string_or_none(obj, "iso_currency_code");
  auto unofficial = json::string_or_none(obj, "unofficial_currency_code");
  std::string code = iso ? *iso : unofficial ? *unofficial : std::string{};
  if (code.empty()) {
    if (reason) *reason = "no iso_currency_code nor unofficial_currency_code";
    return std::nullopt;
  }
  int precision = cx::money::iso4217_precision(code);
  if (precision < 0) {
    if (reason) *reason = "currency " + code + " is not an ISO 4217 currency";
    return std::nullopt;
  }
  return Currency{code, precision};
}

std::optional<std::string> minor_units(const boost::json::value& amount, int precision) {
  auto text = json::number_text(amount);
  if (!text) return std::nullopt;
  return cx::money::decimal_to_minor(*text, precision);
}

std::optional<std::string> abs_minor_units(const boost::json::value& amount, int precision) {
  auto m = minor_units(amount, precision);
  if (!m) return std::nullopt;
  return cx::money::abs_integer(*m);
}

}  // namespace cx::plaid
