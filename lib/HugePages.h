//===- HugePages.h - the heap on transparent huge pages ---------*- C++ -*-===//
//
// Modelling a large link fills tens of megabytes of tables at random (the
// 140,000 archive symbols of a link against LLVM's archives), and each
// 4 KiB page first touched costs a page fault: on a virtual machine ~19 µs,
// as much as hashing a few hundred names. Faults were most of the model's
// time. On transparent huge pages the same memory costs one fault per
// 2 MiB. Many distributions enable them only on request ("madvise"), and
// glibc asks only when told by a tunable in the environment, which would
// reach the linker too; so allocsel asks for its own heap.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_HUGEPAGES_H
#define ALLOCSEL_HUGEPAGES_H

namespace allocsel {

// Grows the heap by one large region marked MADV_HUGEPAGE, from which
// malloc then serves large blocks too, and which it keeps. Called first
// thing in main; without huge pages, under an address-space limit too low
// for the region, or under a sanitizer's allocator, the heap is what it
// was.
void useHugePagesForHeap();

} // namespace allocsel

#endif
