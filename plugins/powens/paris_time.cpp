#include "paris_time.hpp"

#include <connectivity/time.hpp>

#include <date/tz.h>

#include <chrono>

namespace powens {
namespace {

const date::time_zone* paris() {
  static const date::time_zone* zone = date::locate_zone("Europe/Paris");
  return zone;
}

bool has_offset(std::string_view s) {
  if (s.size() <= 10) return false;
  char last = s.back();
  if (last == 'Z' || last == 'z') return true;
  // "…HH:MM:SS+01:00": an explicit offset after the time part.
  size_t t = s.find_first_of("T ", 10);
  if (t == std::string_view::npos) return false;
  return s.find_first_of("+-", t) != std::string_view::npos;
}

}  // namespace

std::optional<int64_t> paris_to_utc_ms(std::string_view naive) {
  if (has_offset(naive)) return cx::time::parse_rfc3339(naive);
  // Parse the wall-clock fields as if they were UTC, which yields the local_time value exactly.
  auto as_utc = cx::time::parse_rfc3339(naive, /*naive_is_utc=*/true);
  if (!as_utc) return std::nullopt;
  using namespace std::chrono;
  date::local_time<milliseconds> local{milliseconds(*as_utc)};
  date::local_info info = paris()->get_info(date::floor<seconds>(local));
  // unique: first is the only offset; nonexistent: first is the offset before the gap;
  // ambiguous: first is the earlier (summer) offset. The rule is the same in all three cases.
  milliseconds offset = duration_cast<milliseconds>(info.first.offset);
  return (local.time_since_epoch() - offset).count();
}

std::optional<std::string> paris_to_rfc3339(std::string_view naive) {
  auto ms = paris_to_utc_ms(naive);
  if (!ms) return std::nullopt;
  return cx::time::format_rfc3339(*ms);
}

}  // namespace powens
