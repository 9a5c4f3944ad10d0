//===- Classify.h - which allocator an input is, and what it uses ---------===//
//
// Turns what an input's symbols and notes say into allocsel's terms: the
// entry points it defines and references, and who it is as an allocator —
// tagged by a marker, the system's own (glibc, the C++ runtime), a
// sanitizer runtime, a well-known allocator without a marker, or an unknown
// one. `inspect`, the link model and `check` all ask this one place.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_CLASSIFY_H
#define ALLOCSEL_CLASSIFY_H

#include "EntryPoints.h"
#include "Inputs.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

struct EntryPointUse {
  EntryPointSet defined;
  EntryPointSet referenced;
};

// The entry points `object` defines and references. A linked output's
// internal definitions count as defined: a static allocator shows there.
EntryPointUse entryPointUse(const ObjectInfo &object);

// One allocator an input is or carries.
struct AllocatorIdentity {
  std::string name;   // "jemalloc", "system", "asan", "unknown", ...
  AllocatorClass cls = AllocatorClass::Overriding;
  bool tagged = false;
  bool onAbi = false;             // tagged and built on the allocsel ABI
  std::optional<Provider> provider; // untagged: who it was recognised as
  std::string evidence;           // "marker", or the signature symbol
  std::string source;             // the file, or `lib.a(member.o)`
  std::vector<std::string> libs;  // tagged: libraries it needs after it
  EntryPointSet surface;          // entry points the input defines
};

// Gathers the evidence of one input, object by object or from an archive's
// symbol index, and says which allocators it is.
class AllocatorEvidence {
public:
  // An object (a file or a member) named `source`.
  void addObject(const ObjectInfo &object, llvm::StringRef source);
  // A shared object linked against: only what it exports reaches this
  // link. Its markers and private definitions belong to its own link (a
  // library built through allocsel carries its allocator's marker).
  void addExports(const ObjectInfo &object, llvm::StringRef source);
  // A symbol an archive's index says member `source` defines.
  void addIndexSymbol(llvm::StringRef symbol, llvm::StringRef source);

  // Tagged allocators first, by marker; otherwise the strongest signature;
  // otherwise, where entry points are defined, an unknown allocator.
  std::vector<AllocatorIdentity> identify() const;

  // Every allocator the evidence shows, for `check`, which must see an
  // artifact carrying two: the tagged ones, then each recognised untagged
  // allocator or sanitizer runtime of another name (an archive bundling a
  // marker and a raw tcmalloc). Without either, what identify() says.
  std::vector<AllocatorIdentity> identifyAll() const;

private:
  void addDefinition(llvm::StringRef symbol, llvm::StringRef source);

  std::vector<AllocatorIdentity> tagged;
  const Signature *signature = nullptr;
  std::string signatureSource;
  // Every non-system signature met, first source each (identifyAll).
  std::vector<std::pair<const Signature *, std::string>> signatures;
  std::string firstDefinition, firstDefinitionSource;
  EntryPointSet defined;
};

// The allocators `file` is or carries, reading an archive by its index and
// only the members that hold a marker.
llvm::Expected<std::vector<AllocatorIdentity>> identifyFile(InputFile &file);

} // namespace allocsel

#endif
