/* heapy.c — a library with an API of its own that also counts the heap by
 * defining malloc & co. Linked as a shared library, its malloc is exported:
 * every program that loads it would allocate through it. */
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static unsigned long count;

void *malloc(size_t n) { ++count; return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { ++count; return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

unsigned long heapy_count(void) { return count; }
