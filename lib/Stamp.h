//===- Stamp.h - the selection stamp object ------------------------------===//
//
// Every artifact linked through allocsel carries a selection stamp: a note
// saying its kind, its allocator and how that was chosen (DESIGN §1). The
// wrapper writes it in-process as a small relocatable object for the link's
// machine, class, byte order and ELF flags, and adds it to the link. The
// object holds the note and nothing else: no symbol, no time, no path, so
// the same link gives the same bytes from any directory.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_STAMP_H
#define ALLOCSEL_STAMP_H

#include "Notes.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace allocsel {

// What the stamp object must match for the linker to take it.
struct TargetInfo {
  uint16_t machine = 0;
  bool is64 = true;
  bool isLittleEndian = true;
  uint32_t flags = 0; // e_flags: the ABI bits of ARM, MIPS, RISC-V, ...
};

// The member of a final static library (`allocsel archive`) that holds its
// stamp object. The object defines no symbol, so the archive's index does
// not lead to it: readers find it by this name.
constexpr llvm::StringLiteral archiveStampMember = "allocsel-stamp.o";

// The bytes of a relocatable ELF object holding `stamp` in `.note.allocsel`.
llvm::Expected<std::string> makeStampObject(const SelectionStamp &stamp,
                                            const TargetInfo &target);

} // namespace allocsel

#endif
