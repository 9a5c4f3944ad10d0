//===- Wrapper.h - a link through allocsel, pass by pass ------------------===//
//
// The link path, as a flat list of passes (mold_main's style):
//
//   parseLinkCommand → collectInputs → resolve   (modelLink)
//   decide                                       (Policy)
//   rewrite                                      (Rewrite, Stamp)
//   runLinker                                    (the caller's: Interpose)
//   verify                                       (Verify)
//
// It fails closed: any error before the linker runs returns without running
// it, and the linker never sees a half-rewritten command line. In enforce
// mode a rule error stops the link before the linker runs, or, found in the
// output, removes the output as a linker does on error.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_WRAPPER_H
#define ALLOCSEL_WRAPPER_H

#include "CommandLine.h"
#include "Exec.h"
#include "WrapperOptions.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"

#include <string>
#include <vector>

namespace allocsel {

// Runs one link of `flavour` with the linker's arguments `args` (without
// argv[0]) under `options`; `runLinker` runs the real linker on the
// rewritten arguments and says how it ended. A failed link returns the
// status a shell would give (the linker's own exit status, 128+N for a
// death by signal N, after removing the partial output it may have left).
int linkWithAllocator(
    Flavour flavour, llvm::StringRef realLinker,
    llvm::ArrayRef<std::string> args, const WrapperOptions &options,
    llvm::function_ref<ProcessStatus(llvm::ArrayRef<std::string>)> runLinker);

} // namespace allocsel

#endif
