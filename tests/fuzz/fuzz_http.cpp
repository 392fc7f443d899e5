// libFuzzer target over the HTTP request framing: bytes as a client would send them on one
// connection, parsed by Boost.Beast's request parser with the server's settings, checked by
// check_head() and converted by to_api_request() (host/api/http_request.hpp), request after
// pipelined request until one is refused — after which, as in the server, nothing is parsed.
// The first byte chooses where the bytes are cut into two reads (requests split across TCP
// segments). Besides crashes and sanitizer reports it aborts on broken properties:
//   * an accepted request has exactly the body its framing declared (Content-Length) and a path
//     of printable ASCII starting with '/';
//   * an accepted head never has two Content-Length or Transfer-Encoding fields, nor both;
//   * every refusal renders as the API's error JSON {"errorCode","errorMessage"} with a 4xx.
#include "host/api/http_request.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace http = boost::beast::http;
using namespace cx::api;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_refusal(const TransportError& e) {
  require(e.status >= 400 && e.status < 500);
  auto res = transport_error_response(e);
  auto v = boost::json::parse(res.body);
  require(v.as_object().size() == 2 && v.at("errorCode").is_string() && v.at("errorMessage").is_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t cut = all.empty() ? 0 : data[0] % (all.size() + 1);
  std::string buffer;  // received, not yet consumed (as the server's flat_buffer)
  size_t fed = 0;
  auto receive = [&] {  // one more "read" from the socket; false at end of input
    if (fed >= all.size()) return false;
    size_t upto = fed < cut ? cut : all.size();
    buffer.append(all.substr(fed, upto - fed));
    fed = upto;
    return true;
  };
  receive();
  for (int messages = 0; messages < 16 && !buffer.empty(); ++messages) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    bool head_checked = false;
    for (;;) {
      size_t used = parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      buffer.erase(0, used);
      if (ec == http::error::need_more) {
        ec = {};
        if (!receive()) return 0;  // the client stopped mid-message: the server closes
        continue;
      }
      if (ec) return 0;  // refused with 400/413/431; nothing after it is parsed
      if (parser.is_header_done() && !head_checked) {
        head_checked = true;
        const auto& head = parser.get();
        if (auto e = check_head(head)) {
          check_refusal(*e);
          return 0;
        }
        require(head.count(http::field::content_length) <= 1 && head.count(http::field::transfer_encoding) <= 1);
        require(!(head.count(http::field::content_length) && head.count(http::field::transfer_encoding)));
      }
      if (parser.is_done()) break;
      if (used == 0 && !receive()) return 0;
    }
    auto declared = parser.content_length();
    ApiRequest req;
    if (auto e = to_api_request(parser.release(), "127.0.0.1", req)) {
      check_refusal(*e);
      return 0;
    }
    require(!req.path.empty() && req.path.front() == '/');
    for (char c : req.path) require(c > 0x20 && c < 0x7f);
    if (declared) require(req.body.size() == *declared);
    if (buffer.empty()) receive();
  }
  return 0;
}
