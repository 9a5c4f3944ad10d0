//===- Resolution.h - which archive members the real linker extracts ------===//
//
// An archive member is linked only when the linker decides a symbol it
// defines is wanted, and the four linkers decide differently:
//
// * GNU ld (bfd) and gold read the command line once, left to right. An
//   archive is searched only for the symbols undefined at that point, and
//   searched again until it gives nothing more; a --start-group/--end-group
//   (or a script's GROUP) is searched again as a whole until nothing
//   changes. A symbol a shared object defined earlier is not undefined any
//   more, so an archive after it gives nothing for it. An archive before
//   the object that needs it gives nothing: "undefined reference".
//
// * lld and mold first make every archive symbol lazy; a reference met
//   anywhere, before or after the archive, extracts the member of the first
//   archive (in command-line order) that defines it. Shared objects are
//   where the two differ: lld lets a shared definition replace a lazy one
//   (lld/ELF/Symbols.cpp, resolveShared), so in `a.a ref.o a.so` the member
//   is extracted when ref.o is read, but in `a.a a.so ref.o` it is not; mold
//   ranks a shared and an archive definition alike and takes the earlier
//   file.
//
// In all four a weak undefined symbol never extracts a member. For a symbol
// only a common symbol defines, bfd extracts a member that defines it for
// real (elflink.c, elf_link_is_defined_archive_symbol), as does mold; gold
// does not, and neither does lld 14 as built by Debian (measured: its
// --fortran-common leaves `int x;` + `a.a(int x = 5)` alone). `-u` and
// `--require-defined` symbols are undefined from the start; `-e` too,
// while lld also extracts the entry (default `_start`) at the end when it
// is still lazy (Driver.cpp, handleUndefined). A member is parsed only when
// it is extracted (or, for bfd and a common symbol, looked at).
//
// Every extraction records the symbol and the input that referenced it,
// as lld's --why-extract and GNU ld's map file ("Archive member included
// to satisfy reference by file (symbol)") do.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_RESOLUTION_H
#define ALLOCSEL_RESOLUTION_H

#include "CommandLine.h"
#include "Inputs.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace allocsel {

// One file the linker reads, in order, after library search and linker
// scripts.
struct LinkedInput {
  std::string spelling; // as written: `-lc`, `main.o`, a name in a script
  std::string path;     // the file found
  InputFile *file = nullptr;
  bool asNeeded = false;
  bool wholeArchive = false;
  int group = 0;         // a --start-group or a script's GROUP, from 1
  std::string viaScript; // the linker script that named it, if any
  // The command line's input it is, or the script among them that named
  // it: an index into LinkCommand::inputs.
  size_t commandInput = 0;
};

// Why one archive member is in the link.
struct Extraction {
  size_t input = 0;           // index into the LinkedInput list
  uint64_t member = 0;        // its offset in the archive
  std::string memberName;     // `m.o`
  llvm::StringRef symbol;     // the symbol it was extracted for
  std::string referencedFrom; // `main.o`, `lib.a(m.o)`, `--undefined`, ...
  bool whole = false;         // --whole-archive: no symbol needed
};

// An object the link takes: a file, or an extracted member.
struct LinkedObject {
  const ObjectInfo *object = nullptr;
  std::string name; // the path, or `lib.a(m.o)`
};

struct Resolution {
  std::vector<Extraction> extracted;  // in the order the linker takes them
  std::vector<LinkedObject> objects;  // relocatable and LTO objects linked
  std::vector<bool> neededShared;     // per input: gets a DT_NEEDED
  std::vector<std::string> undefined; // strong references left undefined
};

// Simulates the symbol resolution of `cmd.flavour` over `inputs`.
llvm::Expected<Resolution> resolveLink(const LinkCommand &cmd,
                                       llvm::ArrayRef<LinkedInput> inputs);

} // namespace allocsel

#endif
