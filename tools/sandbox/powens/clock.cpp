#include "clock.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unordered_map>

namespace cx::sandbox::powens {

void use_paris_time() {
  setenv("TZ", "Europe/Paris", 1);
  tzset();
}

std::string paris_datetime(int64_t utc) {
  std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string paris_date(int64_t utc) { return paris_datetime(utc).substr(0, 10); }

std::optional<int64_t> parse_paris(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  std::string text(s);
  if (text.size() >= 19) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6) return std::nullopt;
  } else if (text.size() == 10) {
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d", &y, &mo, &d) != 3) return std::nullopt;
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(t);
}

std::string rfc3339(int64_t utc) {
  std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
// Large histories (benchmarks) ask for the same few hundred days over and over: both helpers
// below memoise per thread, since mktime/localtime under a TZ cost microseconds each.
constexpr size_t kMemoLimit = 4096;
}  // namespace

std::string add_days(const std::string& date, int days) {
  thread_local std::unordered_map<std::string, std::string> memo;
  std::string key = date + '|' + std::to_string(days);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  auto noon = parse_paris(date);
  if (!noon) return date;
  std::string out = paris_date(*noon + 12 * 3600 + int64_t(days) * 86400);
  if (memo.size() >= kMemoLimit) memo.clear();
  memo.emplace(std::move(key), out);
  return out;
}

int64_t paris_time_on(const std::string& date, int seconds_into_day) {
  // On a day without a DST change, Paris midnight plus the seconds is exact.
  thread_local std::unordered_map<std::string, std::optional<int64_t>> plain_midnight;
  auto it = plain_midnight.find(date);
  if (it == plain_midnight.end()) {
    auto midnight = parse_paris(date);
    auto next = parse_paris(add_days(date, 1));
    std::optional<int64_t> plain;
    if (midnight && next && *next - *midnight == 86400) plain = midnight;
    if (plain_midnight.size() >= kMemoLimit) plain_midnight.clear();
    it = plain_midnight.emplace(date, plain).first;
  }
  if (it->second && seconds_into_day >= 0 && seconds_into_day < 86400) return *it->second + seconds_into_day;
  auto two = [](int v) { return std::string(1, char('0' + v / 10)) + char('0' + v % 10); };
  std::string hhmmss = " " + two((seconds_into_day / 3600) % 24) + ":" + two((seconds_into_day / 60) % 60) + ":" +
                       two(seconds_into_day % 60);
  // Wall-clock time of that Paris day (mktime resolves a time inside a DST change).
  return parse_paris(date + hhmmss).value_or(parse_paris(date).value_or(0) + seconds_into_day);
}

std::optional<int64_t> parse_duration_s(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t total = 0, n = 0;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      digits = true;
      continue;
    }
    if (!digits) return std::nullopt;
    int64_t unit = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 : 0;
    if (!unit) return std::nullopt;
    total += n * unit;
    n = 0;
    digits = false;
  }
  return total + n;
}

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace cx::sandbox::powens
