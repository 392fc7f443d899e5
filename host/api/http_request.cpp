#include "host/api/http_request.hpp"

#include "host/api/errors.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>

namespace cx::api {
namespace http = boost::beast::http;
namespace {

TransportError bad_request(std::string message) { return {400, code::kValidation, std::move(message)}; }

bool all_digits(std::string_view v) {
  return !v.empty() && v.size() <= 19 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Client bytes quoted in an error message: printable ASCII only, at most 100 characters, so the
// message stays valid UTF-8 JSON whatever the client sent.
std::string quoted(std::string_view raw) {
  std::string out;
  for (char c : raw.substr(0, 100)) out += c >= 0x20 && c < 0x7f ? c : '?';
  return out;
}

// One decoded query component; nullopt for a malformed percent-escape.
std::optional<std::string> decode_component(std::string_view raw) {
  auto pct = boost::urls::make_pct_string_view(raw);
  if (!pct) return std::nullopt;
  return pct->decode(boost::urls::encoding_opts(/*space_as_plus=*/true));
}

}  // namespace

std::optional<TransportError> check_head(const http::request_header<>& head) {
  size_t lengths = head.count(http::field::content_length);
  if (lengths > 1) return bad_request("more than one Content-Length header (RFC 9112 section 6.3)");
  if (lengths == 1 && !all_digits(head[http::field::content_length]))
    return bad_request("Content-Length must be a single decimal number (RFC 9112 section 6.3)");
  size_t codings = head.count(http::field::transfer_encoding);
  if (codings > 1) return bad_request("more than one Transfer-Encoding header (RFC 9112 section 6.1)");
  if (codings == 1 && !boost::beast::iequals(head[http::field::transfer_encoding], "chunked"))
    return bad_request("Transfer-Encoding must be exactly \"chunked\" (RFC 9112 section 6.1)");
  if (codings == 1 && lengths == 1)
    return bad_request("Content-Length and Transfer-Encoding together (RFC 9112 section 6.1)");
  if (head.version() >= 11 && head.count(http::field::host) != 1)
    return bad_request("an HTTP/1.1 request needs exactly one Host header (RFC 9112 section 3.2)");
  return std::nullopt;
}

std::optional<TransportError> to_api_request(http::request<http::string_body>&& msg, std::string remote_addr,
                                             ApiRequest& out) {
  std::string_view target = msg.target();
  // A URI is printable ASCII (RFC 3986 section 2); Beast lets other bytes through, which would
  // then be echoed in error messages as invalid UTF-8.
  if (std::any_of(target.begin(), target.end(), [](char c) { return c <= 0x20 || c >= 0x7f; }))
    return bad_request("the request target must be printable ASCII (RFC 3986 section 2)");
  // A server must accept the absolute-form too (RFC 9112 section 3.2.2); its authority replaces
  // Host, which routing does not use, so only the path and query matter.
  std::string absolute_rest;
  if (!target.empty() && target.front() != '/') {
    auto uri = boost::urls::parse_absolute_uri(target);
    if (!uri || (uri->scheme_id() != boost::urls::scheme::http && uri->scheme_id() != boost::urls::scheme::https))
      return bad_request("the request target must be an absolute path or an http(s) absolute URI (RFC 9112 section 3.2)");
    absolute_rest = uri->encoded_path().empty() ? "/" : std::string(uri->encoded_path());
    if (uri->has_query()) absolute_rest += "?" + std::string(uri->encoded_query());
    target = absolute_rest;
  }
  size_t q = target.find('?');
  out.method = std::string(msg.method_string());
  out.path = std::string(target.substr(0, q));
  if (out.path.empty() || out.path.front() != '/')
    return bad_request("the request target must be an absolute path (RFC 9112 section 3.2.1)");
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      auto key = decode_component(pair.substr(0, eq));
      auto value = decode_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      if (!key || !value)
        return bad_request("malformed percent-escape in query parameter \"" + quoted(pair) + "\"");
      out.query.emplace(std::move(*key), std::move(*value));
    }
  }
  out.headers.reserve(static_cast<size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& f : msg) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  out.remote_addr = std::move(remote_addr);
  return std::nullopt;
}

ApiResponse transport_error_response(const TransportError& e) { return json_response(e.status, error_body(e.code, e.message)); }

}  // namespace cx::api
