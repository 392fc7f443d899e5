// Request targets the CLI builds from command-line IDs (tools/cli/client.hpp).
#include "tools/cli/client.hpp"

#include <catch2/catch.hpp>

using namespace cx::cli;

TEST_CASE("an ID is one path segment: no extra segments, no query") {
  CHECK(seg("eyJQcm92aWRlciI6InBvd2VucyJ9") == "eyJQcm92aWRlciI6InBvd2VucyJ9");
  CHECK(seg("0b6c3f4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e") == "0b6c3f4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e");
  CHECK(seg("../tasks/x?pageSize=1#f") == "..%2Ftasks%2Fx%3FpageSize%3D1%23f");
  CHECK(seg("a b") == "a%20b");
}

TEST_CASE("query parameters are percent-encoded") {
  CHECK(with_query("/accounts", {}) == "/accounts");
  CHECK(with_query("/accounts", {{"query", R"({"$match":{"name":"Compte de dépôt & co"}})"}, {"pageSize", "5"}}) ==
        "/accounts?query=%7B%22$match%22:%7B%22name%22:%22Compte%20de%20d%C3%A9p%C3%B4t%20%26%20co%22%7D%7D&pageSize=5");
}

TEST_CASE("a URL that is not http(s) is refused before any request") {
  CHECK_THROWS_AS(Client(Settings{"ftp://example.com", ""}), ConnectionError);
  CHECK_THROWS_AS(Client(Settings{"not a url", ""}), ConnectionError);
  Client c(Settings{"http://127.0.0.1:8080/prefix/", "t"});
  CHECK(c.base() == "http://127.0.0.1:8080/prefix/api/payments/v3");
}
