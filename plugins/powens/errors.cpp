#include "errors.hpp"

#include <connectivity/http.hpp>
#include <connectivity/json.hpp>

#include <string>

namespace powens {

cx::Failure failure_from_response(const cx::HttpResponse& resp, std::string_view what, int64_t now_ms) {
  std::string detail;
  boost::system::error_code ec;
  auto body = boost::json::parse(resp.body, ec);
  if (!ec && body.is_object()) {
    auto& o = body.get_object();
    if (auto code = cx::json::text_or_none(o, "code")) detail += *code;
    if (auto d = cx::json::text_or_none(o, "description")) detail += (detail.empty() ? "" : ": ") + *d;
    if (auto m = cx::json::text_or_none(o, "message")) detail += " (" + *m + ")";
    auto rid = cx::json::id_text(o.if_contains("request_id"));
    if (!rid) rid = cx::json::id_text(o.if_contains("requestId"));
    if (rid) detail += " [request_id " + *rid + "]";
  }
  if (detail.empty() && !resp.body.empty()) detail = resp.body.substr(0, 200);
  std::string msg = "powens " + std::string(what) + ": HTTP " + std::to_string(resp.status);
  if (!detail.empty()) msg += ": " + detail;

  return cx::failure_of(resp, std::move(msg), now_ms);
}

}  // namespace powens
