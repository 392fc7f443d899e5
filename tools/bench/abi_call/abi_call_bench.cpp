// abi_call_bench NOOP_PLUGIN.so — the cost of one host→plugin op call through the C ABI
// (cx_call + sinks into std::string, exactly the daemon's path) against a direct C++ virtual
// call doing the same copies: 1 KiB JSON request in, the same 1 KiB out. Rounds alternate the
// two so machine noise hits both; the best round of each is reported.
#include "host/plugin/instance.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace {
struct Direct {
  virtual ~Direct() = default;
  virtual int32_t fetch_accounts(std::string_view request, std::string& out, std::string& err) = 0;
};
struct DirectNoop final : Direct {
  int32_t fetch_accounts(std::string_view request, std::string& out, std::string&) override {
    out.append(request.data(), request.size());
    return 0;
  }
};

std::string request_1k() {
  std::string s = R"({"state":null,"pageSize":100,"fromPayload":{"pad":")";
  while (s.size() < 1024 - 4) s += 'x';
  return s + "\"}}";
}

template <class F>
double ns_per_call(F&& f, int n) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) f();
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / n;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: abi_call_bench NOOP_PLUGIN.so [calls-per-round]\n");
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000000;
  using namespace cx::plugin;
  auto lib = PluginLibrary::load(argv[1]);
  auto inst = ConnectorInstance::create(lib, std::make_unique<HostServices>(ServiceDeps{lib->id(), nullptr, nullptr, nullptr, {}}), "{}");
  const std::string req = request_1k();
  Direct* direct = new DirectNoop();
  volatile size_t sink_bytes = 0;

  double best_abi = 1e18, best_direct = 1e18;
  for (int round = 0; round < 7; ++round) {
    best_abi = std::min(best_abi, ns_per_call([&] {
      CallResult r = inst->call(Op::FetchAccounts, req);
      sink_bytes = sink_bytes + r.out.size();
    }, n));
    best_direct = std::min(best_direct, ns_per_call([&] {
      std::string out, err;
      direct->fetch_accounts(req, out, err);
      sink_bytes = sink_bytes + out.size();
    }, n));
  }
  delete direct;
  std::printf("abi_call_ns %.1f ns\n", best_abi);
  std::printf("direct_virtual_call_ns %.1f ns\n", best_direct);
  std::printf("abi_overhead_ns %.1f ns\n", best_abi - best_direct);
  std::printf("ratio abi/direct %.2f (target: overhead < 150 ns)\n", best_abi / best_direct);
  return (size_t)sink_bytes == 0 ? 1 : 0;
}
