#include "host/plugin/registry.hpp"

#include <algorithm>

namespace cx::plugin {

void Registry::load_directory(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".so" && e.is_regular_file()) files.push_back(e.path());
  if (ec) {
    refusals_.push_back({dir, "cannot read plugin directory [" + dir.string() + "]: " + ec.message()});
    return;
  }
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    try {
      add(PluginLibrary::load(f));
    } catch (const LoadError& e) {
      refusals_.push_back({f, e.what()});
    }
  }
}

void Registry::add(std::shared_ptr<const PluginLibrary> library) {
  auto [it, inserted] = by_id_.emplace(library->id(), library);
  if (!inserted)
    throw LoadError("plugin [" + library->path().string() + "]: duplicate id \"" + library->id() +
                    "\", already loaded from [" + it->second->path().string() + "]");
}

std::shared_ptr<const PluginLibrary> Registry::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const PluginLibrary>> Registry::all() const {
  std::vector<std::shared_ptr<const PluginLibrary>> out;
  for (auto& [id, lib] : by_id_) out.push_back(lib);
  return out;
}

}  // namespace cx::plugin
