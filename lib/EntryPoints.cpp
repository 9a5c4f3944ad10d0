//===- EntryPoints.cpp ----------------------------------------------------===//
#include "EntryPoints.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Demangle/Demangle.h"

#include <array>

using namespace llvm;

namespace allocsel {

// Indexed by EntryPoint. The C++ operators: new, new[], then delete,
// delete[], each plain, nothrow, sized (delete only), align_val_t and their
// combinations, as the standard library declares them in <new>.
static constexpr std::array<StringRef, EP_Count> entryPointSymbols = {
    "malloc",
    "free",
    "calloc",
    "realloc",
    "aligned_alloc",
    "posix_memalign",
    "memalign",
    "valloc",
    "pvalloc",
    "malloc_usable_size",
    "_Znwm",
    "_Znam",
    "_ZnwmRKSt9nothrow_t",
    "_ZnamRKSt9nothrow_t",
    "_ZnwmSt11align_val_t",
    "_ZnamSt11align_val_t",
    "_ZnwmSt11align_val_tRKSt9nothrow_t",
    "_ZnamSt11align_val_tRKSt9nothrow_t",
    "_ZdlPv",
    "_ZdaPv",
    "_ZdlPvRKSt9nothrow_t",
    "_ZdaPvRKSt9nothrow_t",
    "_ZdlPvm",
    "_ZdaPvm",
    "_ZdlPvSt11align_val_t",
    "_ZdaPvSt11align_val_t",
    "_ZdlPvSt11align_val_tRKSt9nothrow_t",
    "_ZdaPvSt11align_val_tRKSt9nothrow_t",
    "_ZdlPvmSt11align_val_t",
    "_ZdaPvmSt11align_val_t",
};

// On a target with a 32-bit size_t the size parameters mangle as `j`.
static std::string with32BitSize(StringRef mangled) {
  std::string s = mangled.str();
  size_t sizePos = StringRef(s).startswith("_Zn") ? 4 : 6; // _Znw|m, _ZdlPv|m
  if (sizePos < s.size() && s[sizePos] == 'm')
    s[sizePos] = 'j';
  return s;
}

static const StringMap<EntryPoint> &entryPointMap() {
  static const StringMap<EntryPoint> map = [] {
    StringMap<EntryPoint> m;
    for (unsigned e = 0; e < EP_Count; ++e) {
      m[entryPointSymbols[e]] = EntryPoint(e);
      if (e >= EP_FirstCxx)
        m[with32BitSize(entryPointSymbols[e])] = EntryPoint(e);
    }
    return m;
  }();
  return map;
}

// C++ operators are `_Zn...`/`_Zd...`; the C names start with one of a few
// letters. Each byte is read only if the one before is not the end.
bool mayNameEntryPoint(const char *name) {
  if (name[0] == '_')
    return name[1] == 'Z' && (name[2] == 'n' || name[2] == 'd');
  return name[0] && StringRef("mfcrapv").contains(name[0]);
}

std::optional<EntryPoint> findEntryPoint(StringRef symbol) {
  // Most symbols are neither: a cheap test on the first bytes and the
  // length keeps the map out of the way (`check` asks for every symbol of
  // every library of a tree). The operators are at most 38 bytes, the C
  // names at most 18.
  if (symbol.size() < 4 || symbol.size() > 40 ||
      !mayNameEntryPoint(symbol.data()) ||
      (symbol[0] != '_' && symbol.size() > 18))
    return std::nullopt;
  const StringMap<EntryPoint> &map = entryPointMap();
  auto it = map.find(symbol);
  if (it == map.end())
    return std::nullopt;
  return it->second;
}

StringRef entryPointSymbol(EntryPoint e) { return entryPointSymbols[e]; }

std::string entryPointDisplayName(EntryPoint e) {
  return demangle(entryPointSymbols[e].str());
}

// Symbols that only their runtimes define. Not __libc_malloc: tcmalloc and
// mimalloc define it too, to catch glibc-internal calls. libc.so.6 and
// libc.a define __libc_start_main; libstdc++, libsupc++ and libc++ define
// the new-handler functions beside their default operators.
static constexpr Signature signatures[] = {
    {"__libc_start_main", "system", Provider::System},
    {"_ZSt15get_new_handlerv", "system", Provider::System},
    {"_ZSt15set_new_handlerPFvvE", "system", Provider::System},
    {"__asan_init", "asan", Provider::Sanitizer},
    {"__tsan_init", "tsan", Provider::Sanitizer},
    {"__msan_init", "msan", Provider::Sanitizer},
    {"__hwasan_init", "hwasan", Provider::Sanitizer},
    {"__lsan_ignore_object", "lsan", Provider::Sanitizer},
    // compiler-rt's heap profiler interposes the heap like a sanitizer.
    {"__memprof_init", "memprof", Provider::Sanitizer},
    {"mallctl", "jemalloc", Provider::Untagged},
    {"je_mallctl", "jemalloc", Provider::Untagged},
    {"mallocx", "jemalloc", Provider::Untagged},
    {"tc_malloc", "tcmalloc", Provider::Untagged},
    {"_ZN15MallocExtension8instanceEv", "tcmalloc", Provider::Untagged},
    {"mi_malloc", "mimalloc", Provider::Untagged},
    {"mi_version", "mimalloc", Provider::Untagged},
    {"__scudo_print_stats", "scudo", Provider::Untagged},
};

const Signature *findSignature(StringRef definedSymbol) {
  for (const Signature &s : signatures)
    if (s.symbol == definedSymbol)
      return &s;
  return nullptr;
}

void forEachAllocatorSymbol(function_ref<void(StringRef)> fn) {
  for (const StringMapEntry<EntryPoint> &e : entryPointMap())
    fn(e.getKey());
  for (const Signature &s : signatures)
    fn(s.symbol);
}

// A known allocator outranks the system: a static executable holds
// __libc_start_main beside the jemalloc it was linked with. A sanitizer
// runtime outranks both: it owns the heap whatever else is linked.
static int strength(const Signature *s) {
  if (!s)
    return 0;
  switch (s->provider) {
  case Provider::System:
    return 1;
  case Provider::Untagged:
    return 2;
  case Provider::Sanitizer:
    // AddressSanitizer's runtime includes LeakSanitizer's: lsan names a
    // runtime only when no other sanitizer's signature is there.
    return s->name == "lsan" ? 3 : 4;
  }
  llvm_unreachable("unknown provider");
}

const Signature *strongerSignature(const Signature *a, const Signature *b) {
  return strength(b) > strength(a) ? b : a;
}

} // namespace allocsel
