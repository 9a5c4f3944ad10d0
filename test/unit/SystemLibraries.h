//===- SystemLibraries.h - real ELF files for tests that read them --------===//
//
// The system's shared libraries carry every kind of symbol table the
// linkers make; tests that must agree with reading a whole table walk them.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_UNITTEST_SYSTEMLIBRARIES_H
#define ALLOCSEL_UNITTEST_SYSTEMLIBRARIES_H

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <string>
#include <vector>

namespace allocsel {

inline std::vector<std::string> systemLibraries() {
  std::vector<std::string> found;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it("/usr/lib/x86_64-linux-gnu", ec),
       end;
       it != end && !ec; it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.contains(".so") &&
        it->type() == llvm::sys::fs::file_type::regular_file)
      found.push_back(it->path());
  }
  return found;
}

} // namespace allocsel

#endif
