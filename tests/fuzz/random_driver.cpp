// A plain randomized driver for fuzz_api.cpp, built with any compiler and run by ctest, so CI
// exercises the decoders without libFuzzer. Inputs mix raw random bytes, grammar-generated
// filters / cursors / IDs / bodies (valid and subtly broken), their base64url encodings, and
// byte-level mutations of all of these.
//   random_driver [iterations=200000] [seed=1]
#include "host/util/encoding.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  size_t below(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0; }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

  std::string bytes(size_t max) {
    std::string s(below(max + 1), '\0');
    for (auto& c : s) c = static_cast<char>(below(256));
    return s;
  }

  std::string scalar() {
    static const std::vector<std::string> fixed = {
        "\"x\"", "\"\"", "0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "18446744073709551616", "1.5", "1e3", "-0", "true", "false", "null", "\"\\u0000\"", "\"\\ud800\"",
        "\"é\"", "[]", "{}", "[1,\"a\"]", "{\"a\":1}", "\"metadata[k]\""};
    return pick(fixed);
  }

  std::string key() {
    static const std::vector<std::string> keys = {"psu_id", "amount", "metadata[k]", "", "id", "status",
                                                  "connector_id", "name", "a\"b", "metadata["};
    return "\"" + pick(keys) + "\"";
  }

  std::string filter(int depth) {
    static const std::vector<std::string> leaf_ops = {"$match", "$lt", "$lte", "$gt", "$gte", "$in",
                                                      "$exists", "$like", "$eq", "match", "$"};
    size_t kind = depth > 6 ? 0 : below(5);
    switch (kind) {
      case 0:
      case 1: {
        std::string op = pick(leaf_ops);
        std::string value = op == "$in" && chance(80) ? "[" + scalar() + "," + scalar() + "]" : scalar();
        std::string inner = chance(90) ? "{" + key() + ":" + value + "}" : (chance(50) ? "{}" : scalar());
        return "{\"" + op + "\":" + inner + (chance(5) ? ",\"$or\":[]" : "") + "}";
      }
      case 2:
      case 3: {
        std::string s = "{\"" + std::string(kind == 2 ? "$and" : "$or") + "\":[";
        size_t n = below(4);
        for (size_t i = 0; i < n; ++i) s += (i ? "," : "") + (chance(95) ? filter(depth + 1) : scalar());
        return s + "]}";
      }
      default:
        return "{\"$not\":" + (chance(95) ? filter(depth + 1) : scalar()) + "}";
    }
  }

  std::string uuid() { return chance(90) ? "00000000-0000-4000-8000-00000000000" + std::to_string(below(10)) : "nope"; }

  std::string connector_json() {
    return "{\"Provider\":\"" + std::string(chance(90) ? "powens" : "") + "\",\"Reference\":\"" + uuid() + "\"}";
  }

  std::string id_json() {
    switch (below(5)) {
      case 0: return connector_json();
      case 1: return "{\"ConnectorID\":" + connector_json() + ",\"Reference\":\"acc\"}";
      case 2: return "{\"ConnectorID\":" + connector_json() + ",\"Reference\":\"r\",\"Type\":\"" +
                     std::string(chance(80) ? "PAY-IN" : "BAD") + "\"}";
      case 3: return "{\"attemptID\":\"" + uuid() + "\",\"randomized\":\"" + uuid() + "\"}";
      default:
        return "{\"CreatedAt\":\"2024-01-01T00:00:00Z\",\"PaymentID\":{\"ConnectorID\":" + connector_json() +
               ",\"Reference\":\"r\",\"Type\":\"PAYOUT\"},\"Reference\":\"a\",\"Status\":\"SUCCEEDED\"}";
    }
  }

  std::string cursor_json() {
    return "{\"offset\":" + scalar() + ",\"order\":1,\"pageSize\":" + (chance(70) ? std::to_string(below(200)) : scalar()) +
           ",\"filters\":{\"qb\":" + (chance(70) ? filter(0) : scalar()) + ",\"pageSize\":15,\"options\":" +
           (chance(80) ? "{\"asset\":\"EUR/2\"}" : scalar()) + "}}";
  }

  std::string body_json() {
    static const std::vector<std::string> fields = {
        "\"name\":\"Ada\"", "\"name\":" + std::string(1001, 'a'), "\"contactDetails\":{\"email\":\"a@b.co\"}",
        "\"contactDetails\":{\"phoneNumber\":\"+33612345678\",\"locale\":\"fr-FR\"}", "\"address\":{\"country\":\"FR\"}",
        "\"iban\":\"FR1420041010050500013M02606\"", "\"accountNumber\":\"123\"", "\"swiftBicCode\":\"BNPAFRPP\"",
        "\"clientRedirectURL\":\"https://x.example/cb\"", "\"metadata\":{\"k\":\"v\"}", "\"bankAccountIDs\":[\"x\"]"};
    std::string s = "{";
    size_t n = below(5);
    for (size_t i = 0; i < n; ++i) s += (i ? "," : "") + pick(fields);
    return s + "}";
  }

  void mutate(std::string& s) {
    size_t n = 1 + below(4);
    for (size_t i = 0; i < n && !s.empty(); ++i) {
      size_t pos = below(s.size());
      switch (below(3)) {
        case 0: s[pos] = static_cast<char>(below(256)); break;
        case 1: s.erase(pos, 1 + below(3)); break;
        default: s.insert(pos, 1, "{}[]\",:$\\0"[below(10)]);
      }
    }
  }

  std::string input() {
    uint8_t target = static_cast<uint8_t>(below(256));
    std::string payload;
    switch (target % 13) {
      case 0: payload = filter(0); break;
      case 1: payload = cx::util::base64url_encode(chance(80) ? cursor_json() : bytes(64)); break;
      case 8: payload = chance(50) ? std::to_string(below(1000)) : bytes(12); break;
      case 9:
      case 10:
      case 11: payload = body_json(); break;
      case 12: payload = chance(50) ? (chance(50) ? "-" : "") + std::to_string(below(1000000)) + std::string(below(40), '7')
                                    : (chance(50) ? filter(0) : cursor_json()); break;
      default: payload = cx::util::base64url_encode(chance(90) ? id_json() : bytes(64));
    }
    if (chance(10)) payload = bytes(256);
    if (chance(25)) mutate(payload);
    return std::string(1, static_cast<char>(target)) + payload;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

int main(int argc, char** argv) {
  uint64_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  Gen g(seed);
  for (uint64_t i = 0; i < iterations; ++i) {
    std::string in = g.input();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  }
  std::printf("random_driver: %llu inputs, seed %llu, no failure\n", static_cast<unsigned long long>(iterations),
              static_cast<unsigned long long>(seed));
  return 0;
}
