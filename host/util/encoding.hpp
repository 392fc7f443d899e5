// Base64 / base64url / hex over Botan's codecs, and random UUIDs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::util {

/// Standard padded base64 (RFC 4648 §4).
std::string base64_encode(std::string_view bytes);
/// Decodes padded or unpadded standard base64; nullopt on invalid input.
std::optional<std::string> base64_decode(std::string_view text);
/// URL-safe base64 without padding (RFC 4648 §5), as the v3 API's IDs and cursors use.
std::string base64url_encode(std::string_view bytes);
/// Decodes unpadded (or padded) base64url; nullopt on any character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view text);
/// Lower-case hex.
std::string hex_encode(std::string_view bytes);

/// A random RFC 4122 version-4 UUID, lower-case.
std::string uuid_v4();
/// True for a canonical 8-4-4-4-12 hex UUID (any case).
bool is_uuid(std::string_view s);

/// Current UTC time in milliseconds since the epoch.
int64_t now_ms();

}  // namespace cx::util
