//===- probe.cpp - Which allocator serves this process's heap -------------===//
//
// The end-to-end tests' probe, after the conformance suite's: allocate a
// block with malloc and with operator new and ask each allocator whether it
// owns it. jemalloc answers `mallctl("arenas.lookup")` for its own blocks
// only; glibc's heap grows by the block's size in mallinfo2.
//
//   probe             prints `probe: malloc: <name>`, `probe: operator new: <name>`
//   probe LIB.so      also dlopens LIB.so (built from plugin.c) and trades
//                     blocks with it both ways: a library on another heap
//                     crashes here or is reported as `plugin: malloc: <name>`
//
//===----------------------------------------------------------------------===//
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <malloc.h>
#include <new>
#include <string>

extern "C" {
__attribute__((weak)) int mallctl(const char *, void *, size_t *, void *,
                                  size_t);
// Weak: in a -static link a reference to mallinfo2 would extract libc.a's
// malloc.o, glibc's whole heap, and clash with the allocator's malloc.
__attribute__((weak)) struct mallinfo2 mallinfo2();
}

namespace {

size_t glibcInUse() {
  if (!mallinfo2)
    return 0;
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

bool jemallocOwns(void *p) {
  if (!mallctl)
    return false;
  unsigned arena;
  size_t len = sizeof(arena);
  return mallctl("arenas.lookup", &arena, &len, &p, sizeof(p)) == 0;
}

// Who owns p, given glibc's heap use before it was allocated.
std::string owner(void *p, size_t before, size_t size) {
  if (mallinfo2 && glibcInUse() >= before + size)
    return "system";
  if (jemallocOwns(p))
    return "jemalloc";
  return "unknown";
}

void escape(void *p) { asm volatile("" : : "r"(p) : "memory"); }

} // namespace

int main(int argc, char **argv) {
  const size_t size = 4000;
  size_t before = glibcInUse();
  void *p = std::malloc(size);
  escape(p);
  std::printf("probe: malloc: %s\n", owner(p, before, size).c_str());
  std::free(p);

  before = glibcInUse();
  p = ::operator new(size);
  escape(p);
  std::printf("probe: operator new: %s\n", owner(p, before, size).c_str());
  ::operator delete(p);

  if (argc > 1) {
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      std::printf("plugin: %s\n", dlerror());
      return 1;
    }
    auto pluginAlloc =
        reinterpret_cast<void *(*)(size_t)>(dlsym(lib, "plugin_alloc"));
    auto pluginFree = reinterpret_cast<void (*)(void *)>(dlsym(lib, "plugin_free"));
    if (!pluginAlloc || !pluginFree) {
      std::printf("plugin: no plugin_alloc/plugin_free\n");
      return 1;
    }
    // The library's block, freed here; this program's block, freed there.
    before = glibcInUse();
    p = pluginAlloc(size);
    std::printf("plugin: malloc: %s\n", owner(p, before, size).c_str());
    std::free(p);
    p = std::malloc(size);
    pluginFree(p);
    std::printf("plugin: blocks traded both ways\n");
  }
  std::printf("probe: done\n");
  return 0;
}
