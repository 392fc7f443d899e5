// op_schema_check [SCHEMA_DIR]: the C++ validator (cx_op_schema) as a filter for validate.py.
// Reads lines "<schema file>\t<payload JSON>" on stdin and answers one line each: "ok",
// "invalid <pointer>: <message>", or "skip" (a target it does not compile, e.g. common.json#…).
// Without SCHEMA_DIR the schemas embedded at build time are used.
#include "validate/op_schema.hpp"

#include <boost/json.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  try {
    auto loaded = argc > 1 ? cx::schema::OpSchemas::load(argv[1]) : nullptr;
    const auto& schemas = loaded ? *loaded : cx::schema::OpSchemas::builtin();
    std::string line;
    while (std::getline(std::cin, line)) {
      auto tab = line.find('\t');
      std::string target = line.substr(0, tab);
      std::string name = target.ends_with(".json") ? target.substr(0, target.size() - 5) : target;
      if (tab == std::string::npos || !schemas.has(name)) {
        std::cout << "skip" << std::endl;
        continue;
      }
      auto v = schemas.check(name, boost::json::parse(line.substr(tab + 1)));
      std::cout << (v ? "invalid " + v->text() : std::string("ok")) << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "op_schema_check: " << e.what() << "\n";
    return 1;
  }
}
