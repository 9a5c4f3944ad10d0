//===- HugePages.cpp ------------------------------------------------------===//
#include "HugePages.h"

#include <cstdint>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

namespace allocsel {

void useHugePagesForHeap() {
#if !defined(__SANITIZE_ADDRESS__)
  // One region of the heap, reserved at once and advised: memory reserved
  // and never touched costs only address space. Past it the heap grows as
  // glibc grows it, in ordinary pages (a new region of the break does not
  // inherit the advice), and under an address-space limit (ulimit -v) that
  // refuses the reservation nothing changes.
  constexpr size_t Region = size_t(256) << 20;
  constexpr uintptr_t HugePage = uintptr_t(2) << 20;
  // mallopt(3)'s defaults, restored when the region cannot be had.
  constexpr int DefaultPad = 128 << 10, DefaultThreshold = 128 << 10;
  uintptr_t old = reinterpret_cast<uintptr_t>(sbrk(0));
  // Blocks up to glibc's largest threshold (32 MiB) come from the heap
  // rather than from mappings of their own, and the heap is never given
  // back: this first block neither.
  if (old == uintptr_t(-1) || !mallopt(M_TOP_PAD, Region) ||
      !mallopt(M_MMAP_THRESHOLD, 32 << 20) ||
      !mallopt(M_TRIM_THRESHOLD, 2 * Region))
    return;
  // (volatile: a compiler may drop a malloc that is freed unused.)
  void *volatile grown = malloc(HugePage);
  free(grown);
  mallopt(M_TOP_PAD, DefaultPad);
  uintptr_t top = reinterpret_cast<uintptr_t>(sbrk(0));
  if (top == uintptr_t(-1) || top - old < Region) {
    mallopt(M_MMAP_THRESHOLD, DefaultThreshold);
    mallopt(M_TRIM_THRESHOLD, DefaultThreshold);
    return;
  }
  // From the first 2 MiB boundary: the kernel backs only whole aligned
  // 2 MiB ranges with a huge page. What lies below it would be served in
  // ordinary pages, a fault each: it is set aside, allocated and never
  // touched (it costs address space only).
  uintptr_t begin = (old + HugePage - 1) & ~(HugePage - 1);
  (void)madvise(reinterpret_cast<void *>(begin), top - begin, MADV_HUGEPAGE);
  if (begin - old > HugePage / 16) {
    void *volatile setAside = malloc(begin - old);
    (void)setAside;
  }
#endif
}

} // namespace allocsel
