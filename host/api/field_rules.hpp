// Field-level rules used by request validation. Pure predicates, no allocation of note.
#pragma once

#include <string_view>

namespace cx::api::rules {

/// The reference's e-mail rule: ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$ (≤ 320 bytes).
bool is_email(std::string_view s);
/// The reference's phone rule (≤ 64 bytes):
/// ^\+?\d{1,4}?[-.\s]?\(?\d{1,3}?\)?[-.\s]?\d{1,4}[-.\s]?\d{1,4}[-.\s]?\d{1,9}$
bool is_phone_number(std::string_view s);
/// A well-formed BCP 47 language tag (RFC 5646 syntax: language(2-3 letters)[-extlang][-script][-region]
/// [-variant]*[-extension]*[-x-private], '_' accepted as separator). Not checked against the
/// IANA registry.
bool is_bcp47(std::string_view s);
/// An assigned ISO 3166-1 alpha-2 code, upper case ("FR").
bool is_country_alpha2(std::string_view s);
/// ASCII letters and digits only, non-empty.
bool is_alphanumeric(std::string_view s);
/// An IBAN: 15–31 alphanumerics, country code + 2 check digits, ISO 7064 mod-97 == 1.
bool is_iban(std::string_view s);
/// A BIC (ISO 9362): 4 letters bank, 2 letters country, 2 alphanumerics location, optional
/// 3 alphanumerics branch (8 or 11 characters). Case-insensitive.
bool is_bic(std::string_view s);
/// An absolute URL: RFC 3986 scheme, ':' and a non-empty rest without whitespace or control
/// characters; "scheme://" needs a non-empty authority. App deep links (myapp://cb) pass.
bool is_url(std::string_view s);
/// Number of code points of valid UTF-8 text (Boost.JSON validates UTF-8 when parsing).
size_t utf8_length(std::string_view s);

}  // namespace cx::api::rules
