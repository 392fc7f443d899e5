#include "url.hpp"

namespace powens {

std::string percent_encode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

namespace {
/// Position just after "scheme://authority", or npos.
size_t authority_end(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return std::string_view::npos;
  for (size_t i = 0; i < scheme; ++i) {
    char c = url[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return std::string_view::npos;
  }
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = url.size();
  if (end == start) return std::string_view::npos;
  return end;
}
}  // namespace

std::optional<std::string> url_path(std::string_view url) {
  size_t a = authority_end(url);
  if (a == std::string_view::npos) return std::nullopt;
  std::string_view rest = url.substr(a);
  size_t q = rest.find_first_of("?#");
  std::string_view path = q == std::string_view::npos ? rest : rest.substr(0, q);
  return path.empty() ? std::string("/") : std::string(path);
}

std::optional<std::string> url_origin(std::string_view url) {
  size_t a = authority_end(url);
  if (a == std::string_view::npos) return std::nullopt;
  return std::string(url.substr(0, a));
}

std::optional<std::string> query_param(std::string_view url, std::string_view name) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = url.substr(q + 1);
  if (size_t h = query.find('#'); h != std::string_view::npos) query = query.substr(0, h);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key == name) return std::string(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace powens
