#include "tools/cli/client.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <httplib.h>

namespace cx::cli {
namespace json = boost::json;

std::string seg(std::string_view id) { return boost::urls::encode(id, boost::urls::unreserved_chars); }

std::string with_query(std::string_view path, const QueryParams& params) {
  boost::urls::url u;
  u.set_path(path);
  for (const auto& [k, v] : params) u.params().append({k, v});
  return std::string(u.buffer());
}

Client::Client(const Settings& settings, int timeout_seconds) : token_(settings.token) {
  auto parsed = boost::urls::parse_uri(settings.url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty())
    throw ConnectionError("not an http(s) URL: '" + settings.url + "' (set --url or CONNECTIVITY_URL)");
  std::string origin = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port());
  std::string path(parsed->encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  root_ = path;
  prefix_ = path + "/api/payments/v3";
  base_ = origin + prefix_;
  http_ = std::make_unique<httplib::Client>(origin);
  http_->set_connection_timeout(timeout_seconds, 0);
  http_->set_read_timeout(timeout_seconds, 0);
  http_->set_write_timeout(timeout_seconds, 0);
  if (!token_.empty()) http_->set_bearer_token_auth(token_);
}

Client::~Client() = default;

Response Client::call(const std::string& method, const std::string& path_and_query,
                      const std::optional<std::string>& json_body) {
  return request(method, "/api/payments/v3" + path_and_query, json_body);
}

Response Client::request(const std::string& method, const std::string& api_path_and_query,
                         const std::optional<std::string>& json_body,
                         const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string target = root_ + api_path_and_query;
  httplib::Headers headers{{"Accept", "application/json"}};
  for (const auto& [k, v] : extra) headers.emplace(k, v);
  const std::string body = json_body.value_or("");
  const char* type = "application/json";
  httplib::Result r = method == "GET"      ? http_->Get(target, headers)
                      : method == "POST"   ? http_->Post(target, headers, body, type)
                      : method == "PUT"    ? http_->Put(target, headers, body, type)
                      : method == "PATCH"  ? http_->Patch(target, headers, body, type)
                      : method == "DELETE" ? http_->Delete(target, headers, body, type)
                                           : throw std::logic_error("unsupported method " + method);
  if (!r) throw ConnectionError("cannot reach " + base_ + ": " + httplib::to_string(r.error()));
  Response out;
  out.status = r->status;
  out.body = r->body;
  boost::system::error_code ec;
  if (!out.body.empty()) out.json = json::parse(out.body, ec);
  if (out.status >= 400) {
    std::string code = "HTTP_" + std::to_string(out.status), message = out.body;
    if (!ec && out.json.is_object()) {
      const auto& o = out.json.get_object();
      if (auto c = o.if_contains("errorCode"); c && c->is_string()) code = c->get_string();
      if (auto m = o.if_contains("errorMessage"); m && m->is_string()) message = m->get_string();
    }
    throw ApiError(out.status, code, message);
  }
  if (ec) throw BadResponse(method + " " + target + " answered " + std::to_string(out.status) + " with a body that is not JSON");
  return out;
}

}  // namespace cx::cli
