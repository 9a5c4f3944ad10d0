#ifndef GREET_H
#define GREET_H
/* A greeting in a block from the heap; the caller frees it. */
char *greet(const char *name);
#endif
