//===- Inspect.h - `allocsel inspect`: what each input says ---------------===//
#ifndef ALLOCSEL_INSPECT_H
#define ALLOCSEL_INSPECT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace allocsel {

enum class OutputFormat { Text, Json };

// Prints, per file and per archive member, the markers, the stamp, the
// entry points defined and referenced, DT_NEEDED, and which allocator the
// input is. Unreadable files are reported on stderr and the others still
// inspected. Returns the exit status: 2 if any file could not be read.
int inspectFiles(llvm::ArrayRef<std::string> paths, OutputFormat format,
                 llvm::raw_ostream &os);

} // namespace allocsel

#endif
