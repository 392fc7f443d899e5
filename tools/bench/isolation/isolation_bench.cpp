// isolation_bench RUNNER NOOP_PLUGIN.so [calls-per-round] [REAL_PLUGIN.so CONFIG_JSON] — one no-op op round
// trip in-process against the same op through a connectivity-plugin-host runner (request
// written to the runner's socket, op run there, result read back: the daemon's isolated path),
// with small ("{}") and 1 KiB requests; rounds alternate the two so noise hits both, the best
// round of each is reported. Then the idle resident set (VmRSS) of the runner, and of a runner
// holding REAL_PLUGIN.so (created from CONFIG_JSON) when given.
#include "host/plugin/instance.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace {
using namespace cx::plugin;

std::string request_1k() {
  std::string s = R"({"state":null,"pageSize":100,"fromPayload":{"pad":")";
  while (s.size() < 1024 - 4) s += 'x';
  return s + "\"}}";
}

double us_per_call(const ConnectorInstance& inst, const std::string& req, int n) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    if (!inst.call(Op::FetchAccounts, req).ok()) std::abort();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
}

double rss_mib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

std::shared_ptr<ConnectorInstance> instance(const std::shared_ptr<const PluginLibrary>& lib, const char* config = "{}") {
  return ConnectorInstance::create(lib, std::make_unique<HostServices>(ServiceDeps{lib->id(), nullptr, nullptr, nullptr, {}}),
                                   config);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: isolation_bench RUNNER NOOP_PLUGIN.so [calls-per-round] [REAL_PLUGIN.so CONFIG_JSON]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int n = argc > 3 ? std::atoi(argv[3]) : 20000;
  auto lib = PluginLibrary::load(argv[2]);
  auto local = instance(lib);
  IsolationSettings s;
  s.process = true;
  s.runner = argv[1];
  set_isolation(s);
  auto remote = instance(lib);

  const std::string small = "{}", big = request_1k();
  double best[4] = {1e18, 1e18, 1e18, 1e18};
  for (int round = 0; round < 5; ++round) {
    best[0] = std::min(best[0], us_per_call(*local, small, n * 10));
    best[1] = std::min(best[1], us_per_call(*remote, small, n));
    best[2] = std::min(best[2], us_per_call(*local, big, n * 10));
    best[3] = std::min(best[3], us_per_call(*remote, big, n));
  }
  std::printf("noop_in_process_us %.3f us\n", best[0]);
  std::printf("noop_isolated_us %.3f us\n", best[1]);
  std::printf("noop_1k_in_process_us %.3f us\n", best[2]);
  std::printf("noop_1k_isolated_us %.3f us\n", best[3]);
  std::printf("# isolated no-op round trip %.1f us (target < 20 us): %s\n", best[1], best[1] < 20 ? "met" : "ABOVE TARGET");

  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::printf("runner_idle_rss_noop_mib %.2f MiB\n", rss_mib(remote->runner_pid()));
  if (argc > 5) {
    auto real = PluginLibrary::load(argv[4]);
    auto r = instance(real, argv[5]);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::printf("runner_idle_rss_%s_mib %.2f MiB\n", real->id().c_str(), rss_mib(r->runner_pid()));
  }
  return 0;
}
