// Powens webhook signatures (docs/providers/powens.md §5): header BI-Signature = standard padded base64 of
// HMAC-SHA256(secret, "POST." + <url path> + "." + <BI-Signature-Date> + "." + <raw body>).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace powens {

/// The string Powens signs for a webhook POSTed to `path` (no scheme, host or query).
std::string signed_string(std::string_view path, std::string_view date, std::string_view body);

/// base64(HMAC-SHA256(secret, signed_string(path, date, body))), with connectivity/crypto.hpp.
std::string sign_webhook(std::string_view secret, std::string_view path, std::string_view date, std::string_view body);

/// True when `signature` (base64) is the HMAC of the request; compared in constant time on the
/// decoded bytes. Malformed base64 is false.
bool signature_matches(std::string_view secret, std::string_view path, std::string_view date, std::string_view body,
                       std::string_view signature);

/// The instant of a BI-Signature-Date, UTC ms: RFC 3339 with an offset ("2026-12-04T13:00:00Z",
/// what the sandbox sends) or an HTTP date (IMF-fixdate, RFC 9110 §5.6.7, "Fri, 04 Dec 2026
/// 13:00:00 GMT"); Powens does not document the format (README.md, "Webhooks"). nullopt otherwise.
std::optional<int64_t> signature_date_ms(std::string_view date);

}  // namespace powens
