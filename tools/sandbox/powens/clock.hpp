// Time formatting for the Powens emulator: Powens serves naive Europe/Paris timestamps
// (docs/providers/powens.md §1). The emulator runs one provider per process and sets TZ=Europe/Paris at
// start, so the C library's localtime_r/mktime do the conversion with the system tz database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cx::sandbox::powens {

/// Makes the process's local time zone Europe/Paris (call once before serving).
void use_paris_time();

/// UTC seconds -> naive Paris "YYYY-MM-DD HH:MM:SS".
std::string paris_datetime(int64_t utc);
/// UTC seconds -> Paris calendar date "YYYY-MM-DD".
std::string paris_date(int64_t utc);
/// Naive Paris "YYYY-MM-DD[ HH:MM:SS]" -> UTC seconds (DST gap/overlap resolved by mktime).
std::optional<int64_t> parse_paris(std::string_view text);
/// UTC seconds -> "2024-07-01T10:00:00Z".
std::string rfc3339(int64_t utc);
/// "YYYY-MM-DD" plus `days` (may be negative).
std::string add_days(const std::string& date, int days);
/// UTC seconds of Paris midnight on `date`, plus `seconds_into_day`.
int64_t paris_time_on(const std::string& date, int seconds_into_day);
/// Parses a duration "90s", "15m", "48h", "2d" (or plain seconds) into seconds.
std::optional<int64_t> parse_duration_s(std::string_view text);
/// Wall-clock UTC seconds.
int64_t wall_now();

}  // namespace cx::sandbox::powens
