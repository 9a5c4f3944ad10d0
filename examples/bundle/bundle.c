#include <stdlib.h>
#include <string.h>

/* A copy of s on the heap. */
char *bundle_copy(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  return p ? memcpy(p, s, n) : NULL;
}
