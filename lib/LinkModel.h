//===- LinkModel.h - one link as the linker will see it -------------------===//
//
// The link path's first passes, in mold_main's flat style:
//
//   linkerCommand   a driver command (gcc, clang) becomes the linker line it
//                   would run, read from its `-###` output (--dry-run only:
//                   the link path gets the line by interposition, §3.1)
//   collectInputs   -l searched, linker scripts expanded in place
//   resolveLink     which archive members the linker extracts, and why
//   findAllocators  the allocators among what is linked
//
// `allocsel link --dry-run --explain` prints the result, as text in lld's
// spirit or as the JSON object of DESIGN §4.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_LINKMODEL_H
#define ALLOCSEL_LINKMODEL_H

#include "Classify.h"
#include "CommandLine.h"
#include "Diagnostics.h"
#include "Inspect.h"
#include "LibrarySearch.h"
#include "Resolution.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace allocsel {

// The linker a command runs and its arguments (without the program name).
struct LinkerInvocation {
  Flavour flavour = Flavour::Bfd;
  std::string program; // what the driver would run: collect2, /usr/bin/ld...
  std::vector<std::string> args;
};

// `argv` is `ld ...` (any linker name) or a driver command (`gcc ...`,
// `clang++ ...`), which is run with `-###` to print its linker line; for
// gcc that is collect2's, and collect2 takes ld's arguments, the linker
// being the one `-fuse-ld=` names (bfd by default).
llvm::Expected<LinkerInvocation>
linkerCommand(llvm::ArrayRef<std::string> argv);

// Splits one line of `-###` output: double-quoted words with backslash
// escapes, as gcc and clang print them.
std::vector<std::string> splitDriverLine(llvm::StringRef line);

// An allocator found in the link, with how it is there (DESIGN §4 `via`).
struct FoundAllocator {
  AllocatorIdentity identity;
  std::string via = "input";
};

struct LinkModel {
  LinkCommand command;
  std::string program;
  std::vector<LinkedInput> inputs;
  Resolution resolution;
  std::vector<FoundAllocator> allocators;
  bool needsAllocator = false;
  std::vector<Diagnostic> diagnostics; // warnings of the command line model

  // Owns every file opened, one per path; a variant's files that its base
  // had opened stay there (modelLink).
  llvm::StringMap<std::unique_ptr<InputFile>> files;
  const LinkModel *base = nullptr;
};

// Builds the whole model of `invocation`. Errors (a library not found, an
// unreadable input) are the ones the linker itself would stop on. With
// `base`, the model of a variant of the same link (the wrapper's rewritten
// command line), the files `base` opened are used, not read again: `base`
// must outlive the model.
llvm::Expected<std::unique_ptr<LinkModel>>
modelLink(const LinkerInvocation &invocation,
          const LinkModel *base = nullptr);

// Prints the model: lld-like text, or the JSON object of DESIGN §4.
void printLinkModel(const LinkModel &model, OutputFormat format,
                    llvm::raw_ostream &os);

// `allocsel link --dry-run --explain [--format] -- argv...`: returns the
// exit status.
int explainLink(llvm::ArrayRef<std::string> argv, OutputFormat format,
                llvm::raw_ostream &os);

} // namespace allocsel

#endif
