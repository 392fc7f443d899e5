// Exact amounts: validation, an order-preserving sort key, and big-integer arithmetic.
//
// The sort key makes TEXT comparison agree with numeric order for integers of any size:
//   negative: '1' + (9999 - digits, 4 wide) + each digit complemented (9 - d)
//   zero:     '2'
//   positive: '3' + (digits, 4 wide) + digits
// so "amount_key < ?" with the key of the bound value is a numeric comparison. Amounts are limited
// to 9999 digits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cx::store {

/// Normalised integer text ("-007" → "-7"), or nullopt when `text` is not a decimal integer
/// (optional '-', digits only) or has more than 9999 digits.
std::optional<std::string> normalize_amount(std::string_view text);
/// The sort key of a normalised amount.
std::string amount_sort_key(std::string_view normalized);
/// a + b and a - b on normalised integer texts, exact.
std::string amount_add(std::string_view a, std::string_view b);
std::string amount_sub(std::string_view a, std::string_view b);

}  // namespace cx::store
