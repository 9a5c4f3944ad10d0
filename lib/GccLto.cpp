//===- GccLto.cpp - the symbol table of GCC's LTO objects -----------------===//
//
// `gcc -flto -c` writes GIMPLE into `.gnu.lto_*` sections, and, for the
// linker plugin, a symbol table of its own: `.gnu.lto_.symtab.<id>`, where
// <id> is the compilation's random 64-bit id in hex (GCC < 5 wrote no
// suffix). lto-plugin (gcc/lto-plugin/lto-plugin.c, parse_table_entry) hands
// its entries to bfd and gold with add_symbols; this file reads the same
// bytes. One entry is
//
//   name '\0'  comdat-key '\0'  kind:u8  visibility:u8  size:u64  slot:u32
//
// kind is LDPK_DEF, LDPK_WEAKDEF, LDPK_UNDEF, LDPK_WEAKUNDEF or LDPK_COMMON
// (0..4) and visibility LDPV_DEFAULT, PROTECTED, INTERNAL or HIDDEN (0..3).
// size (only set for commons) and slot (GCC's index, for the resolution
// file) are in the compiling host's byte order; neither is needed here, so
// the order does not matter.
//
// What the table holds, measured with gcc 12.2 (Debian 12):
//  - Builtins are omitted. A file calling malloc, calloc, free,
//    aligned_alloc, memset and realloc lists none of them; `operator new`,
//    `operator new[]` and the deletes (_Znwm, _Znam, _ZdlPv, _ZdaPv) are
//    listed as undefined. GCC emits the symtab from its symbol-table nodes,
//    and calls to builtins get no node until code generation. So a linker
//    never extracts an archive member for a slim object's call to malloc:
//    the model must not either (DESIGN §3.5).
//  - The table is never compressed: produce_symtab opens its section with
//    lto_begin_section (name, false), while the IL sections are compressed
//    (zlib or zstd) as the `.gnu.lto_.lto.<id>` version section's flags say.
//    lto-plugin reads the table raw. A section that a tool compressed later
//    (SHF_COMPRESSED) is reported as an error, not decompressed: names must
//    point into the mapped file.
//  - `.gnu.lto_.ext_symtab.<id>` (GCC >= 10) is a version byte (1) then two
//    bytes per entry: symbol type (function, variable) and section kind
//    (BSS or not). Neither changes which members a linker extracts, so it is
//    not read.
//  - `ld -r` of LTO objects without the plugin concatenates them: one
//    symtab section per original id. `gcc -flto -r` (incremental LTO) writes
//    one merged table. `-ffat-lto-objects` adds the same table to an object
//    with real code and a real .symtab, and no `__gnu_lto_slim`.
//
// With several tables, the same name can appear more than once (defined in
// one, undefined in another). lto-plugin's resolve_conflicts gives the
// linker one symbol per name, the strongest (a definition or common over a
// weak definition over a reference), the first on a tie; so does this file.
//
//===----------------------------------------------------------------------===//
#include "GccLto.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace llvm;
using namespace llvm::object;

namespace allocsel {

namespace {

// The values of enum ld_plugin_symbol_kind (plugin-api.h).
enum : uint8_t {
  LDPK_DEF = 0,
  LDPK_WEAKDEF = 1,
  LDPK_UNDEF = 2,
  LDPK_WEAKUNDEF = 3,
  LDPK_COMMON = 4,
};
constexpr uint8_t maxVisibility = 3; // LDPV_HIDDEN

// After the two strings: kind, visibility, size, slot.
constexpr size_t fixedPartSize = 1 + 1 + 8 + 4;

// `.gnu.lto_.symtab` or `.gnu.lto_.symtab.<hex id>`. lto-plugin matches the
// prefix alone; requiring the exact form keeps `.gnu.lto_.symtab_foo`-like
// names of a future GCC out without losing any section GCC 4.x-14 writes.
bool isSymtabSection(StringRef name) {
  if (!name.consume_front(".gnu.lto_.symtab"))
    return false;
  if (name.empty())
    return true;
  if (!name.consume_front(".") || name.empty())
    return false;
  return all_of(name, isHexDigit);
}

// lto-plugin's symbol_strength.
int strength(const Symbol &s) {
  if (!s.isDefined)
    return 0;
  if (s.isWeak)
    return 1;
  return 2;
}

} // namespace

// Asked of the symbols as read already: libObject's SymbolRef::getName
// names a section symbol by its section, and read the name of a section
// header past the end of a damaged file (found by fuzzing).
bool isGccLtoSlim(ArrayRef<Symbol> symbols) {
  return any_of(symbols,
                [](const Symbol &s) { return s.name == "__gnu_lto_slim"; });
}

Error readGccLtoSymbols(const ELFObjectFileBase &obj, std::vector<Symbol> &out) {
  // Index of each name appended by this call, to merge duplicates.
  DenseMap<StringRef, size_t> seen;
  bool foundTable = false;

  for (const SectionRef &sec : obj.sections()) {
    Expected<StringRef> secName = sec.getName();
    if (!secName)
      return secName.takeError();
    if (!isSymtabSection(*secName))
      continue;
    foundTable = true;

    if (ELFSectionRef(sec).getFlags() & ELF::SHF_COMPRESSED)
      return createStringError(inconvertibleErrorCode(),
                               *secName + ": compressed GCC LTO symbol table "
                                          "(SHF_COMPRESSED) is not supported");
    Expected<StringRef> contents = sec.getContents();
    if (!contents)
      return createStringError(inconvertibleErrorCode(),
                               *secName + ": " +
                                   toString(contents.takeError()));

    StringRef data = *contents;
    uint64_t sectionSize = data.size();
    auto malformed = [&](const Twine &what) {
      return createStringError(
          inconvertibleErrorCode(),
          *secName + ": malformed GCC LTO symbol table at offset " +
              Twine(sectionSize - data.size()) + ": " + what);
    };

    while (!data.empty()) {
      size_t nameEnd = data.find('\0');
      if (nameEnd == StringRef::npos)
        return malformed("symbol name is not NUL-terminated");
      StringRef name = data.take_front(nameEnd);
      StringRef rest = data.drop_front(nameEnd + 1);
      size_t comdatEnd = rest.find('\0');
      if (comdatEnd == StringRef::npos)
        return malformed("comdat key of '" + name + "' is not NUL-terminated");
      rest = rest.drop_front(comdatEnd + 1);
      if (rest.size() < fixedPartSize)
        return malformed("entry of '" + name + "' is truncated");
      uint8_t kind = rest[0];
      uint8_t visibility = rest[1];
      if (kind > LDPK_COMMON)
        return malformed("symbol '" + name + "' has invalid kind " +
                         Twine(unsigned(kind)));
      if (visibility > maxVisibility)
        return malformed("symbol '" + name + "' has invalid visibility " +
                         Twine(unsigned(visibility)));
      if (name.empty())
        return malformed("empty symbol name");

      // Hidden and internal symbols are kept: they are global to a static
      // link, and the plugin reports them to the linker like any other.
      Symbol s;
      s.name = name;
      s.isDefined = kind == LDPK_DEF || kind == LDPK_WEAKDEF ||
                    kind == LDPK_COMMON;
      s.isWeak = kind == LDPK_WEAKDEF || kind == LDPK_WEAKUNDEF;
      // As for an ELF SHN_COMMON symbol: defined, and common.
      s.isCommon = kind == LDPK_COMMON;

      auto [it, inserted] = seen.try_emplace(name, out.size());
      if (inserted)
        out.push_back(s);
      else if (strength(s) > strength(out[it->second]))
        out[it->second] = s;

      data = rest.drop_front(fixedPartSize);
    }
  }

  if (!foundTable)
    return createStringError(inconvertibleErrorCode(),
                             "GCC LTO object without a .gnu.lto_.symtab "
                             "section");
  return Error::success();
}

} // namespace allocsel
