#include "greet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *greet(const char *name) {
  size_t n = strlen(name) + 16;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "hello, %s", name);
  return s;
}
