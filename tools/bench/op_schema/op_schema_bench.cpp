// op_schema_bench N: per page, Boost.JSON parse of a 100-item page vs parse + OpSchemas check
// (the host's output check), best of 5 rounds of N pages each. Prints "name value unit" lines.
#include "validate/op_schema.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace json = boost::json;

namespace {
json::value payments_page(int n) {
  json::array items;
  for (int i = 0; i < n; ++i)
    items.push_back(json::object{{"reference", "pay-" + std::to_string(i)},
                                 {"createdAt", "2024-03-31T00:30:00.123Z"},
                                 {"type", i % 2 ? "PAYOUT" : "PAY-IN"},
                                 {"amount", std::to_string(100 + i * 37)},
                                 {"asset", "EUR/2"},
                                 {"scheme", "SEPA_CREDIT"},
                                 {"status", "SUCCEEDED"},
                                 {"sourceAccountReference", "acc-1"},
                                 {"destinationAccountReference", "acc-2"},
                                 {"metadata", {{"label", "invoice " + std::to_string(i)}, {"category", "rent"}}},
                                 {"raw", {{"id", i}, {"wording", "SEPA transfer"}, {"value", 12.5}}}});
  return json::object{{"payments", std::move(items)}, {"newState", {{"cursor", "c-100"}}}, {"hasMore", true}};
}
json::value accounts_page(int n) {
  json::array items;
  for (int i = 0; i < n; ++i)
    items.push_back(json::object{{"reference", "acc-" + std::to_string(i)},
                                 {"createdAt", "2024-03-31T00:30:00Z"},
                                 {"name", "Account " + std::to_string(i)},
                                 {"defaultAsset", "EUR/2"},
                                 {"metadata", {{"iban_suffix", "1234"}}},
                                 {"raw", {{"id", i}}}});
  return json::object{{"accounts", std::move(items)}, {"newState", nullptr}, {"hasMore", false}};
}

double best_us(int n, auto&& fn) {
  double best = 1e18;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) fn();
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n);
  }
  return best;
}

void measure(const char* label, const char* op, const json::value& page, int n) {
  const auto& schemas = cx::schema::OpSchemas::builtin();
  const std::string text = json::serialize(page);
  if (schemas.check_output(op, page)) {
    std::fprintf(stderr, "%s page is not valid\n", label);
    std::exit(1);
  }
  size_t sink = 0;
  double parse = best_us(n, [&] { sink += json::parse(text).as_object().size(); });
  double both = best_us(n, [&] {
    auto v = json::parse(text);
    sink += schemas.check_output(op, v) ? 1 : 0;
  });
  std::printf("op_schema_%s_parse_us %.1f us\n", label, parse);
  std::printf("op_schema_%s_parse_check_us %.1f us\n", label, both);
  std::printf("op_schema_%s_check_us %.1f us\n", label, both - parse);
  std::printf("op_schema_%s_check_over_parse %.2f ratio\n", label, (both - parse) / parse);
  std::printf("op_schema_%s_page_bytes %zu bytes\n", label, text.size() + (sink == 0xffffffff));
}
}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  auto t0 = std::chrono::steady_clock::now();
  (void)cx::schema::OpSchemas::builtin();
  std::printf("op_schema_compile_all_ms %.1f ms\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  measure("payments100", "fetch_payments", payments_page(100), n);
  measure("accounts100", "fetch_accounts", accounts_page(100), n);
}
