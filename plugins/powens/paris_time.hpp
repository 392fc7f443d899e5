// Powens' naive timestamps are Europe/Paris local time (docs/providers/powens.md §1); this converts them
// to UTC with the IANA rules (Howard Hinnant's date/tz over the system tz database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace powens {

/// Converts a naive Paris "YYYY-MM-DD HH:MM:SS" (also 'T' separator, optional fraction) or a
/// date-only "YYYY-MM-DD" (midnight Paris) to UTC milliseconds since the epoch.
/// A value that already carries an offset or 'Z' is taken as is.
/// DST rules, identical to java.time and Python's zoneinfo with fold=0:
///  - gap (spring forward, e.g. 2024-03-31 02:30 does not exist): the offset in force before the
///    gap applies (+01:00), giving 01:30Z, the instant a wall clock not yet moved would show;
///  - overlap (fall back, e.g. 2024-10-27 02:30 happens twice): the earlier instant (+02:00, 00:30Z).
/// Returns nullopt for text that is not such a timestamp.
std::optional<int64_t> paris_to_utc_ms(std::string_view naive);

/// paris_to_utc_ms formatted as RFC 3339 UTC ("2024-03-31T01:30:00Z").
std::optional<std::string> paris_to_rfc3339(std::string_view naive);

}  // namespace powens
