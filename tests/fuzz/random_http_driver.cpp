// A plain randomized driver for fuzz_http.cpp, built with any compiler and run by ctest: request
// heads and bodies assembled from valid and hostile pieces (duplicate and conflicting framing
// fields, obfuscated codings, bare LF/CR, folded lines, bad chunk sizes, pipelined requests),
// then byte-level mutations of them.
//   random_http_driver [iterations=100000] [seed=1]
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
  const std::string& pick(const std::vector<std::string>& v) { return v[below(v.size())]; }

  std::string request() {
    static const std::vector<std::string> lines = {
        "GET /api/payments/v3/payments?pageSize=10&query=%7B%7D HTTP/1.1", "POST /x HTTP/1.1", "GET / HTTP/1.0",
        "GET  / HTTP/1.1", "GET / HTTP/1.1 x", "GET http://a/ HTTP/1.1", "GET /?a=%zz HTTP/1.1", "BREW / HTTP/1.1",
        "GET /a+b?x=a+b&y&=z&& HTTP/1.1", "GET / HTTP/2.0", "get / HTTP/1.1", "GET /\x01 HTTP/1.1", "GET /\xc3\xa9?q=\xff HTTP/1.1"};
    static const std::vector<std::string> fields = {
        "Host: x", "Host: y", "Content-Length: 5", "Content-Length: 0", "Content-Length: 5, 5", "Content-Length: 0abc",
        "Content-Length: +5", "Content-Length: 99999999999999999999", "Transfer-Encoding: chunked",
        "Transfer-Encoding: chunked, identity", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: xchunked",
        "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked ", "Transfer-Encoding:\r\n chunked",
        "Authorization: Bearer t", "Expect: 100-continue", "Connection: close", "X-A: b\x7f", "X-A:"};
    static const std::vector<std::string> bodies = {"hello", "", "5\r\nhello\r\n0\r\n\r\n", "zz\r\nx\r\n",
                                                    "5;a=b\r\nhello\r\n0\r\nT: 1\r\n\r\n", "0\r\n\r\n",
                                                    "ffffffffffffffffff\r\n"};
    std::string eol = chance(90) ? "\r\n" : pick({"\n", "\r", "\r\r\n"});
    std::string s = pick(lines) + eol;
    for (size_t i = 0, n = below(6); i < n; ++i) s += pick(fields) + (chance(95) ? "\r\n" : eol);
    s += chance(95) ? "\r\n" : eol;
    if (chance(70)) s += pick(bodies);
    return s;
  }

  std::string input() {
    std::string s(1, static_cast<char>(below(256)));  // where fuzz_http cuts the bytes
    for (size_t i = 0, n = 1 + below(3); i < n; ++i) s += request();
    for (size_t i = 0, n = chance(30) ? below(4) : 0; i < n && s.size() > 1; ++i) {
      size_t at = 1 + below(s.size() - 1);
      switch (below(3)) {
        case 0: s[at] = static_cast<char>(below(256)); break;
        case 1: s.erase(at, 1); break;
        default: s.insert(at, 1, "\r\n: \t,;0"[below(8)]);
      }
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 100000;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  Gen g(seed);
  for (long i = 0; i < iterations; ++i) {
    std::string in = g.input();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  }
  std::printf("random_http_driver: %ld inputs, seed %llu, no failure\n", iterations, static_cast<unsigned long long>(seed));
  return 0;
}
