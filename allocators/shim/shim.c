/*
 * shim.c — the C allocation surface (DESIGN §1: malloc free calloc realloc
 * aligned_alloc posix_memalign memalign valloc pvalloc malloc_usable_size) on
 * the five allocsel ABI functions, with glibc's semantics.
 *
 * This is one archive member on purpose: a link that references any C entry
 * point extracts all of them, so an ABI allocator never leaves a partial
 * surface (AS008) for glibc to fill in. Every function here references only
 * the ABI and plain libc helpers (errno, memset, sysconf), never another entry
 * point: that is how rule AS004 recognises the shim's members, and it keeps
 * the shim from allocating anything of its own.
 *
 * Where glibc versions differ, the shim follows the newer, ISO-conforming
 * behaviour; each such choice is noted at the function.
 */
#include <allocsel/allocator.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* glibc's MALLOC_ALIGNMENT on the 64-bit targets: what malloc guarantees.
 * Requests for at most this much alignment are plain mallocs, as in glibc's
 * _mid_memalign. */
#define SHIM_MIN_ALIGN (_Alignof(max_align_t))

static int isPowerOf2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

static size_t pageSize(void) {
  static size_t cached;
  size_t page = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (page == 0) {
    long v = sysconf(_SC_PAGESIZE);
    page = v > 0 ? (size_t)v : 4096;
    __atomic_store_n(&cached, page, __ATOMIC_RELAXED);
  }
  return page;
}

/* One allocation attempt with glibc's failure convention: NULL and ENOMEM.
 * Sizes above PTRDIFF_MAX fail up front, as in glibc (pointer differences
 * within the block must be representable), so no allocator sees them. A size
 * of 0 asks for 1 byte: malloc(0) returns a unique pointer in glibc. */
static void *allocate(size_t size, size_t align) {
  if (size > PTRDIFF_MAX || align > PTRDIFF_MAX) {
    errno = ENOMEM;
    return NULL;
  }
  if (align <= SHIM_MIN_ALIGN)
    align = 0;
  void *p = allocsel_alloc(size ? size : 1, align);
  if (!p)
    errno = ENOMEM;
  return p;
}

void *malloc(size_t size) { return allocate(size, 0); }

/* glibc 2.33 and later keep errno across free; so does the shim, whatever the
 * allocator's dealloc does. */
static void release(void *ptr) {
  if (!ptr)
    return;
  int saved = errno;
  allocsel_dealloc(ptr, 0, 0);
  errno = saved;
}

void free(void *ptr) { release(ptr); }

void *calloc(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = allocate(total, 0);
  if (p)
    memset(p, 0, total);
  return p;
}

/* glibc (REALLOC_ZERO_BYTES_FREES): realloc(p, 0) frees p and returns NULL,
 * errno untouched; realloc(NULL, n) is malloc(n). On failure the old block
 * stays valid. glibc's reallocarray checks the multiplication and then calls
 * this realloc, so it needs nothing of its own here. The entry points call
 * static helpers, never each other, so the member's only references are the
 * ABI and libc. */
void *realloc(void *ptr, size_t size) {
  if (!ptr)
    return allocate(size, 0);
  if (size == 0) {
    release(ptr);
    return NULL;
  }
  if (size > PTRDIFF_MAX) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = allocsel_realloc(ptr, 0, size, 0);
  if (!p)
    errno = ENOMEM;
  return p;
}

/* glibc's memalign: an alignment up to malloc's is a malloc; one that is not
 * a power of two is rounded up to the next; one above SIZE_MAX/2 + 1 is
 * EINVAL. */
static void *alignedAllocate(size_t align, size_t size) {
  if (align <= SHIM_MIN_ALIGN)
    return allocate(size, 0);
  if (align > SIZE_MAX / 2 + 1) {
    errno = EINVAL;
    return NULL;
  }
  if (!isPowerOf2(align)) {
    size_t a = SHIM_MIN_ALIGN;
    while (a < align)
      a <<= 1;
    align = a;
  }
  return allocate(size, align);
}

void *memalign(size_t align, size_t size) {
  return alignedAllocate(align, size);
}

/* ISO C11 (DR 460) and glibc 2.38 and later: an alignment that is not a power
 * of two fails with EINVAL. glibc up to 2.37 made aligned_alloc an alias of
 * memalign and rounded it up instead; the conformance suite accepts both. */
void *aligned_alloc(size_t align, size_t size) {
  if (!isPowerOf2(align)) {
    errno = EINVAL;
    return NULL;
  }
  return alignedAllocate(align, size);
}

/* POSIX: the result is returned, never stored in errno, and *ptr is left
 * alone on failure. An alignment must be a power of two multiple of
 * sizeof(void *). */
int posix_memalign(void **ptr, size_t align, size_t size) {
  if (!isPowerOf2(align) || align % sizeof(void *) != 0)
    return EINVAL;
  int saved = errno;
  void *p = allocate(size, align);
  errno = saved;
  if (!p)
    return ENOMEM;
  *ptr = p;
  return 0;
}

void *valloc(size_t size) { return allocate(size, pageSize()); }

/* pvalloc rounds the size up to whole pages (overflow: ENOMEM). pvalloc(0)
 * gives one page, so the rounded size is always usable. */
void *pvalloc(size_t size) {
  size_t page = pageSize();
  size_t rounded;
  if (__builtin_add_overflow(size, page - 1, &rounded)) {
    errno = ENOMEM;
    return NULL;
  }
  rounded &= ~(page - 1);
  return allocate(rounded ? rounded : page, page);
}

size_t malloc_usable_size(void *ptr) {
  return ptr ? allocsel_usable_size(ptr) : 0;
}
