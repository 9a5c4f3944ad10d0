//===- Notes.h - allocsel's ELF notes: markers and selection stamps ------===//
//
// Reads and writes the notes that allocators/include/allocsel/allocator.h
// defines: the allocator marker, the needs-allocator marker and the
// selection stamp. A `.note.allocsel` section holds only allocsel's notes;
// a PT_NOTE segment of a linked output holds others too, which are skipped.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_NOTES_H
#define ALLOCSEL_NOTES_H

#include "allocsel/allocator.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace allocsel {

enum class AllocatorClass : uint32_t {
  Overriding = ALLOCSEL_CLASS_OVERRIDING,
  Deferring = ALLOCSEL_CLASS_DEFERRING,
  SharedObject = ALLOCSEL_CLASS_SHARED_OBJECT,
};

// "overriding", "deferring", "shared-object": the JSON spellings.
llvm::StringRef className(AllocatorClass c);

enum class ArtifactKind : uint32_t {
  Executable = ALLOCSEL_KIND_EXECUTABLE,
  SharedLibrary = ALLOCSEL_KIND_SHARED_LIBRARY,
  StaticLibrary = ALLOCSEL_KIND_STATIC_LIBRARY,
  Relocatable = 4, // never in a stamp: -r outputs get none
};

// "executable", "shared-library", "static-library", "relocatable".
llvm::StringRef kindName(ArtifactKind k);

enum class SelectionHow : uint32_t {
  None = ALLOCSEL_HOW_NONE,
  Default = ALLOCSEL_HOW_DEFAULT,
  Explicit = ALLOCSEL_HOW_EXPLICIT,
  Found = ALLOCSEL_HOW_FOUND,
};

// "none", "default", "explicit", "found".
llvm::StringRef howName(SelectionHow h);

struct AllocatorMarker {
  std::string name;
  AllocatorClass cls = AllocatorClass::Overriding;
  bool onAbi = false;            // built on the allocsel ABI (the shim)
  std::vector<std::string> libs; // needed after the archive, as for -l
};

struct NeedsAllocatorMarker {
  std::string name;
};

struct SelectionStamp {
  uint32_t flags = 0; // ALLOCSEL_STAMP_*
  ArtifactKind kind = ArtifactKind::Executable;
  SelectionHow how = SelectionHow::None;
  std::string allocator; // empty when none is needed
  std::string toolVersion;
};

// Everything allocsel's notes say about one object or output.
struct NoteSet {
  std::vector<AllocatorMarker> allocators;
  std::vector<NeedsAllocatorMarker> needsAllocator;
  std::vector<SelectionStamp> stamps;

  bool empty() const {
    return allocators.empty() && needsAllocator.empty() && stamps.empty();
  }
  void append(NoteSet &&other);
};

// Whether `name` is a valid allocator or library name: [A-Za-z0-9_]+, at
// most ALLOCSEL_NAME_MAX bytes. Names reach command lines and paths.
bool isValidName(llvm::StringRef name);

// Whether `name` may follow -l: [A-Za-z0-9_+.-]+ not starting with '-' or
// '.' (`stdc++` is one), at most ALLOCSEL_NAME_MAX bytes. It reaches the
// linker's command line as one argument, so nothing else is let through.
bool isValidLibraryName(llvm::StringRef name);

// Parses the notes in `data`, laid out with `align` (4, or 8 in an 8-aligned
// PT_NOTE). With `sectionOnly` (a `.note.allocsel` section) every note must
// be allocsel's; otherwise (a PT_NOTE segment, another SHT_NOTE section)
// notes of other owners are skipped. Errors say what is wrong, not where.
llvm::Error parseNotes(llvm::ArrayRef<uint8_t> data, bool isLittleEndian,
                       bool sectionOnly, NoteSet &out, uint64_t align = 4);

// The bytes of one selection-stamp note in the target's byte order.
std::vector<uint8_t> encodeStamp(const SelectionStamp &stamp,
                                 bool isLittleEndian);

} // namespace allocsel

#endif
