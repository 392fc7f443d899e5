// Exact amounts: normalisation, the order-preserving sort key, big-integer arithmetic.
#include "host/store/amount_key.hpp"

#include <botan/bigint.h>

#include <catch2/catch.hpp>

#include <random>

using namespace cx::store;

TEST_CASE("amounts normalise or are refused") {
  CHECK(normalize_amount("0007") == "7");
  CHECK(normalize_amount("-0") == "0");
  CHECK(normalize_amount("-120") == "-120");
  for (const char* bad : {"", "-", "+5", "1.0", "1e3", " 1", "0x10", "١"}) CHECK_FALSE(normalize_amount(bad));
  CHECK_FALSE(normalize_amount(std::string(10000, '9')));
  CHECK(normalize_amount(std::string(9999, '9')));
}

TEST_CASE("the sort key orders like the numbers, at any size and sign") {
  std::mt19937_64 rng(42);
  auto random_amount = [&] {
    size_t digits = 1 + rng() % 40;
    std::string s;
    for (size_t i = 0; i < digits; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
    if (rng() % 2) s.insert(0, "-");
    return *normalize_amount(s);
  };
  for (int i = 0; i < 5000; ++i) {
    std::string a = random_amount(), b = random_amount();
    Botan::BigInt x(a), y(b);
    INFO(a << " vs " << b);
    CHECK((amount_sort_key(a) < amount_sort_key(b)) == (x < y));
    CHECK((amount_sort_key(a) == amount_sort_key(b)) == (x == y));
  }
  CHECK(amount_sort_key("-1") < amount_sort_key("0"));
  CHECK(amount_sort_key("0") < amount_sort_key("1"));
  CHECK(amount_sort_key("-10") < amount_sort_key("-9"));
}

TEST_CASE("addition and subtraction are exact beyond 64 bits") {
  CHECK(amount_add("18446744073709551615", "1") == "18446744073709551616");
  CHECK(amount_sub("5", "7") == "-2");
  CHECK(amount_sub("-5", "-5") == "0");
  CHECK(amount_add("-99999999999999999999999", "1") == "-99999999999999999999998");
}
