#include "elf_symbols.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace cx::conformance {
namespace {

template <class T>
T read_at(const std::string& data, size_t off, const std::string& path) {
  if (off > data.size() || data.size() - off < sizeof(T)) throw std::runtime_error(path + ": truncated ELF file");
  T v;
  std::memcpy(&v, data.data() + off, sizeof(T));
  return v;
}

}  // namespace

DynamicSymbols read_dynamic_symbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto eh = read_at<Elf64_Ehdr>(data, 0, path);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) throw std::runtime_error(path + ": not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    throw std::runtime_error(path + ": not a 64-bit little-endian ELF file");
  DynamicSymbols out;
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    auto sh = read_at<Elf64_Shdr>(data, eh.e_shoff + i * eh.e_shentsize, path);
    if (sh.sh_type != SHT_DYNSYM || sh.sh_entsize != sizeof(Elf64_Sym)) continue;
    auto strtab = read_at<Elf64_Shdr>(data, eh.e_shoff + sh.sh_link * eh.e_shentsize, path);
    for (size_t k = 1; k < sh.sh_size / sizeof(Elf64_Sym); ++k) {
      auto sym = read_at<Elf64_Sym>(data, sh.sh_offset + k * sizeof(Elf64_Sym), path);
      if (sym.st_name >= strtab.sh_size || strtab.sh_offset + sym.st_name >= data.size()) continue;
      const char* name = data.data() + strtab.sh_offset + sym.st_name;
      size_t max = data.size() - (strtab.sh_offset + sym.st_name);
      std::string n(name, strnlen(name, max));
      if (n.empty()) continue;
      int bind = ELF64_ST_BIND(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF) out.undefined.push_back(n);
      else if (bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE) out.defined.push_back(n);
    }
  }
  return out;
}

}  // namespace cx::conformance
