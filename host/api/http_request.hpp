// From a request parsed by Boost.Beast to what the API sees (ApiRequest), refusing the messages
// RFC 9112 calls invalid where Beast leaves the choice to the application.
//
// Beast itself refuses (→ 400 before this code runs): a malformed request line, bare LF or CR
// line endings, bad field names or values, Content-Length with Transfer-Encoding, differing
// Content-Length values, a malformed chunk. check_head() adds, for the head Beast accepted:
//   * Content-Length repeated, or not a plain decimal ("5, 5" is legal for Beast) — §6.3 (5);
//   * Transfer-Encoding repeated, or anything but exactly "chunked": an unknown or obfuscated
//     coding would leave the body's length to guesswork — §6.1, §6.3 (4);
//   * an HTTP/1.1 request without exactly one Host — §3.2.
// Every refusal closes the connection (§6.3, §9.6): the bytes after a badly framed message are
// never read as a request.
#pragma once

#include "host/api/http_types.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cx::api {

/// A request the transport answers itself: status, errorCode and errorMessage. The connection is
/// closed after the answer.
struct TransportError {
  int status = 400;
  std::string_view code;
  std::string message;
};

/// The framing rules above, on a parsed head. nullopt: the head is acceptable.
std::optional<TransportError> check_head(const boost::beast::http::request_header<>& head);

/// Fills `out` from a complete request: method, raw path (still percent-encoded, no query),
/// query parameters percent-decoded with '+' as space (Boost.URL), headers in order, body.
/// Returns a 400 when a query parameter has a malformed percent-escape.
std::optional<TransportError> to_api_request(boost::beast::http::request<boost::beast::http::string_body>&& msg,
                                             std::string remote_addr, ApiRequest& out);

/// The ApiResponse of a transport error (the API's JSON error shape).
ApiResponse transport_error_response(const TransportError& e);

}  // namespace cx::api
