//===- LibrarySearch.h - find -l libraries and script inputs like ld -----===//
//
// Which file a `-lfoo`, a `-l:file` or a name inside a linker script stands
// for is the linker's decision, and the four linkers agree on most of it:
// the -L directories in command-line order, then (GNU ld and gold only)
// the directories built into the linker; in each directory `libfoo.so`
// before `libfoo.a`, unless -Bstatic is in force; `-l:file` by its exact
// name; a directory or path written `=dir` or `$SYSROOT/dir` is under
// --sysroot. lld and mold have no built-in directories: without the -L
// dirs gcc and clang pass, `-lc` is not found.
//
// A name inside a linker script (Debian's libc.so names
// `/lib/x86_64-linux-gnu/libc.so.6`) is found the way lld's
// `LinkerScript::addFile` does (lld/ELF/ScriptParser.cpp): an absolute
// path in a script under the sysroot is first tried with the sysroot in
// front; `=path` is under the sysroot; a `-l` name is searched as on the
// command line; otherwise the path as given (cwd), then the script's own
// directory, then the -L directories. GNU ld's order (ldlang.c,
// ldfile_open_file) is the same but for the script's directory, which it
// does not try; the model follows each.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_LIBRARYSEARCH_H
#define ALLOCSEL_LIBRARYSEARCH_H

#include "CommandLine.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

// GNU ld's built-in SEARCH_DIRs on this platform (`ld --verbose` of
// Debian's binutils 2.40 for x86-64), each under the sysroot. gold on
// Debian is configured alike. Empty for lld and mold.
std::vector<std::string> defaultSearchDirs(Flavour flavour);

class LibrarySearch {
public:
  explicit LibrarySearch(const LinkCommand &cmd);

  // The file `-lNAME` (or, when NAME starts with ':', `-l:FILE`) stands
  // for. Fails with ld's message, `unable to find library -lNAME`.
  llvm::Expected<std::string> findLibrary(llvm::StringRef name,
                                          bool isStatic) const;

  // A path named on the command line: `=path` and `$SYSROOT/path` are
  // under the sysroot; anything else is taken as written.
  std::string resolvePath(llvm::StringRef path) const;

  // A file named by linker script `scriptPath`, found in the linker's
  // order (see above). `extraDirs` are the script's SEARCH_DIRs.
  llvm::Expected<std::string>
  findScriptInput(llvm::StringRef name, bool isLibrary, bool isStatic,
                  llvm::StringRef scriptPath) const;

  // Adds a script's SEARCH_DIR: after the -L directories, before the
  // built-in ones.
  void addSearchDir(llvm::StringRef dir);

  // Where -l looks, in order: -L, SEARCH_DIR, then the built-in dirs.
  std::vector<std::string> dirs() const;

private:
  std::optional<std::string> findInDirs(llvm::StringRef fileName) const;
  std::string underSysroot(llvm::StringRef dir) const;

  Flavour flavour;
  std::string sysroot;
  std::vector<std::string> userDirs;    // -L and SEARCH_DIR, in order
  std::vector<std::string> builtinDirs; // GNU ld's SEARCH_DIRs
};

} // namespace allocsel

#endif
