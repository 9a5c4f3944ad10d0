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

// A full linker script: a command other than the input commands above
// (SECTIONS, MEMORY, PHDRS, ENTRY, PROVIDE, EXTERN, ...) or a symbol
// assignment. Not a malformed file but one allocsel cannot model, so it has
// its own type: the caller tests `e.isA<UnsupportedScriptError>()` and warns
// "cannot model" instead of failing. Its message is
// `<path>:<line>: <command>: not an input script; allocsel cannot model a
// full linker script`.
class UnsupportedScriptError : public llvm::ErrorInfo<UnsupportedScriptError> {
public:
  static char ID;
  UnsupportedScriptError(std::string path, unsigned line, std::string command)
      : path(std::move(path)), line(line), command(std::move(command)) {}
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

  std::string path;    // the script holding the command (maybe an INCLUDE)
  unsigned line;       // 1-based
  std::string command; // "SECTIONS", ..., or "symbol assignment"
};

// Parses `text`, the script at `path`. INCLUDE is followed (searched in the
// script's directory, then the current directory, then `includeDirs`),
// and an INCLUDE loop is an error. Errors name the file and the line:
// `<path>:<line>: <what is wrong>`; a full linker script is an
// UnsupportedScriptError. Names are kept as written: a `=` (sysroot) prefix
// or a `-l:file` name (isLibrary, name ":file") is the caller's to resolve,
// as on the command line. A quoted name is always a path, never `-l`.
llvm::Expected<LinkerScript>
parseLinkerScript(llvm::StringRef text, llvm::StringRef path,
                  const std::vector<std::string> &includeDirs = {});

} // namespace allocsel

#endif
