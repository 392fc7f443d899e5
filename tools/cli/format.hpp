// What the operator reads: tables aligned by display width, amounts as decimals with their
// asset, times in local time or UTC, long IDs shortened. Pure functions (unit-tested).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cx::cli {

/// Terminal columns `utf8` occupies: the sum of utf8proc_charwidth over its code points (East
/// Asian wide characters count 2, combining marks and zero-width characters 0; Unicode data of
/// the installed libutf8proc). A byte that is not valid UTF-8 counts 1.
size_t display_width(std::string_view utf8);

/// `minor_units` ("-1234", any length) of `asset` ("EUR/2": code EUR, 2 decimal places; a bare
/// "JPY" has none) as "-12.34 EUR". Exact: done on the digit text, never through a double.
/// Text that is not an integer is shown as given, followed by the asset.
std::string format_amount(std::string_view minor_units, std::string_view asset);

/// An ID for a table cell. IDs longer than 36 characters (the composite base64url IDs; UUIDs
/// stay whole) become their first 8 characters, "…", and 6 hex digits of the ID's SHA-256: the
/// composite IDs of one connector share long prefixes and suffixes (base64 of the same JSON
/// around a short reference), so a digest is what keeps rows apart. Commands that take a
/// connector accept this form; other IDs must be given whole (`--wide` or `--json` shows them).
std::string shorten_id(std::string_view id, bool wide);

/// An RFC 3339 timestamp ("2026-12-04T16:03:20.123Z", any offset) as "2026-12-04 17:03:20" in
/// the local time zone (TZ), or "2026-12-04 16:03:20Z" when `utc`. Unparseable text is returned
/// as given; an empty string stays empty.
std::string format_time(std::string_view rfc3339, bool utc);

/// Columns of text rendered with two spaces between columns, padded by display width.
struct Table {
  std::vector<std::string> headers;
  std::vector<bool> right_aligned;  ///< per column (missing entries: left-aligned)
  std::vector<std::vector<std::string>> rows;

  /// One line per header/row, each ending in '\n'; trailing blanks trimmed. Rows shorter than
  /// the headers get empty cells. An empty table renders just the header line.
  std::string render() const;
};

}  // namespace cx::cli
