// connectivity-sandbox <provider> [options]: runs one local provider emulator.
#include "tools/sandbox/registry.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  auto& reg = cx::sandbox::registry();
  if (argc >= 2) {
    auto it = reg.find(argv[1]);
    if (it != reg.end()) return it->second(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "usage: connectivity-sandbox <provider> [--listen HOST:PORT] [--seed N] …\nproviders:");
  for (auto& [name, fn] : reg) std::fprintf(stderr, " %s", name.c_str());
  std::fprintf(stderr, "\n");
  return 2;
}
