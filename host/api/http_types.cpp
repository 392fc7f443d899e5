#include "host/api/http_types.hpp"

#include <strings.h>

namespace cx::api {

std::optional<std::string_view> ApiRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return std::nullopt;
}

std::optional<std::string_view> ApiRequest::param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

ApiResponse json_response(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse no_content() {
  ApiResponse r;
  r.status = 204;
  return r;
}

}  // namespace cx::api
