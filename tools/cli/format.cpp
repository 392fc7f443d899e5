#include "tools/cli/format.hpp"

#include <botan/hash.h>
#include <botan/hex.h>
#include <date/date.h>
#include <utf8proc.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>

namespace cx::cli {

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(utf8.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {  // invalid byte: one column, move on by one byte
      ++width;
      ++p;
      --left;
      continue;
    }
    width += static_cast<size_t>(std::max(0, utf8proc_charwidth(cp)));
    p += n;
    left -= n;
  }
  return width;
}

std::string format_amount(std::string_view minor_units, std::string_view asset) {
  std::string_view code = asset;
  size_t places = 0;
  if (auto slash = asset.find('/'); slash != std::string_view::npos) {
    code = asset.substr(0, slash);
    places = 0;
    for (char c : asset.substr(slash + 1)) {
      if (c < '0' || c > '9' || places > 100) return std::string(minor_units) + " " + std::string(asset);
      places = places * 10 + static_cast<size_t>(c - '0');
    }
  }
  bool negative = !minor_units.empty() && minor_units.front() == '-';
  std::string_view digits = negative ? minor_units.substr(1) : minor_units;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::string(minor_units) + (asset.empty() ? "" : " " + std::string(asset));
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  std::string d(digits);
  if (d.size() <= places) d.insert(0, places + 1 - d.size(), '0');
  std::string out;
  if (negative && d.find_first_not_of('0') != std::string::npos) out = "-";
  if (places == 0) {
    out += d;
  } else {
    out += d.substr(0, d.size() - places);
    out += '.';
    out += d.substr(d.size() - places);
  }
  if (!code.empty()) out += " " + std::string(code);
  return out;
}

std::string shorten_id(std::string_view id, bool wide) {
  if (wide || id.size() <= 36) return std::string(id);
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update(reinterpret_cast<const uint8_t*>(id.data()), id.size());
  auto digest = sha->final();
  return std::string(id.substr(0, 8)) + "…" + Botan::hex_encode(digest.data(), 3, false);
}

std::string format_time(std::string_view rfc3339, bool utc) {
  if (rfc3339.empty()) return {};
  std::istringstream in{std::string(rfc3339)};
  date::sys_time<std::chrono::milliseconds> tp;
  in >> date::parse("%FT%T", tp);
  if (in.fail()) return std::string(rfc3339);
  std::string rest;
  std::getline(in, rest);
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int h = std::atoi(rest.substr(1, 2).c_str()), m = std::atoi(rest.substr(4, 2).c_str());
    auto offset = std::chrono::minutes(h * 60 + m);
    tp -= rest[0] == '+' ? offset : -offset;
  } else {
    return std::string(rfc3339);
  }
  auto secs = date::floor<std::chrono::seconds>(tp);
  if (utc) return date::format("%F %TZ", secs);
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm local{};
  if (!localtime_r(&t, &local)) return date::format("%F %TZ", secs);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string Table::render() const {
  size_t cols = headers.size();
  for (const auto& r : rows) cols = std::max(cols, r.size());
  std::vector<size_t> widths(cols, 0);
  auto cell = [](const std::vector<std::string>& row, size_t i) -> std::string_view {
    return i < row.size() ? std::string_view(row[i]) : std::string_view();
  };
  for (size_t i = 0; i < cols; ++i) {
    widths[i] = display_width(cell(headers, i));
    for (const auto& r : rows) widths[i] = std::max(widths[i], display_width(cell(r, i)));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (size_t i = 0; i < cols; ++i) {
      std::string_view text = cell(row, i);
      std::string pad(widths[i] - display_width(text), ' ');
      bool right = i < right_aligned.size() && right_aligned[i];
      if (i > 0) l += "  ";
      l += right ? pad + std::string(text) : std::string(text) + pad;
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(headers);
  for (const auto& r : rows) line(r);
  return out;
}

}  // namespace cx::cli
