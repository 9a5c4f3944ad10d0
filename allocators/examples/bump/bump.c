/*
 * bump.c — the arena example: the smallest allocator that is still correct
 * for a threaded, forking process, written on the allocsel ABI. The shim turns
 * these five functions into malloc ... operator delete.
 *
 * One region of address space is reserved with mmap on first use (lazily
 * committed by the kernel: MAP_NORESERVE) and handed out by bumping an
 * offset with compare-and-swap. Each block is preceded by a 16-byte header
 * holding its usable size. Freeing the most recent block rolls the offset
 * back; any other free is a no-op, which is what makes an arena cheap. There
 * is no lock on the allocation path, so fork() in a threaded program cannot
 * leave the child with a lock held by a thread that no longer exists.
 *
 * The ways down are mmap and memcpy only: calling malloc here would go
 * through the shim straight back into allocsel_alloc (rule AS004).
 */
#include <allocsel/allocator.h>

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "bump.h"

#define HEADER 16    /* keeps blocks 16-byte aligned, holds the size */
#define MIN_ALIGN 16 /* alignof(max_align_t): what align 0 promises */

static char *arenaBase;
static size_t arenaSize;
static size_t arenaUsed; /* offset of the first free byte */
static char initLock;

/* The region, reserved once. The first allocation happens during process
 * start-up, before any thread exists, so the spin lock is uncontended in
 * practice; it only guards the reservation, never an allocation. */
static char *arena(void) {
  char *base = __atomic_load_n(&arenaBase, __ATOMIC_ACQUIRE);
  if (base)
    return base;
  while (__atomic_test_and_set(&initLock, __ATOMIC_ACQUIRE))
    ;
  base = arenaBase;
  /* Try large reservations first; strict overcommit may refuse them. */
  for (unsigned shift = 36; !base && shift >= 28; shift -= 2) {
    void *p = mmap(NULL, (size_t)1 << shift, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) {
      arenaSize = (size_t)1 << shift;
      __atomic_store_n(&arenaBase, (char *)p, __ATOMIC_RELEASE);
      base = p;
    }
  }
  __atomic_clear(&initLock, __ATOMIC_RELEASE);
  return base;
}

static size_t *header(void *ptr) { return (size_t *)((char *)ptr - 8); }

static size_t roundUp(size_t x, size_t to) { return (x + to - 1) & ~(to - 1); }

void *allocsel_alloc(size_t size, size_t align) {
  char *base = arena();
  if (!base || size > arenaSize)
    return NULL;
  if (align < MIN_ALIGN)
    align = MIN_ALIGN;
  size_t usable = roundUp(size, 16);
  size_t used = __atomic_load_n(&arenaUsed, __ATOMIC_RELAXED);
  size_t start, end;
  do {
    uintptr_t addr = roundUp((uintptr_t)base + used + HEADER, align);
    start = addr - (uintptr_t)base;
    if (start > arenaSize || arenaSize - start < usable)
      return NULL;
    end = start + usable;
  } while (!__atomic_compare_exchange_n(&arenaUsed, &used, end, 1,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  *header(base + start) = usable;
  return base + start;
}

/* Only the newest block can be given back: roll the offset back if nobody
 * allocated after it. */
void allocsel_dealloc(void *ptr, size_t size, size_t align) {
  (void)size;
  (void)align;
  size_t start = (size_t)((char *)ptr - arenaBase);
  size_t end = start + *header(ptr);
  __atomic_compare_exchange_n(&arenaUsed, &end, start - HEADER, 0,
                              __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* Grows or shrinks the newest block in place; any other block keeps its
 * size, which suffices when shrinking. */
size_t allocsel_realloc_in_place(void *ptr, size_t oldSize, size_t newSize,
                                 size_t align) {
  (void)oldSize;
  (void)align;
  size_t usable = *header(ptr);
  size_t start = (size_t)((char *)ptr - arenaBase);
  size_t wanted = roundUp(newSize, 16);
  size_t end = start + usable;
  if (wanted != usable && newSize <= arenaSize - start &&
      __atomic_compare_exchange_n(&arenaUsed, &end, start + wanted, 0,
                                  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    usable = *header(ptr) = wanted;
  return usable;
}

void *allocsel_realloc(void *ptr, size_t oldSize, size_t newSize,
                       size_t align) {
  size_t usable = allocsel_realloc_in_place(ptr, oldSize, newSize, align);
  if (usable >= newSize)
    return ptr;
  void *p = allocsel_alloc(newSize, align);
  if (p) {
    memcpy(p, ptr, usable);
    allocsel_dealloc(ptr, oldSize, align);
  }
  return p;
}

size_t allocsel_usable_size(void *ptr) { return *header(ptr); }

int allocsel_bump_owns(const void *ptr) {
  const char *base = __atomic_load_n(&arenaBase, __ATOMIC_ACQUIRE);
  return base && (const char *)ptr >= base &&
         (const char *)ptr < base + arenaSize;
}

size_t allocsel_bump_used(void) {
  return __atomic_load_n(&arenaUsed, __ATOMIC_RELAXED);
}
