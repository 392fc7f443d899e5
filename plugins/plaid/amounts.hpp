// plaid/amounts.hpp — Plaid's double amounts to exact minor units (docs/providers/model.md §2, docs/providers/plaid.md §6).
//
// Rule: a double goes through its shortest round-trip decimal text (std::to_chars), and that
// text is converted exactly to minor units of the ISO 4217 precision; a value with more decimals
// than the currency allows (USD 1.005) is rejected, never rounded.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace cx::plaid {

/// A currency known to ISO 4217 with its minor-unit precision.
struct Currency {
  std::string code;  ///< "USD"
  int precision = 2; ///< ISO 4217 minor units (JPY 0, USD 2, BHD 3)
  /// The asset "CODE/N".
  std::string asset() const { return code + "/" + std::to_string(precision); }
};

/// The currency of a Plaid object carrying iso_currency_code / unofficial_currency_code (an
/// AccountBase.balances or a Transaction). nullopt, with *reason set, when neither is an ISO 4217
/// code (e.g. unofficial "BTC").
std::optional<Currency> currency_of(const boost::json::object& obj, std::string* reason);

/// |amount| in minor units at `precision` ("1230" for 12.300000000000001 at 2). nullopt when the
/// value is not a finite number or has more decimals than the precision allows.
std::optional<std::string> abs_minor_units(const boost::json::value& amount, int precision);

/// Signed minor units of `amount` at `precision` (balances); nullopt as abs_minor_units.
std::optional<std::string> minor_units(const boost::json::value& amount, int precision);

}  // namespace cx::plaid
