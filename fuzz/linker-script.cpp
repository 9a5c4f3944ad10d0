//===- linker-script.cpp - fuzz target: input linker scripts -------------===//
//
// The input is the script `fuzz.ld`, parsed in an empty scratch directory
// with no include directories. The text after a lone `@@@@` line is written
// to `inc.ld` first, so `INCLUDE inc.ld` (and INCLUDE loops through it) are
// reached. An INCLUDE of a path (a script with both `INCLUDE` and a `/`)
// is not fuzzed: it would read the machine's files. An input may have an
// empty name: `INPUT("")` names the file '', which the link then cannot
// find, as GNU ld cannot (test/wrapper/input-errors.test).
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "LinkerScript.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace allocsel;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  fuzz::enterScratchDirectory();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::StringRef included;
  size_t marker = text.find("\n@@@@\n");
  if (marker != llvm::StringRef::npos) {
    included = text.drop_front(marker + 6);
    text = text.take_front(marker);
  }
  if ((text.contains("INCLUDE") || included.contains("INCLUDE")) &&
      (text.contains('/') || included.contains('/')))
    return 0;
  if (FILE *f = fopen("inc.ld", "wb")) {
    fwrite(included.data(), 1, included.size(), f);
    fclose(f);
  }

  llvm::Expected<LinkerScript> script = parseLinkerScript(text, "fuzz.ld");
  if (!script) {
    llvm::Error e = script.takeError();
    e = llvm::handleErrors(std::move(e),
                           [](const UnsupportedScriptError &u) {
                             if (u.line == 0)
                               abort(); // lines are 1-based
                           });
    fuzz::consume(std::move(e));
  }
  return 0;
}
