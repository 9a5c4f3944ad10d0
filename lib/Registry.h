//===- Registry.h - the installed allocators ------------------------------===//
//
// Allocators are installed as `<prefix>/lib/allocsel/<name>/liballocsel-
// <name>.a`, beside an `allocator.json` that records where the allocator
// came from. What an allocator is (class, libraries, surface) is read from
// its archive's marker and symbol index, never from the JSON: the marker is
// what the linker and the verifier see.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_REGISTRY_H
#define ALLOCSEL_REGISTRY_H

#include "Classify.h"
#include "Inspect.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

struct InstalledAllocator {
  std::string name;
  std::string archive;   // the tagged archive's path
  AllocatorIdentity identity; // from its marker
  std::string origin;    // from allocator.json; empty if it has none
};

// Where allocators are looked for: the directories of $ALLOCSEL_ALLOCATOR_PATH
// (colon-separated) if set, else `<dir of the allocsel binary>/../lib/allocsel`.
std::vector<std::string> allocatorSearchPath(llvm::StringRef executableDir);

// The allocator `name` in the first directory holding it, or none.
llvm::Expected<std::optional<InstalledAllocator>>
findAllocator(llvm::StringRef name, llvm::ArrayRef<std::string> searchPath);

// Every installed allocator, by name; the first directory wins.
llvm::Expected<std::vector<InstalledAllocator>>
listAllocators(llvm::ArrayRef<std::string> searchPath);

// `allocsel list`: prints the installed allocators. Returns the exit status.
int printAllocators(llvm::ArrayRef<std::string> searchPath,
                    OutputFormat format, llvm::raw_ostream &os);

} // namespace allocsel

#endif
