//===- HugePages.cpp ------------------------------------------------------===//
#include "HugePages.h"

#include <cstdint>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

namespace allocsel {

void useHugePagesForHeap() {
#if !defined(__SANITIZE_ADDRESS__)
  // The step by which the heap grows, what one madvise covers: memory
  // reserved and never touched costs only address space. A heap that grows
  // past it goes on in ordinary pages (a new region of the break does not
  // inherit the advice). Blocks up to glibc's largest threshold (32 MiB)
  // come from the heap, and the heap is never given back.
  constexpr size_t Step = size_t(256) << 20;
  constexpr uintptr_t HugePage = uintptr_t(2) << 20;
  if (!mallopt(M_TOP_PAD, Step) || !mallopt(M_MMAP_THRESHOLD, 32 << 20) ||
      !mallopt(M_TRIM_THRESHOLD, Step * 2))
    return;
  // Grow the heap now, past what is left of its first region, then advise
  // what it grew by from the first 2 MiB boundary: the kernel backs only
  // whole aligned 2 MiB ranges with a huge page.
  uintptr_t old = reinterpret_cast<uintptr_t>(sbrk(0));
  // (volatile: a compiler may drop a malloc that is freed unused.)
  void *volatile grown = malloc(HugePage);
  free(grown);
  uintptr_t top = reinterpret_cast<uintptr_t>(sbrk(0));
  uintptr_t begin = (old + HugePage - 1) & ~(HugePage - 1);
  if (old != uintptr_t(-1) && top > begin)
    (void)madvise(reinterpret_cast<void *>(begin), top - begin,
                  MADV_HUGEPAGE);
#endif
}

} // namespace allocsel
