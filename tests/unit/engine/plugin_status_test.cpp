// The one error model (host/plugin/status.hpp): every plugin status reaches its HTTP answer and
// its retry decision through one table, and abi.h and sdk/README.md carry that same table.
#include "host/engine/errors.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

using cx::engine::from_plugin;
using cx::plugin::status_info;

namespace {
struct Expected {
  int32_t status;
  int http;
  const char* error_code;
  bool retried;
};

void check_row(const Expected& e) {
  INFO(status_info(e.status).name);
  auto err = from_plugin(e.status, "the provider said no");
  CHECK(err.http_status == e.http);
  CHECK(err.code == e.error_code);
  CHECK(std::string(err.what()) == "the provider said no");
  CHECK(cx::engine::retryable(e.status) == e.retried);
  CHECK_FALSE(std::string(from_plugin(e.status, "").what()).empty());  // a default text when the plugin gave none
}

/// The table rows of a document, one "| a | b | … |" per line, whitespace and a leading " * "
/// (C comment) removed.
std::string normalized(const std::string& path) {
  std::ifstream f(path);
  REQUIRE(f);
  std::stringstream ss;
  std::string line;
  while (std::getline(f, line)) {
    line = std::regex_replace(line, std::regex(R"(^\s*\*\s?)"), "");
    line = std::regex_replace(line, std::regex(R"(\s+)"), "");
    ss << line << "\n";
  }
  return ss.str();
}
std::string row(const cx::plugin::StatusInfo& s) {
  return "|" + std::string(s.name) + "|" + std::to_string(s.http) + "|" + std::string(s.error_code) + "|" +
         (s.shows_message ? "shown" : "fixed") + "|" + (s.retried ? "retried" : "fails") + "|";
}
}  // namespace

TEST_CASE("INVALID_ARGUMENT: 400 VALIDATION, not retried") { check_row({CX_ERR_INVALID_ARGUMENT, 400, "VALIDATION", false}); }
TEST_CASE("UNSUPPORTED: 400 CONNECTOR_CAPABILITY_NOT_SUPPORTED, not retried") {
  check_row({CX_ERR_UNSUPPORTED, 400, "CONNECTOR_CAPABILITY_NOT_SUPPORTED", false});
}
TEST_CASE("NOT_FOUND: 404 NOT_FOUND, not retried") { check_row({CX_ERR_NOT_FOUND, 404, "NOT_FOUND", false}); }
TEST_CASE("AUTH: 502 with the provider's message, not retried") { check_row({CX_ERR_AUTH, 502, "INTERNAL", false}); }
TEST_CASE("RATE_LIMITED: 429, retried") { check_row({CX_ERR_RATE_LIMITED, 429, "INTERNAL", true}); }
TEST_CASE("UPSTREAM: 502, retried") { check_row({CX_ERR_UPSTREAM, 502, "INTERNAL", true}); }
TEST_CASE("TIMEOUT: 504, retried") { check_row({CX_ERR_TIMEOUT, 504, "INTERNAL", true}); }
TEST_CASE("INTERNAL: 500, the message is not shown, not retried") {
  check_row({CX_ERR_INTERNAL, 500, "INTERNAL", false});
  CHECK_FALSE(status_info(CX_ERR_INTERNAL).shows_message);
}
TEST_CASE("a status outside abi.h reads as INTERNAL") {
  CHECK(from_plugin(4242, "x").http_status == 500);
  CHECK(status_info(4242).name == "CX_ERR_INTERNAL");
  CHECK_FALSE(cx::engine::retryable(-1));
}

TEST_CASE("abi.h and sdk/README.md carry the same mapping table as the host") {
  auto abi = normalized(std::string(CX_SOURCE_DIR) + "/sdk/include/connectivity/abi.h");
  auto readme = normalized(std::string(CX_SOURCE_DIR) + "/sdk/README.md");
  for (const auto& s : cx::plugin::kStatuses) {
    if (s.status == CX_OK) continue;
    INFO(row(s));
    CHECK(abi.find(row(s)) != std::string::npos);
    CHECK(readme.find(row(s)) != std::string::npos);
  }
}
