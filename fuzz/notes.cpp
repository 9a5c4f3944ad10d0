//===- notes.cpp - fuzz target: allocsel's ELF notes ---------------------===//
//
// The first byte chooses how the rest is read: bit 0 the byte order, bit 1
// a `.note.allocsel` section (every note must be allocsel's) rather than a
// PT_NOTE segment, bit 2 8-byte alignment. A stamp that parses must encode
// back to a note that parses to the same stamp.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "Notes.h"

#include <cstdint>
#include <cstdlib>

using namespace allocsel;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t mode = data[0];
  bool isLittleEndian = mode & 1;
  bool sectionOnly = mode & 2;
  uint64_t align = mode & 4 ? 8 : 4;
  llvm::ArrayRef<uint8_t> notes(data + 1, size - 1);

  NoteSet set;
  if (llvm::Error e =
          parseNotes(notes, isLittleEndian, sectionOnly, set, align)) {
    fuzz::consume(std::move(e));
    return 0;
  }
  for (const AllocatorMarker &m : set.allocators) {
    (void)className(m.cls);
    if (!isValidName(m.name))
      abort(); // names reach command lines and paths
    for (const std::string &lib : m.libs)
      if (!isValidLibraryName(lib))
        abort();
  }
  for (const NeedsAllocatorMarker &m : set.needsAllocator)
    if (!isValidName(m.name))
      abort();
  for (const SelectionStamp &s : set.stamps) {
    (void)kindName(s.kind);
    (void)howName(s.how);
    std::vector<uint8_t> encoded = encodeStamp(s, isLittleEndian);
    NoteSet again;
    if (llvm::Error e = parseNotes(encoded, isLittleEndian,
                                   /*sectionOnly=*/true, again)) {
      fuzz::consume(std::move(e));
      abort(); // a stamp allocsel writes must read back
    }
    if (again.stamps.size() != 1 || again.stamps[0].flags != s.flags ||
        again.stamps[0].kind != s.kind || again.stamps[0].how != s.how ||
        again.stamps[0].allocator != s.allocator ||
        again.stamps[0].toolVersion != s.toolVersion)
      abort();
  }
  return 0;
}
