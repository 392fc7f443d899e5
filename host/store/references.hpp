// References that would put personal data into IDs. An account or payment ID embeds its
// provider reference (host/util/ids.hpp, base64url of JSON: encoding, not encryption), so a
// reference that is an IBAN (a counterparty without a provider id) is replaced by a keyed hash
// before it becomes an ID: "iban-" + 32 hex digits of HMAC-SHA-256 under the blind index key
// (domain "reference.iban", the IBAN without spaces, upper case). The same IBAN gives the same
// reference on every sync, so IDs stay stable; without the key it cannot be brute-forced from
// the ~10^10 IBANs of one bank. Connectors should send the provider's stable id instead
// (sdk/README.md, "References carry no personal data").
#pragma once

#include "host/crypto/blind_index.hpp"

#include <string>
#include <string_view>

namespace cx::store::references {

/// True for an IBAN (ISO 13616-1): 2 letters, 2 check digits, 11–30 alphanumerics, spaces
/// allowed, any case, ISO 7064 mod 97-10 checksum = 1.
bool is_iban(std::string_view text);

/// `reference` itself, or its keyed hash when it is an IBAN (see above).
std::string pseudonymous(const crypto::BlindIndex& blind, const std::string& reference);

}  // namespace cx::store::references
