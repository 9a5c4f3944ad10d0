/* tally.c — the smallest useful allocator on the allocsel ABI: it counts
 * allocations and takes its memory from glibc's heap through __libc_memalign
 * and __libc_free (calling malloc here would come back through the shim:
 * rule AS004). A 16-byte header in front of each block keeps its size. */
#include <allocsel/allocator.h>

#include <string.h>

extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *ptr);

static unsigned long allocations;

unsigned long tally_allocations(void) {
  return __atomic_load_n(&allocations, __ATOMIC_RELAXED);
}

struct header {
  size_t size;   /* usable bytes */
  size_t offset; /* from glibc's block to the user's */
};

static struct header *headerOf(void *ptr) {
  return (struct header *)((char *)ptr - 16);
}

void *allocsel_alloc(size_t size, size_t align) {
  if (align < 16)
    align = 16;
  if (size > (size_t)-1 - align)
    return NULL;
  char *raw = __libc_memalign(align, size + align);
  if (!raw)
    return NULL;
  char *ptr = raw + align;
  *headerOf(ptr) = (struct header){size, align};
  __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
  return ptr;
}

void allocsel_dealloc(void *ptr, size_t size, size_t align) {
  (void)size;
  (void)align;
  __libc_free((char *)ptr - headerOf(ptr)->offset);
}

size_t allocsel_realloc_in_place(void *ptr, size_t oldSize, size_t newSize,
                                 size_t align) {
  (void)oldSize;
  (void)newSize;
  (void)align;
  return headerOf(ptr)->size; /* shrinking fits; growing moves */
}

void *allocsel_realloc(void *ptr, size_t oldSize, size_t newSize,
                       size_t align) {
  size_t have = headerOf(ptr)->size;
  void *p = allocsel_alloc(newSize, align);
  if (!p)
    return NULL;
  memcpy(p, ptr, have < newSize ? have : newSize);
  allocsel_dealloc(ptr, oldSize, align);
  return p;
}

size_t allocsel_usable_size(void *ptr) { return headerOf(ptr)->size; }
