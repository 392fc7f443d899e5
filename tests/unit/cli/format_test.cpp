// Table rendering and amount/time/ID formatting of the operator CLI (tools/cli/format.hpp).
#include "tools/cli/format.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

using namespace cx::cli;

namespace {
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
}  // namespace

TEST_CASE("display width counts columns, not bytes") {
  CHECK(display_width("Compte courant") == 14);
  CHECK(display_width("Compte de dépôt") == 15);   // é and ô are 2 bytes, 1 column each
  CHECK(std::string("Compte de dépôt").size() == 17);
  CHECK(display_width("e\xCC\x81") == 1);           // e + combining acute accent
  CHECK(display_width("日本") == 4);                 // East Asian wide
  CHECK(display_width("…") == 1);
  CHECK(display_width("\xFF" "ab") == 3);           // an invalid byte counts one column
}

TEST_CASE("tables align UTF-8 names by display width") {
  Table t{{"NAME", "BALANCE"}, {false, true}, {}};
  t.rows.push_back({"Compte de dépôt", "12.34 EUR"});
  t.rows.push_back({"Livret A", "1500.00 EUR"});
  t.rows.push_back({"日本口座", "-5 JPY"});
  auto ls = lines(t.render());
  REQUIRE(ls.size() == 4);
  // Every line ends at the same display column: the balance column is right-aligned.
  for (const auto& l : ls) CHECK(display_width(l) == display_width(ls[0]));
  CHECK(ls[0] == "NAME                 BALANCE");
  CHECK(ls[1] == "Compte de dépôt    12.34 EUR");
  CHECK(ls[2] == "Livret A         1500.00 EUR");
  CHECK(ls[3] == "日本口座              -5 JPY");
}

TEST_CASE("table edge cases: empty, short rows, trailing blanks trimmed") {
  Table empty{{"ID", "NAME"}, {}, {}};
  CHECK(empty.render() == "ID  NAME\n");
  Table t{{"A", "B", "C"}, {}, {{"x"}, {"long value", "y", ""}}};
  auto ls = lines(t.render());
  REQUIRE(ls.size() == 3);
  CHECK(ls[0] == "A           B  C");
  CHECK(ls[1] == "x");
  CHECK(ls[2] == "long value  y");
}

TEST_CASE("amounts are decimals of their asset, exact on the digits") {
  CHECK(format_amount("1234", "EUR/2") == "12.34 EUR");
  CHECK(format_amount("-1234", "EUR/2") == "-12.34 EUR");
  CHECK(format_amount("5", "EUR/2") == "0.05 EUR");
  CHECK(format_amount("-5", "EUR/2") == "-0.05 EUR");
  CHECK(format_amount("0", "EUR/2") == "0.00 EUR");
  CHECK(format_amount("-0", "EUR/2") == "0.00 EUR");
  CHECK(format_amount("100", "JPY") == "100 JPY");
  CHECK(format_amount("100", "JPY/0") == "100 JPY");
  CHECK(format_amount("007", "USD/2") == "0.07 USD");
  CHECK(format_amount("123456789012345678901234567890", "BTC/8") == "1234567890123456789012.34567890 BTC");
  CHECK(format_amount("1", "ETH/18") == "0.000000000000000001 ETH");
  CHECK(format_amount("12.5", "EUR/2") == "12.5 EUR/2");  // not minor units: shown as given
  CHECK(format_amount("", "EUR/2") == " EUR/2");
  CHECK(format_amount("12", "EUR/x") == "12 EUR/x");
}

TEST_CASE("long IDs are shortened unless wide; UUIDs stay whole") {
  std::string uuid = "0b6c3f4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e";
  CHECK(shorten_id(uuid, false) == uuid);
  std::string id = "eyJQcm92aWRlciI6InBvd2VucyIsIlJlZmVyZW5jZSI6IjEyMzQ1Njc4LTEyMzQtNDEyMy04MTIzLTEyMzQ1Njc4OWFiYyJ9";
  std::string shortened = shorten_id(id, false);
  CHECK(shortened.starts_with("eyJQcm92…"));
  CHECK(display_width(shortened) == 15);
  CHECK(shortened.substr(shortened.size() - 6).find_first_not_of("0123456789abcdef") == std::string::npos);
  // IDs that differ only in the middle (same connector, same type) stay distinct.
  std::string a = "eyJDb25uZWN0b3JJRCI6eyJQcm92aWRlciI6InBvd2VucyJ9LCJSZWZlcmVuY2UiOiI1MDAwMDI0IiwiVHlwZSI6IlBBWU9VVCJ9";
  std::string b = "eyJDb25uZWN0b3JJRCI6eyJQcm92aWRlciI6InBvd2VucyJ9LCJSZWZlcmVuY2UiOiI1MDAwMDMyIiwiVHlwZSI6IlBBWU9VVCJ9";
  CHECK(shorten_id(a, false) != shorten_id(b, false));
  CHECK(shorten_id(a, false) == shorten_id(a, false));
  CHECK(shorten_id(id, true) == id);
}

TEST_CASE("times: UTC on request, else the local zone; offsets honoured") {
  CHECK(format_time("2026-12-04T16:03:20.123Z", true) == "2026-12-04 16:03:20Z");
  CHECK(format_time("2026-12-04T17:03:20+01:00", true) == "2026-12-04 16:03:20Z");
  CHECK(format_time("2026-12-04T14:03:20-02:00", true) == "2026-12-04 16:03:20Z");
  CHECK(format_time("not a time", true) == "not a time");
  CHECK(format_time("", false).empty());
  ::setenv("TZ", "Europe/Paris", 1);
  ::tzset();
  CHECK(format_time("2026-12-04T16:03:20Z", false) == "2026-12-04 17:03:20");  // CET, UTC+1
  CHECK(format_time("2026-07-04T16:03:20Z", false) == "2026-07-04 18:03:20");  // CEST, UTC+2
  ::unsetenv("TZ");
  ::tzset();
}
