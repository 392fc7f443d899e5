#include "client.hpp"

#include <connectivity/json.hpp>

namespace cx::generic {

std::string error_text(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    auto field = [&](const char* upper, const char* lower) {
      return json::string_or_none(v.get_object(), upper).value_or(json::string_or_none(v.get_object(), lower).value_or(""));
    };
    std::string title = field("Title", "title"), detail = field("Detail", "detail");
    if (!title.empty() && !detail.empty()) return title + ": " + detail;
    if (!title.empty() || !detail.empty()) return title + detail;
  }
  return body_excerpt(body);
}

boost::json::value Client::get(std::string_view path, const Query& query, const Call& call) const {
  HttpRequest req;
  req.url = with_query(config_.endpoint + std::string(path), query);
  req.headers = {{"Authorization", "Bearer " + config_.api_key}, {"Accept", "application/json"}};
  JsonCall spec;
  spec.what = "generic service GET " + std::string(path);
  spec.describe = [](const HttpResponse& r) { return error_text(r.body); };
  return call_json(host_, req, call, spec);
}

}  // namespace cx::generic
