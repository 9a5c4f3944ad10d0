//===- Archive.h - allocsel archive: final static libraries --------------===//
//
// `allocsel archive [--allocator=NAME] -o OUT.a INPUT...` makes a static
// library for consumers that do not link through allocsel (Rust's
// `staticlib`, DESIGN §2 and §4): the members of the inputs, the members of
// the selected allocator's archive (default `system`) and a selection stamp
// of kind static library, in one archive with a symbol index.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_ARCHIVE_H
#define ALLOCSEL_ARCHIVE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace allocsel {

struct ArchiveOptions {
  std::string output;
  std::vector<std::string> inputs; // objects and archives
  std::string allocator;           // empty: the default, system
};

// Writes the archive; returns the exit status (DESIGN §4: 1 for a rule
// violation, 2 for usage or unreadable input), diagnostics on `errs`.
int runArchive(const ArchiveOptions &options,
               llvm::ArrayRef<std::string> searchPath);

} // namespace allocsel

#endif
