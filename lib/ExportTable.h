//===- ExportTable.h - a shared object's exports, looked up by name -------===//
//
// A link asks a shared object about the few hundred names its other inputs
// leave undefined, while libstdc++.so alone exports 6,000 symbols: listing
// them all (and entering them into the resolver's table) was most of the
// cost of modelling a small dynamic link, mostly in page faults on the
// memory it took. An ExportTable answers by name through the object's own
// hash table, .gnu.hash or else .hash, the way the dynamic loader looks a
// symbol up; an object without a usable one is indexed once instead, since
// the linkers themselves never read those tables.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_EXPORTTABLE_H
#define ALLOCSEL_EXPORTTABLE_H

#include "Inputs.h"

#include "llvm/Object/ELF.h"

#include <memory>
#include <optional>

namespace allocsel {

class ExportTable {
public:
  virtual ~ExportTable() = default;
  // The definition of `name` a plain reference binds to: unversioned or
  // the default (`@@`) version; a hidden (`@`) version is not one.
  virtual std::optional<Symbol> find(llvm::StringRef name) const = 0;
};

// The linker's view of one ELF symbol table entry, or nothing for a local,
// a section or a file symbol.
template <class ELFT>
std::optional<Symbol> linkerSymbol(const typename ELFT::Sym &sym,
                                   llvm::StringRef strtab) {
  uint8_t binding = sym.getBinding();
  if (binding != llvm::ELF::STB_GLOBAL && binding != llvm::ELF::STB_WEAK &&
      binding != llvm::ELF::STB_GNU_UNIQUE)
    return std::nullopt;
  if (sym.getType() == llvm::ELF::STT_SECTION ||
      sym.getType() == llvm::ELF::STT_FILE)
    return std::nullopt;
  Symbol s;
  // An offset past the string table gives an empty name, which resolves
  // nothing: the link itself would fail on such a file.
  if (sym.st_name < strtab.size())
    s.name = llvm::StringRef(strtab.data() + sym.st_name);
  s.isDefined = sym.st_shndx != llvm::ELF::SHN_UNDEF;
  s.isCommon = sym.st_shndx == llvm::ELF::SHN_COMMON;
  s.isWeak = binding == llvm::ELF::STB_WEAK;
  return s;
}

// The exports of `elf`'s dynamic symbol table: `dynsym`, the section, and
// `syms`, its entries, with `strtab`, its string table, and `versions`, its
// SHT_GNU_versym entries or nothing. The table points into `elf`'s buffer.
template <class ELFT>
std::shared_ptr<const ExportTable>
makeExportTable(const llvm::object::ELFFile<ELFT> &elf,
                typename ELFT::ShdrRange sections,
                const typename ELFT::Shdr &dynsym,
                llvm::ArrayRef<typename ELFT::Sym> syms, llvm::StringRef strtab,
                llvm::ArrayRef<typename ELFT::Versym> versions);

} // namespace allocsel

#endif
