//===- shim_cxx.cpp - The C++ operators on the allocsel ABI --------------===//
//
// Every replaceable operator new/new[]/delete/delete[] of ISO C++17 (plain,
// nothrow, sized, align_val_t and their combinations: twenty functions) on the
// five allocsel ABI functions.
//
// This is a member of its own, apart from the C surface, so that a plain C
// link never extracts it and never needs libstdc++; a link that uses any
// operator extracts all twenty, so new and delete always come from the same
// heap (AS008). Like shim.c it references only the ABI and the C++ runtime's
// new_handler and exception machinery, never an entry point.
//
// Semantics are ISO C++'s ([new.delete]) as libstdc++ implements them: new of
// 0 bytes returns a unique pointer; on failure the new_handler is called in a
// loop until it is null, then std::bad_alloc is thrown; the nothrow forms
// return null where the throwing form would throw; sized and aligned deletes
// hand size and alignment through to allocsel_dealloc.
//
//===----------------------------------------------------------------------===//

#include <allocsel/allocator.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace {

// One attempt; sizes beyond PTRDIFF_MAX fail before reaching the allocator,
// as in the C surface.
void *tryAllocate(std::size_t size, std::size_t align) noexcept {
  if (size > PTRDIFF_MAX || align > PTRDIFF_MAX)
    return nullptr;
  return allocsel_alloc(size ? size : 1, align);
}

// The throwing operator new: retry after each new_handler call, throw once
// there is none. A handler may itself throw (bad_alloc), which propagates.
void *allocateOrThrow(std::size_t size, std::size_t align) {
  for (;;) {
    if (void *p = tryAllocate(size, align))
      return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler)
      throw std::bad_alloc();
    handler();
  }
}

// The nothrow forms: ISO C++ defines them as the throwing form with any
// exception turned into a null result, new_handler loop included.
void *allocateOrNull(std::size_t size, std::size_t align) noexcept {
  try {
    return allocateOrThrow(size, align);
  } catch (...) {
    return nullptr;
  }
}

void release(void *ptr, std::size_t size, std::size_t align) noexcept {
  if (ptr)
    allocsel_dealloc(ptr, size, align);
}

std::size_t alignOf(std::align_val_t align) noexcept {
  return static_cast<std::size_t>(align);
}

} // namespace

void *operator new(std::size_t size) { return allocateOrThrow(size, 0); }
void *operator new[](std::size_t size) { return allocateOrThrow(size, 0); }

void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
  return allocateOrNull(size, 0);
}
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept {
  return allocateOrNull(size, 0);
}

void *operator new(std::size_t size, std::align_val_t align) {
  return allocateOrThrow(size, alignOf(align));
}
void *operator new[](std::size_t size, std::align_val_t align) {
  return allocateOrThrow(size, alignOf(align));
}

void *operator new(std::size_t size, std::align_val_t align,
                   const std::nothrow_t &) noexcept {
  return allocateOrNull(size, alignOf(align));
}
void *operator new[](std::size_t size, std::align_val_t align,
                     const std::nothrow_t &) noexcept {
  return allocateOrNull(size, alignOf(align));
}

void operator delete(void *ptr) noexcept { release(ptr, 0, 0); }
void operator delete[](void *ptr) noexcept { release(ptr, 0, 0); }

void operator delete(void *ptr, const std::nothrow_t &) noexcept {
  release(ptr, 0, 0);
}
void operator delete[](void *ptr, const std::nothrow_t &) noexcept {
  release(ptr, 0, 0);
}

void operator delete(void *ptr, std::size_t size) noexcept {
  release(ptr, size, 0);
}
void operator delete[](void *ptr, std::size_t size) noexcept {
  release(ptr, size, 0);
}

void operator delete(void *ptr, std::align_val_t align) noexcept {
  release(ptr, 0, alignOf(align));
}
void operator delete[](void *ptr, std::align_val_t align) noexcept {
  release(ptr, 0, alignOf(align));
}

void operator delete(void *ptr, std::align_val_t align,
                     const std::nothrow_t &) noexcept {
  release(ptr, 0, alignOf(align));
}
void operator delete[](void *ptr, std::align_val_t align,
                       const std::nothrow_t &) noexcept {
  release(ptr, 0, alignOf(align));
}

void operator delete(void *ptr, std::size_t size,
                     std::align_val_t align) noexcept {
  release(ptr, size, alignOf(align));
}
void operator delete[](void *ptr, std::size_t size,
                       std::align_val_t align) noexcept {
  release(ptr, size, alignOf(align));
}
