//===- EntryPoints.h - the allocation entry points and who defines them --===//
//
// The allocation entry points of DESIGN §1: the C functions glibc's manual
// names for replacing malloc, and every C++ operator new/delete overload.
// An input that defines them is an allocator: tagged by its marker, the
// system's own (glibc, the C++ runtime), a sanitizer runtime, or untagged —
// recognised, where it is a well-known one, by a signature symbol.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_ENTRYPOINTS_H
#define ALLOCSEL_ENTRYPOINTS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace allocsel {

// The entry points, in the order of DESIGN §1. The C++ operators follow the
// C functions; their mangled names are those of a 64-bit size_t (a 32-bit
// target's `j` is accepted as the same entry point).
enum EntryPoint : uint8_t {
  EP_malloc,
  EP_free,
  EP_calloc,
  EP_realloc,
  EP_aligned_alloc,
  EP_posix_memalign,
  EP_memalign,
  EP_valloc,
  EP_pvalloc,
  EP_malloc_usable_size,
  EP_FirstCxx,
  EP_Count = EP_FirstCxx + 20,
};

// A set of entry points.
class EntryPointSet {
public:
  EntryPointSet() = default;
  void insert(EntryPoint e) { bits |= uint32_t(1) << e; }
  bool contains(EntryPoint e) const { return bits & (uint32_t(1) << e); }
  bool empty() const { return bits == 0; }
  bool hasCxx() const { return bits >> EP_FirstCxx; }
  bool hasC() const { return bits & ((uint32_t(1) << EP_FirstCxx) - 1); }
  void merge(EntryPointSet o) { bits |= o.bits; }
  EntryPointSet minus(EntryPointSet o) const {
    EntryPointSet rest;
    rest.bits = bits & ~o.bits;
    return rest;
  }
  template <typename Fn> void forEach(Fn fn) const {
    for (unsigned e = 0; e < EP_Count; ++e)
      if (contains(EntryPoint(e)))
        fn(EntryPoint(e));
  }
  bool operator==(const EntryPointSet &) const = default;

private:
  uint32_t bits = 0;
};

// The entry point `symbol` names, if it names one.
std::optional<EntryPoint> findEntryPoint(llvm::StringRef symbol);

// Whether `name`, NUL-terminated, may name an entry point, from its first
// bytes alone: most names are rejected without measuring them.
bool mayNameEntryPoint(const char *name);

// The symbol's name: `malloc`, or the mangled name of an operator.
llvm::StringRef entryPointSymbol(EntryPoint e);

// How people read it: `malloc`, `operator new(unsigned long)`.
std::string entryPointDisplayName(EntryPoint e);

// Who an input that defines entry points is, when no marker says so.
enum class Provider {
  System,    // glibc, the dynamic loader, the C++ runtime: DESIGN §1
  Sanitizer, // a sanitizer runtime: it owns the heap (AS010)
  Untagged,  // a known allocator without a marker, or an unknown one
};

struct Signature {
  llvm::StringRef symbol; // the defined symbol that gives it away
  llvm::StringRef name;   // "jemalloc", "system", "asan", ...
  Provider provider;
};

// The signature `definedSymbol` belongs to, if any.
const Signature *findSignature(llvm::StringRef definedSymbol);

// Calls `fn` with every name findEntryPoint or findSignature knows: all a
// link asks of a shared object's exports (Inputs.h, ReadMode::Link).
void forEachAllocatorSymbol(llvm::function_ref<void(llvm::StringRef)> fn);

// The more telling of two signatures: a sanitizer runtime, then a known
// allocator, then the system.
const Signature *strongerSignature(const Signature *a, const Signature *b);

} // namespace allocsel

#endif
