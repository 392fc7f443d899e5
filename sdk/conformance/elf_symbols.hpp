// Dynamic symbols of an ELF shared object, read from its .dynsym section (no external tool).
#pragma once

#include <string>
#include <vector>

namespace cx::conformance {

struct DynamicSymbols {
  std::vector<std::string> defined;    ///< global/weak symbols the object exports
  std::vector<std::string> undefined;  ///< symbols it imports from other objects
};

/// Reads the .dynsym of a 64-bit little-endian ELF file. Throws std::runtime_error naming the
/// file and the reason when it is not one.
DynamicSymbols read_dynamic_symbols(const std::string& path);

}  // namespace cx::conformance
