// cx-inspect PLUGIN.so — prints a plugin's descriptor as JSON without calling create():
// id, version, ABI major/minor, capabilities by name, ops present, config schema.
// On a file the daemon would refuse it prints the loader's message and exits 1.
// cx-inspect --call OP [--config JSON] [--request JSON] PLUGIN.so — creates an instance (no
// network access) and prints one op's output, for authors trying a plugin by hand.
#include "host/plugin/instance.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <iostream>

namespace {
int call_op(const std::string& path, const std::string& op_name, const std::string& config, const std::string& request) {
  auto lib = cx::plugin::PluginLibrary::load(path);
  const cx::plugin::OpInfo* op = nullptr;
  for (const auto& o : cx::plugin::kOps)
    if (op_name == o.name) op = &o;
  if (!op) throw std::runtime_error("unknown op " + op_name);
  auto services = std::make_unique<cx::plugin::HostServices>(cx::plugin::ServiceDeps{lib->id(), nullptr, nullptr, nullptr, {}});
  auto inst = cx::plugin::ConnectorInstance::create(lib, std::move(services), config);
  auto r = inst->call(op->op, request);
  if (!r.ok()) {
    std::cerr << "cx-inspect: " << op_name << " failed (" << r.code << "): " << r.message() << "\n";
    return 1;
  }
  std::cout << r.out << "\n";
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  std::string call, config = "{}", request = "{}", file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--call" && i + 1 < argc) call = argv[++i];
    else if (a == "--config" && i + 1 < argc) config = argv[++i];
    else if (a == "--request" && i + 1 < argc) request = argv[++i];
    else file = a;
  }
  if (file.empty()) {
    std::fprintf(stderr, "usage: cx-inspect [--call OP [--config JSON] [--request JSON]] PLUGIN.so\n");
    return 2;
  }
  try {
    if (!call.empty()) return call_op(file, call, config, request);
    auto lib = cx::plugin::PluginLibrary::load(file);
    const cx_connector& d = lib->descriptor();
    boost::json::array caps, ops;
    for (auto name : cx::plugin::capability_names(d.capabilities, false)) caps.emplace_back(name);
    for (const auto& op : cx::plugin::kOps)
      if (d.*op.slot) ops.emplace_back(op.name);
    boost::json::value schema = nullptr;
    if (d.config_schema_json) {
      boost::system::error_code ec;
      schema = boost::json::parse(d.config_schema_json, ec);
      if (ec) schema = boost::json::string(d.config_schema_json);
    }
    boost::json::object out{{"file", file},
                            {"id", lib->id()},
                            {"version", d.version ? d.version : ""},
                            {"abi", {{"major", CX_ABI_MAJOR(d.abi_version)}, {"minor", CX_ABI_MINOR(d.abi_version)}}},
                            {"structSize", d.struct_size},
                            {"capabilities", caps},
                            {"ops", ops},
                            {"configSchema", schema}};
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cx-inspect: " << e.what() << "\n";
    return 1;
  }
}
