// Small URL helpers: percent-encoding of query values and splitting of absolute URLs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace powens {

/// Percent-encodes every byte outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~), upper-case hex,
/// so the value is safe in any query component (space -> %20, '&' -> %26, '/' -> %2F).
std::string percent_encode(std::string_view value);

/// The path of an absolute URL, without scheme, authority, query or fragment ("/" when empty);
/// nullopt when `url` is not of the form scheme://authority[path][?query][#fragment].
std::optional<std::string> url_path(std::string_view url);

/// "scheme://authority" of an absolute URL (lower-cased scheme and host are not normalised);
/// nullopt when `url` is not absolute.
std::optional<std::string> url_origin(std::string_view url);

/// The first raw (still percent-encoded) value of query parameter `name` in `url`, if any.
std::optional<std::string> query_param(std::string_view url, std::string_view name);

}  // namespace powens
