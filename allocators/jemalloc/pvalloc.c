/*
 * pvalloc.c — the entry point Debian's jemalloc 5.3 lacks.
 *
 * libjemalloc_pic.a defines every C entry point of DESIGN §1 but pvalloc, so a
 * program calling pvalloc gets glibc's block and hands it to jemalloc's free,
 * which crashes (AS008). This member completes the surface on jemalloc's own
 * mallocx, with glibc's rules: the size rounded up to whole pages (one page
 * for 0), page-aligned, ENOMEM on overflow.
 */
#include <errno.h>
#include <jemalloc/jemalloc.h>
#include <stddef.h>
#include <unistd.h>

void *pvalloc(size_t size) {
  long v = sysconf(_SC_PAGESIZE);
  size_t page = v > 0 ? (size_t)v : 4096;
  size_t rounded;
  if (__builtin_add_overflow(size, page - 1, &rounded)) {
    errno = ENOMEM;
    return NULL;
  }
  rounded &= ~(page - 1);
  void *p = mallocx(rounded ? rounded : page, MALLOCX_ALIGN(page));
  if (!p)
    errno = ENOMEM;
  return p;
}
