#include "sandbox.hpp"

#include <iostream>

namespace cx::sandbox::powens {

namespace json = boost::json;

void Sandbox::fire(const std::string& event, const std::string& body) {
  auto url = world.webhook_urls.find(event);
  if (url == world.webhook_urls.end()) {
    std::cerr << "powens sandbox: no URL registered for " << event << ", not sent\n";
    return;
  }
  std::string secret;
  auto name = world.webhook_auth_names.find(event);
  for (auto it = world.auths.rbegin(); it != world.auths.rend(); ++it)
    if (name == world.webhook_auth_names.end() || it->name == name->second) {
      secret = it->secret;
      break;
    }
  if (secret.empty()) std::cerr << "powens sandbox: no webhook auth for " << event << ", sending it unsigned\n";
  sender.send(event, url->second, body, secret);
}

void Sandbox::sync(Connection& c, bool full) {
  std::optional<int64_t> since = full ? std::nullopt : c.last_push;
  std::string body = to_text(connection_synced_json(world, c, since, render_options()));
  c.last_push = world.now;
  fire("CONNECTION_SYNCED", body);
}

void powens_error(Sandbox& sb, httplib::Response& res, int status, const std::string& code,
                  const std::string& description, const std::string& message) {
  res.status = status;
  res.set_content(error_body(code, description, sb.request_ids++, message), "application/json");
}

void send_json(httplib::Response& res, const json::value& v, int status) {
  res.status = status;
  res.set_content(to_text(v), "application/json");
}

std::optional<std::string> bearer_of(const httplib::Request& req) {
  std::string h = req.get_header_value("Authorization");
  if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) return h.substr(7);
  return std::nullopt;
}

}  // namespace cx::sandbox::powens
