// cx-inspect: a connector plugin as the daemon sees it. See usage() for the modes and exit codes.
// Every check is the daemon's own: the loader's descriptor validation, the config schema against
// sdk/schemas/config.schema.json, and op outputs against <op>.response.json (cx_op_schema).
#include "host/plugin/instance.hpp"
#include "host/plugin/status.hpp"

#include <validate/op_schema.hpp>

#include <boost/json.hpp>

#include <iostream>

namespace {
namespace json = boost::json;

// Exit codes.
constexpr int kOk = 0;
constexpr int kViolation = 1;  ///< the plugin breaks the contract (refused descriptor, invalid schema or output)
constexpr int kUsage = 2;      ///< bad command line or request
constexpr int kOpFailed = 3;   ///< the op answered an error status (named), within the contract

void usage(std::ostream& o) {
  o << "usage: cx-inspect [--call OP [--config JSON] [--request JSON]] PLUGIN.so\n"
       "       cx-inspect --help\n"
       "\n"
       "Without --call: loads PLUGIN.so as the daemon does (without calling create()) and prints\n"
       "its descriptor as JSON: id, version, ABI, capabilities by name, ops, config schema. The\n"
       "config schema must be valid against sdk/schemas/config.schema.json.\n"
       "With --call: creates an instance from --config (default {}; in-process, no network) and\n"
       "calls OP with --request (default {}; checked against sdk/schemas/OP.request.json), then\n"
       "prints its output, which must be valid against OP.response.json.\n"
       "\n"
       "Exit status: 0 ok; 1 contract violation (the loader refuses the file, the config schema or\n"
       "the output breaks its schema: the message names the key by JSON pointer); 2 usage or an\n"
       "invalid request; 3 the op or create() answered an error status, printed by name\n"
       "(CX_ERR_RATE_LIMITED …) with its message.\n";
}

std::string named(int32_t code) { return std::string(cx::plugin::status_info(code).name); }

int call_op(const std::string& path, const std::string& op_name, const std::string& config, const std::string& request) {
  const cx::plugin::OpInfo* op = nullptr;
  for (const auto& o : cx::plugin::kOps)
    if (op_name == o.name) op = &o;
  if (!op) {
    std::cerr << "cx-inspect: unknown op " << op_name << "\n";
    return kUsage;
  }
  boost::system::error_code ec;
  auto req = json::parse(request, ec);
  if (ec) {
    std::cerr << "cx-inspect: --request is not JSON (" << ec.message() << ")\n";
    return kUsage;
  }
  if (auto v = cx::schema::OpSchemas::builtin().check(op_name + ".request", req))
    std::cerr << "cx-inspect: warning: the request breaks " << op_name << ".request.json at " << v->text()
              << " (the daemon never sends such a request)\n";
  auto lib = cx::plugin::PluginLibrary::load(path);
  auto services = std::make_unique<cx::plugin::HostServices>(cx::plugin::ServiceDeps{lib->id(), nullptr, nullptr, nullptr, {}});
  std::shared_ptr<cx::plugin::ConnectorInstance> inst;
  try {
    inst = cx::plugin::ConnectorInstance::create(lib, std::move(services), config, "cx-inspect");
  } catch (const cx::plugin::CreateError& e) {
    std::cerr << "cx-inspect: create failed: " << named(e.code) << ": " << e.what()
              << (e.field.empty() ? "" : " (field " + e.field + ")") << "\n";
    return kOpFailed;
  }
  auto r = inst->call(op->op, request);
  if (r.violation) {
    std::cerr << "cx-inspect: contract violation: " << r.message() << "\n";
    if (!r.out.empty()) std::cout << r.out << "\n";
    return kViolation;
  }
  if (!r.ok()) {
    std::cerr << "cx-inspect: " << op_name << " failed: " << named(r.code) << ": " << r.message() << "\n";
    return kOpFailed;
  }
  std::cout << r.out << "\n";
  return kOk;
}

int describe(const std::string& file) {
  auto lib = cx::plugin::PluginLibrary::load(file);
  const cx_connector& d = lib->descriptor();
  json::array caps, ops;
  for (auto name : cx::plugin::capability_names(d.capabilities, false)) caps.emplace_back(name);
  for (const auto& op : cx::plugin::kOps)
    if (d.*op.slot) ops.emplace_back(op.name);
  json::value schema = nullptr;
  std::string violation;
  if (d.config_schema_json) {
    boost::system::error_code ec;
    schema = json::parse(d.config_schema_json, ec);
    if (ec) {
      schema = json::string(d.config_schema_json);
      violation = "the config schema is not JSON (" + ec.message() + ")";
    } else if (auto v = cx::schema::OpSchemas::builtin().check("config.schema", schema)) {
      violation = "the config schema breaks config.schema.json at " + v->text();
    }
  }
  json::object out{{"file", file},
                   {"id", lib->id()},
                   {"version", d.version ? d.version : ""},
                   {"abi", {{"major", CX_ABI_MAJOR(d.abi_version)}, {"minor", CX_ABI_MINOR(d.abi_version)}}},
                   {"structSize", d.struct_size},
                   {"capabilities", caps},
                   {"ops", ops},
                   {"configSchema", schema}};
  std::cout << json::serialize(out) << "\n";
  if (!violation.empty()) {
    std::cerr << "cx-inspect: contract violation: " << violation << "\n";
    return kViolation;
  }
  return kOk;
}
}  // namespace

int main(int argc, char** argv) {
  std::string call, config = "{}", request = "{}", file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      usage(std::cout);
      return kOk;
    }
    if ((a == "--call" || a == "--config" || a == "--request") && i + 1 >= argc) {
      std::cerr << "cx-inspect: " << a << " needs a value\n";
      return kUsage;
    }
    if (a == "--call") call = argv[++i];
    else if (a == "--config") config = argv[++i];
    else if (a == "--request") request = argv[++i];
    else if (a.starts_with("-") || !file.empty()) {
      std::cerr << "cx-inspect: unexpected argument " << a << "\n";
      usage(std::cerr);
      return kUsage;
    } else file = a;
  }
  if (file.empty()) {
    usage(std::cerr);
    return kUsage;
  }
  try {
    return call.empty() ? describe(file) : call_op(file, call, config, request);
  } catch (const cx::plugin::LoadError& e) {
    std::cerr << "cx-inspect: contract violation: " << e.what() << "\n";
    return kViolation;
  } catch (const std::exception& e) {
    std::cerr << "cx-inspect: " << e.what() << "\n";
    return kViolation;
  }
}
