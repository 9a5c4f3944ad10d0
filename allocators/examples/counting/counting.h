/* counting.h — the counters of the counting example, for programs that link
 * it (the conformance suite's probe reads them). */
#ifndef ALLOCSEL_EXAMPLES_COUNTING_H
#define ALLOCSEL_EXAMPLES_COUNTING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct allocsel_counting_stats {
  size_t allocs;             /* allocsel_alloc calls that succeeded */
  size_t deallocs;           /* allocsel_dealloc calls */
  size_t reallocs;           /* allocsel_realloc calls */
  size_t bytes_allocated;    /* bytes handed out, realloc growth included */
  size_t bytes_freed;        /* bytes given back */
  size_t sized_deallocs;     /* deallocs that were told the size */
  size_t aligned_deallocs;   /* deallocs that were told the alignment */
  size_t last_dealloc_size;  /* size and alignment the last dealloc was */
  size_t last_dealloc_align; /* told, 0 for unknown */
};

/* A snapshot of the counters (each read atomically). */
void allocsel_counting_stats(struct allocsel_counting_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* ALLOCSEL_EXAMPLES_COUNTING_H */
