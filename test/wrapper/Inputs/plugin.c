/* A library loaded with dlopen by probe.cpp: its malloc and free must be the
   executable's. */
#include <stdlib.h>

void *plugin_alloc(size_t n) {
  void *p = malloc(n);
  __asm__ volatile("" : : "r"(p) : "memory");
  return p;
}

void plugin_free(void *p) { free(p); }
