/*
 * counting.c — the counting example: an allocator on the allocsel ABI that
 * counts calls and bytes and gets its memory from glibc's heap.
 *
 * The way down is glibc's __libc_malloc, __libc_memalign, __libc_realloc and
 * __libc_free: calling malloc here would go through the shim and come straight
 * back (rule AS004). glibc 2.36 exports no __libc_malloc_usable_size, and its
 * malloc_usable_size is the shim's in this process, so each block carries a
 * 16-byte header with its size and its distance from glibc's block.
 *
 * glibc's malloc.o defines malloc next to __libc_malloc, so this allocator
 * cannot be linked with -static (the "multiple definition" clash DESIGN §2
 * describes); dynamically linked it is fine.
 */
#include <allocsel/allocator.h>

#include <string.h>

#include "counting.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

#define HEADER 16 /* keeps malloc's 16-byte alignment */

struct header {
  size_t size;   /* usable bytes */
  size_t offset; /* from glibc's block to the user's */
};

static struct allocsel_counting_stats stats;

static void count(size_t *counter, size_t n) {
  __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static struct header *headerOf(void *ptr) {
  return (struct header *)((char *)ptr - HEADER);
}

void *allocsel_alloc(size_t size, size_t align) {
  if (align < HEADER)
    align = HEADER;
  /* The header fits in the alignment padding in front of the block. */
  if (size > (size_t)-1 - align)
    return NULL;
  char *raw = align == HEADER ? __libc_malloc(size + HEADER)
                              : __libc_memalign(align, size + align);
  if (!raw)
    return NULL;
  char *ptr = raw + align;
  *headerOf(ptr) = (struct header){size, align};
  count(&stats.allocs, 1);
  count(&stats.bytes_allocated, size);
  return ptr;
}

void allocsel_dealloc(void *ptr, size_t size, size_t align) {
  struct header *h = headerOf(ptr);
  count(&stats.deallocs, 1);
  count(&stats.bytes_freed, h->size);
  if (size)
    count(&stats.sized_deallocs, 1);
  if (align)
    count(&stats.aligned_deallocs, 1);
  __atomic_store_n(&stats.last_dealloc_size, size, __ATOMIC_RELAXED);
  __atomic_store_n(&stats.last_dealloc_align, align, __ATOMIC_RELAXED);
  __libc_free((char *)ptr - h->offset);
}

size_t allocsel_realloc_in_place(void *ptr, size_t oldSize, size_t newSize,
                                 size_t align) {
  (void)oldSize;
  (void)align;
  /* The block keeps its size: shrinking succeeds, growing would need
   * glibc's internals. */
  (void)newSize;
  return headerOf(ptr)->size;
}

void *allocsel_realloc(void *ptr, size_t oldSize, size_t newSize,
                       size_t align) {
  struct header *h = headerOf(ptr);
  count(&stats.reallocs, 1);
  if (h->offset == HEADER && align <= HEADER) {
    /* A malloc-aligned block: glibc may resize it where it is. */
    if (newSize > (size_t)-1 - HEADER)
      return NULL;
    size_t old = h->size;
    char *raw = __libc_realloc(h, newSize + HEADER);
    if (!raw)
      return NULL;
    ((struct header *)raw)->size = newSize;
    count(&stats.bytes_allocated, newSize);
    count(&stats.bytes_freed, old);
    return raw + HEADER;
  }
  /* An over-aligned block: glibc's realloc would not keep the alignment. */
  void *p = allocsel_alloc(newSize, align ? align : h->offset);
  if (!p)
    return NULL;
  memcpy(p, ptr, h->size < newSize ? h->size : newSize);
  allocsel_dealloc(ptr, oldSize, align);
  return p;
}

size_t allocsel_usable_size(void *ptr) { return headerOf(ptr)->size; }

void allocsel_counting_stats(struct allocsel_counting_stats *out) {
  out->allocs = __atomic_load_n(&stats.allocs, __ATOMIC_RELAXED);
  out->deallocs = __atomic_load_n(&stats.deallocs, __ATOMIC_RELAXED);
  out->reallocs = __atomic_load_n(&stats.reallocs, __ATOMIC_RELAXED);
  out->bytes_allocated =
      __atomic_load_n(&stats.bytes_allocated, __ATOMIC_RELAXED);
  out->bytes_freed = __atomic_load_n(&stats.bytes_freed, __ATOMIC_RELAXED);
  out->sized_deallocs =
      __atomic_load_n(&stats.sized_deallocs, __ATOMIC_RELAXED);
  out->aligned_deallocs =
      __atomic_load_n(&stats.aligned_deallocs, __ATOMIC_RELAXED);
  out->last_dealloc_size =
      __atomic_load_n(&stats.last_dealloc_size, __ATOMIC_RELAXED);
  out->last_dealloc_align =
      __atomic_load_n(&stats.last_dealloc_align, __ATOMIC_RELAXED);
}
