/* bump.h — what the arena example exposes besides the ABI: enough for a
 * program (the conformance suite's probe) to ask whether a block is the
 * arena's. */
#ifndef ALLOCSEL_EXAMPLES_BUMP_H
#define ALLOCSEL_EXAMPLES_BUMP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Nonzero when `ptr` lies in the arena's reservation. */
int allocsel_bump_owns(const void *ptr);

/* Bytes of the arena handed out so far, headers and padding included. */
size_t allocsel_bump_used(void);

#ifdef __cplusplus
}
#endif

#endif /* ALLOCSEL_EXAMPLES_BUMP_H */
