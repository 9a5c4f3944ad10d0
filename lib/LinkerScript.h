//===- LinkerScript.h - GNU linker scripts given as link inputs -----------===//
//
// A file that is neither an object nor an archive is, to GNU ld, gold, lld
// and mold alike, a linker script. As an input, a script names more inputs:
// Debian's libc.so is `GROUP ( libc.so.6 libc_nonshared.a AS_NEEDED (
// ld-linux-x86-64.so.2 ) )`. This parser reads the commands that matter for
// which files a link takes — GROUP, INPUT, AS_NEEDED, SEARCH_DIR, INCLUDE —
// and skips OUTPUT_FORMAT, OUTPUT_ARCH, TARGET and comments. A script that
// also lays out sections (SECTIONS, MEMORY, ...) is a full linker script,
// reported as such: its inputs cannot be modelled.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_LINKERSCRIPT_H
#define ALLOCSEL_LINKERSCRIPT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace allocsel {

// One file a script names, in the order the linker takes them.
struct ScriptInput {
  std::string name;      // a path, or the library name after `-l`
  bool isLibrary = false; // written `-lNAME`: searched like -l
  bool asNeeded = false;  // inside AS_NEEDED(...)
  bool inGroup = false;   // inside GROUP(...): rescanned as a group
};

struct LinkerScript {
  std::vector<ScriptInput> inputs;
  std::vector<std::string> searchDirs; // SEARCH_DIR, in order
};

// Parses `text`, the script at `path`. INCLUDE is followed (searched in the
// script's directory, then the current directory, then `includeDirs`),
// and an INCLUDE loop is an error. Errors name the file and the line:
// `<path>:<line>: <what is wrong>`.
llvm::Expected<LinkerScript>
parseLinkerScript(llvm::StringRef text, llvm::StringRef path,
                  const std::vector<std::string> &includeDirs = {});

} // namespace allocsel

#endif
