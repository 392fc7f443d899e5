// Each emulator registers itself under its provider name:
//   static cx::sandbox::Registration reg("powens", &run_powens);
// and `connectivity-sandbox powens --listen 127.0.0.1:PORT …` runs it with the remaining args.
#pragma once

#include <map>
#include <string>

namespace cx::sandbox {

using Main = int (*)(int argc, char** argv);  ///< argv[0] is the provider name

inline std::map<std::string, Main>& registry() {
  static std::map<std::string, Main> r;
  return r;
}

struct Registration {
  Registration(const char* name, Main fn) { registry()[name] = fn; }
};

}  // namespace cx::sandbox
