#include "errors.hpp"

#include "precise_json.hpp"

#include <string>

namespace powens {

int64_t retry_after_ms(std::string_view h) {
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (h.empty() || h.size() > 9) return 0;
  int64_t s = 0;
  for (char c : h) {
    if (c < '0' || c > '9') return 0;
    s = s * 10 + (c - '0');
  }
  return s * 1000;
}

cx::Failure failure_from_response(const cx::HttpResponse& resp, std::string_view what) {
  std::string detail;
  boost::system::error_code ec;
  auto body = boost::json::parse(resp.body, ec);
  if (!ec && body.is_object()) {
    auto& o = body.get_object();
    if (auto code = string_member(o, "code")) detail += *code;
    if (auto d = string_member(o, "description")) detail += (detail.empty() ? "" : ": ") + *d;
    if (auto m = string_member(o, "message")) detail += " (" + *m + ")";
    auto rid = id_text(o.if_contains("request_id"));
    if (!rid) rid = id_text(o.if_contains("requestId"));
    if (rid) detail += " [request_id " + *rid + "]";
  }
  if (detail.empty() && !resp.body.empty()) detail = resp.body.substr(0, 200);
  std::string msg = "powens " + std::string(what) + ": HTTP " + std::to_string(resp.status);
  if (!detail.empty()) msg += ": " + detail;

  int s = resp.status;
  if (s == 429) return cx::Failure(CX_ERR_RATE_LIMITED, msg, {}, retry_after_ms(resp.header("retry-after")));
  if (s == 408 || s >= 500) return cx::Failure(CX_ERR_UPSTREAM, msg);
  if (s == 401 || s == 403) return cx::Failure(CX_ERR_AUTH, msg);
  if (s == 404) return cx::Failure(CX_ERR_NOT_FOUND, msg);
  if (s >= 400) return cx::Failure(CX_ERR_INVALID_ARGUMENT, msg);
  // 1xx/3xx reaching a plugin are unexpected answers from the provider.
  return cx::Failure(CX_ERR_UPSTREAM, msg);
}

}  // namespace powens
