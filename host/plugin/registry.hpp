// The loaded plugins by id. Only the operator's plugin directories are scanned; a plugin that
// fails validation is reported and skipped, so the others still serve.
#pragma once

#include "host/plugin/library.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cx::plugin {

class Registry {
 public:
  struct Refusal {
    std::filesystem::path path;
    std::string message;
  };

  /// Loads every regular file ending in ".so" in dir, in name order. Refusals are collected.
  void load_directory(const std::filesystem::path& dir);
  /// Adds one library; throws LoadError naming both files when its id is already loaded.
  void add(std::shared_ptr<const PluginLibrary> library);

  std::shared_ptr<const PluginLibrary> find(const std::string& id) const;
  std::vector<std::shared_ptr<const PluginLibrary>> all() const;
  const std::vector<Refusal>& refusals() const { return refusals_; }

 private:
  std::map<std::string, std::shared_ptr<const PluginLibrary>> by_id_;
  std::vector<Refusal> refusals_;
};

}  // namespace cx::plugin
