#include "host/plugin/library.hpp"

#include <boost/dll/shared_library_load_mode.hpp>

#include <cstring>
#include <regex>

namespace cx::plugin {

std::string abi_version_string(uint32_t v) {
  return std::to_string(CX_ABI_MAJOR(v)) + "." + std::to_string(CX_ABI_MINOR(v));
}

namespace {
bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

std::shared_ptr<const PluginLibrary> PluginLibrary::load(const std::filesystem::path& path) {
  const std::string file = path.string();
  if (!std::filesystem::is_regular_file(path)) throw LoadError("plugin [" + file + "]: no such file");

  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  std::error_code ec;
  lib->lib_.load(boost::dll::fs::path(file),
                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) throw LoadError("plugin [" + file + "] is not a loadable shared library: " + ec.message());

  if (!lib->lib_.has(CX_ENTRY_SYMBOL))
    throw LoadError("no entry point [" CX_ENTRY_SYMBOL "] in shared library [" + file + "]");
  auto entry = lib->lib_.get<const cx_connector*(uint32_t)>(CX_ENTRY_SYMBOL);
  const cx_connector* d = entry(CX_ABI_VERSION);
  if (!d)
    throw LoadError("plugin [" + file + "]: " CX_ENTRY_SYMBOL " returned NULL (it refuses host ABI " +
                    abi_version_string(CX_ABI_VERSION) + ")");

  // struct_size and abi_version lead every layout, so they are safe to read before the size check.
  const uint32_t v = d->abi_version;
  const std::string versions =
      "plugin ABI " + abi_version_string(v) + ", host ABI " + abi_version_string(CX_ABI_VERSION);
  if (CX_ABI_MAJOR(v) != CX_ABI_VERSION_MAJOR)
    throw LoadError("plugin [" + file + "] was built for another ABI major (" + versions + ")");
  if (CX_ABI_MINOR(v) > CX_ABI_VERSION_MINOR)
    throw LoadError("plugin [" + file + "] needs a newer host (" + versions + ")");
  if (d->struct_size < CX_CONNECTOR_SIZE_1_0)
    throw LoadError("plugin [" + file + "]: descriptor struct_size " + std::to_string(d->struct_size) +
                    " is smaller than the ABI 1.0 size " + std::to_string(CX_CONNECTOR_SIZE_1_0) + " (" +
                    versions + ")");

  std::memcpy(&lib->desc_, d, std::min<size_t>(d->struct_size, sizeof(cx_connector)));
  const cx_connector& desc = lib->desc_;
  if (!desc.create) throw LoadError("plugin [" + file + "]: descriptor has no create function");
  if (!desc.destroy) throw LoadError("plugin [" + file + "]: descriptor has no destroy function");
  if (!desc.id) throw LoadError("plugin [" + file + "]: descriptor has no id");

  lib->id_ = desc.id;
  const std::string stem = path.stem().string();
  if (!valid_id(lib->id_))
    throw LoadError("plugin [" + file + "]: id \"" + lib->id_ + "\" must match [a-z0-9_]+");
  if (lib->id_ != stem)
    throw LoadError("plugin [" + file + "]: id \"" + lib->id_ + "\" differs from the file stem \"" + stem + "\"");

  for (const auto& cap : capabilities()) {
    if (!(desc.capabilities & cap.bit)) continue;
    for (Op op : cap.requires_ops)
      if (!(desc.*info(op).slot))
        throw LoadError("plugin [" + file + "]: capability " + cap.name + " is set but slot " + op_name(op) +
                        " is NULL");
  }
  return lib;
}

}  // namespace cx::plugin
