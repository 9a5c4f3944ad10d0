//===- Policy.h - decide: one allocator per artifact ----------------------===//
//
// The decision of DESIGN §2 over a link model: the artifact's kind, whether
// it needs an allocator, which one, how it was chosen, and every rule the
// inputs break (AS001, AS002, AS003, AS004, AS006, AS008, AS010, AS011, and
// the `-static` clash with libc.a's malloc.o, reported as AS001). The kinds'
// defaults are one table (kindDefaults); what can override them comes from
// WrapperOptions (options and ALLOCSEL_* variables alike).
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_POLICY_H
#define ALLOCSEL_POLICY_H

#include "LinkModel.h"
#include "MemberGraph.h"
#include "Registry.h"
#include "WrapperOptions.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

enum class Mode { Enforce, Warn, Off };

struct Selection {
  std::string name;
  SelectionHow how = SelectionHow::None;
  AllocatorClass cls = AllocatorClass::Deferring;
  bool onAbi = false; // built on the allocsel ABI: AS004 applies
  // The file holding its members: the installed archive allocsel adds, or
  // the input it was found in (an archive, an object, a shared object).
  std::string file;
  // The installed archive allocsel adds to the link; none when the
  // allocator is already among the inputs (found, or named explicitly by
  // its archive) or is untagged.
  std::optional<InstalledAllocator> added;
  // What the allocator defines (its archive's index or the inputs').
  EntryPointSet surface;
  // What allocsel forces into the link (-u) and, for an executable,
  // exports: the surface's C entry points, and its C++ operators only where
  // the C++ runtime is among the inputs (forcing operator new into a plain
  // C link would pull libstdc++ references into it).
  EntryPointSet forced;
  std::vector<std::string> libs;
  // Found in a shared object among the inputs (a raw -ljemalloc): its path.
  // Its entry points then live in that library, not in the output.
  std::string sharedObject;
};

struct Decision {
  ArtifactKind kind = ArtifactKind::Executable;
  Mode mode = Mode::Enforce;
  bool needsAllocator = false;
  std::optional<Selection> selected;
  bool exportAllocator = false; // a shared library exports its allocator
  bool privateBinding = false;  // its entry points stay out of .dynsym
  std::vector<Diagnostic> diagnostics;

  // An error that fails the link in enforce mode.
  bool hasErrors() const;
};

// Decides the allocator of `model`'s artifact. Fails only on a usage error
// (a bad --kind or --mode value reaches here already checked).
llvm::Expected<Decision> decide(const LinkModel &model,
                                const WrapperOptions &options,
                                llvm::ArrayRef<std::string> searchPath);

// The library `object` declares itself part of with a needs-allocator
// marker: its note, or in LLVM bitcode its anchor symbol.
std::optional<std::string> needsAllocatorLibrary(const ObjectInfo &object);

// An input tagged needs-allocator (DESIGN §1, note type 2).
struct NeedsAllocatorTag {
  size_t input;        // the caller's input number
  std::string library; // the marker's name
  std::string source;  // the file or member carrying the marker
};

// AS003: in `graph`, the members of allocator `name` (the nodes whose input
// `isAllocatorInput` accepts) reach through resolved references a node of
// an input `tags` names. The diagnostic gives the shortest chain.
std::optional<Diagnostic>
checkNeedsAllocator(llvm::StringRef name, const MemberGraph &graph,
                    llvm::function_ref<bool(size_t)> isAllocatorInput,
                    llvm::ArrayRef<NeedsAllocatorTag> tags);

// AS004: `members` holds the members of allocator `name`, built on the
// allocsel ABI, and nothing else. The members defining an ABI function
// reach, through references resolved among them with the shim's members
// left out, a reference to an entry point.
std::optional<Diagnostic> checkReentry(llvm::StringRef name,
                                       const MemberGraph &members);

// The stamp the decision puts into the artifact.
SelectionStamp stampOf(const Decision &decision);

} // namespace allocsel

#endif
