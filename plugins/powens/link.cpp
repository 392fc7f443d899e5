#include "link.hpp"

#include <connectivity/http.hpp>
#include <connectivity/model.hpp>

#include <vector>

namespace powens {

namespace json = boost::json;

std::string webview_url(const Config& config, const WebviewLink& link) {
  cx::Query query{{"domain", config.webview_domain()},
                  {"client_id", config.client_id},
                  {"code", link.code},
                  {"state", link.state},
                  {"max_connections", std::to_string(config.max_connections_per_link)}};
  if (link.connection_id) query.emplace_back("connection_id", *link.connection_id);
  query.emplace_back("redirect_uri", link.redirect_uri);
  return cx::with_query(config.webview_url + (link.connection_id ? "/reconnect" : "/connect"), query);
}

namespace {
std::vector<std::string> values_of(const json::object& q, std::string_view key) {
  std::vector<std::string> out;
  auto* v = q.if_contains(key);
  if (!v) return out;
  if (v->is_string()) out.emplace_back(v->get_string());
  if (v->is_array())
    for (auto& e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}
}  // namespace

json::object complete_link(const json::object& q, const std::string& created_at) {
  auto errors = values_of(q, "error");
  if (!errors.empty() && !errors.front().empty()) {
    auto desc = values_of(q, "error_description");
    std::string message = !desc.empty() && !desc.front().empty() ? desc.front() : errors.front();
    return json::object{{"error", json::object{{"error", message}}}};
  }
  std::vector<std::string> ids;
  for (auto& v : values_of(q, "connection_id"))
    if (!v.empty()) ids.push_back(v);
  for (auto& v : values_of(q, "connection_ids")) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      std::string id = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!id.empty()) ids.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (ids.empty())
    throw cx::invalid("httpCall.queryValues", "the Powens redirect carries neither connection_id nor error");
  std::vector<cx::Connection> connections;
  for (auto& id : ids) {
    bool dup = false;
    for (auto& c : connections) dup |= c.connection_id == id;
    if (!dup) connections.push_back(cx::Connection{id, created_at, std::nullopt, {}});
  }
  return json::object{{"success", json::object{{"connections", json::value_from(connections)}}}};
}

}  // namespace powens
