/* probe.h — which allocator serves malloc in this process?
 *
 * Two facts, read at run time: the object that defines the malloc this code
 * calls (dladdr: the executable, or libc.so.6), and the signature symbols
 * the allocators define next to malloc, declared weak so that a program
 * without them still links (a weak reference never pulls an archive member
 * in: it only sees what the allocator's malloc member already brought). */
#ifndef ALLOCSEL_EXAMPLES_PROBE_H
#define ALLOCSEL_EXAMPLES_PROBE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr; include this header first */
#endif

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif
int mallctl(const char *, void *, size_t *, void *, size_t) __attribute__((weak));
void *tc_malloc(size_t) __attribute__((weak));
unsigned long tally_allocations(void) __attribute__((weak));
#ifdef __cplusplus
}
#endif

static inline void probe_print(const char *who) {
  void *p = malloc(64); /* served by the process's heap */
  Dl_info info;
  const char *where = "?";
  if (dladdr((void *)&malloc, &info) && info.dli_fname) {
    where = strrchr(info.dli_fname, '/');
    where = where ? where + 1 : info.dli_fname;
  }
  /* The signatures are visible only where the allocator is linked; a
   * plugin sees the malloc its host exports. */
  const char *heap = strncmp(where, "libc.so", 7) ? "the host's heap" : "glibc";
  char extra[64] = "";
  if (mallctl) {
    const char *version = "";
    size_t len = sizeof version;
    mallctl("version", &version, &len, NULL, 0);
    heap = "jemalloc";
    snprintf(extra, sizeof extra, " %.*s", (int)strcspn(version, "-"), version);
  } else if (tc_malloc) {
    heap = "tcmalloc";
  } else if (tally_allocations) {
    heap = "tally";
    snprintf(extra, sizeof extra, " (%lu allocations so far)",
             tally_allocations());
  }
  printf("%-10s malloc is %s%s, defined in %s\n", who, heap, extra, where);
  free(p);
}

#endif
