//===- GccLto.h - the symbol table of GCC's LTO objects -------------------===//
//
// A GCC slim LTO object holds GIMPLE, not code: libObject sees only the
// marker symbol `__gnu_lto_slim`. The symbols the linker plugin reports to
// the linker are in GCC's `.gnu.lto_.symtab.*` sections (and the extended
// `.gnu.lto_.ext_symtab.*`); this file reads them as lto-plugin does. GCC
// omits builtins such as `malloc` from that table, so the real linkers do
// not extract a member for them: the model must agree.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_GCCLTO_H
#define ALLOCSEL_GCCLTO_H

#include "Inputs.h"

#include "llvm/Object/ELFObjectFile.h"

namespace allocsel {

// Whether an object whose global symbols are `symbols` is a GCC slim LTO
// object (it has `__gnu_lto_slim`).
bool isGccLtoSlim(llvm::ArrayRef<Symbol> symbols);

// Appends the symbols of `obj`'s GCC LTO symbol tables to `out`, names
// pointing into the mapped file. Errors say what is malformed.
llvm::Error readGccLtoSymbols(const llvm::object::ELFObjectFileBase &obj,
                              std::vector<Symbol> &out);

} // namespace allocsel

#endif
