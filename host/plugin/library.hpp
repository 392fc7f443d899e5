// A loaded connector plugin (.so): Boost.DLL loading, descriptor validation, lifetime.
#pragma once

#include "host/plugin/ops.hpp"

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace cx::plugin {

/// Why a plugin was refused. The message names the file and, where relevant, both ABI versions.
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "1.0" from a packed CX_ABI_VERSION.
std::string abi_version_string(uint32_t v);

/// One loaded library and a zero-filled copy of its descriptor at the host's struct size (a
/// slot the plugin's older layout lacks reads NULL). The library stays mapped as long as any
/// shared_ptr to it lives — every ConnectorInstance holds one — and is never unloaded under a
/// running op.
class PluginLibrary {
 public:
  /// Loads and validates, in this fixed order: file is a shared library, entry symbol present,
  /// entry returns non-NULL, same ABI major, minor not newer than the host's, struct_size at
  /// least the 1.0 size, create/destroy/id present, id equal to the file stem and [a-z0-9_]+,
  /// every capability bit has its slots. Throws LoadError with a message naming the file.
  static std::shared_ptr<const PluginLibrary> load(const std::filesystem::path& path);

  const cx_connector& descriptor() const { return desc_; }
  const std::string& id() const { return id_; }
  const std::filesystem::path& path() const { return path_; }
  uint32_t abi_version() const { return desc_.abi_version; }
  bool has(Op op) const { return desc_.*info(op).slot != nullptr; }
  bool has_capability(uint64_t bit) const { return (desc_.capabilities & bit) != 0; }

 private:
  PluginLibrary() = default;
  boost::dll::shared_library lib_;
  cx_connector desc_{};
  std::string id_;
  std::filesystem::path path_;
};

}  // namespace cx::plugin
