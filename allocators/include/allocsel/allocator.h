/*
 * allocsel/allocator.h — the one definition of allocsel's ELF notes and of
 * the allocator ABI.
 *
 * Every allocator archive carries a marker: an ELF note in `.note.allocsel`
 * (SHT_NOTE, SHF_ALLOC, 4-byte aligned, owner "allocsel") and a global anchor
 * symbol. The anchor makes the allocator visible in an archive's symbol index
 * and in LTO symbol tables without reading members; the note travels into the
 * linked output, where it can be verified. The C++ library of allocsel reads
 * and writes exactly the layout defined here.
 *
 * Note layout, in the target's byte order:
 *
 *   u32 n_namesz = 9            ("allocsel\0")
 *   u32 n_descsz                (descriptor size, padding to 4 included;
 *                                readers also accept it without)
 *   u32 n_type                  (ALLOCSEL_NT_*)
 *   char name[12] = "allocsel"  (padded to 4)
 *   descriptor:
 *     ALLOCSEL_NT_ALLOCATOR:        u32 version, u32 flags, name\0 [, libs\0]
 *     ALLOCSEL_NT_NEEDS_ALLOCATOR:  u32 version, u32 flags = 0, name\0
 *     ALLOCSEL_NT_SELECTION:        u32 version, u32 flags, u32 kind, u32 how,
 *                                   allocator\0, tool_version\0
 *
 * Names are [A-Za-z0-9_]+, at most ALLOCSEL_NAME_MAX bytes.
 *
 * Two pitfalls decide how the markers are emitted. A marker in a COMDAT group
 * is discarded by bfd and lld under --gc-sections, and a `.note.allocsel`
 * that any input gives the type PROGBITS makes lld merge the output section
 * into PROGBITS, so the notes vanish from PT_NOTE. The macros below therefore
 * emit the note from a top-level assembler statement with an explicit
 * `%note` type into a plain (non-group) section: the compiler cannot place it
 * in a COMDAT group or infer its type. Use them at file scope of a non-LTO
 * translation unit.
 */
#ifndef ALLOCSEL_ALLOCATOR_H
#define ALLOCSEL_ALLOCATOR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Notes -------------------------------------------------------------- */

#define ALLOCSEL_NOTE_SECTION ".note.allocsel"
#define ALLOCSEL_NOTE_OWNER "allocsel"
#define ALLOCSEL_NOTE_OWNER_SIZE 9 /* n_namesz: the owner and its NUL */
#define ALLOCSEL_NOTE_VERSION 1
#define ALLOCSEL_NAME_MAX 63

/* n_type values. */
#define ALLOCSEL_NT_ALLOCATOR 1
#define ALLOCSEL_NT_NEEDS_ALLOCATOR 2
#define ALLOCSEL_NT_SELECTION 3

/* Allocator flags: bits 0-1 the class, bit 2 built on the allocsel ABI. */
#define ALLOCSEL_CLASS_MASK 0x3
#define ALLOCSEL_CLASS_OVERRIDING 0
#define ALLOCSEL_CLASS_DEFERRING 1
#define ALLOCSEL_CLASS_SHARED_OBJECT 2
#define ALLOCSEL_FLAG_ABI 0x4

/* Selection stamp: the artifact kind. */
#define ALLOCSEL_KIND_EXECUTABLE 1
#define ALLOCSEL_KIND_SHARED_LIBRARY 2
#define ALLOCSEL_KIND_STATIC_LIBRARY 3

/* Selection stamp: how the allocator was chosen. */
#define ALLOCSEL_HOW_NONE 0 /* the artifact needs no allocator */
#define ALLOCSEL_HOW_DEFAULT 1
#define ALLOCSEL_HOW_EXPLICIT 2
#define ALLOCSEL_HOW_FOUND 3 /* found among the link's inputs */

/* Selection stamp flags. */
#define ALLOCSEL_STAMP_EXPORT_ALLOCATOR 0x1
#define ALLOCSEL_STAMP_PRIVATE 0x2
#define ALLOCSEL_STAMP_WARN_MODE 0x4

/* The anchor symbols' prefixes; the allocator's or library's name follows. */
#define ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX "__allocsel_allocator_"
#define ALLOCSEL_NEEDS_ALLOCATOR_ANCHOR_PREFIX "__allocsel_needs_allocator_"

/* The fixed part of every note: header and padded owner name. */
struct allocsel_note_header {
  unsigned int n_namesz;
  unsigned int n_descsz;
  unsigned int n_type;
  char n_name[12];
};

/* The fixed parts of the descriptors; the strings follow them. */
struct allocsel_allocator_desc {
  unsigned int version;
  unsigned int flags;
};

struct allocsel_selection_desc {
  unsigned int version;
  unsigned int flags;
  unsigned int kind;
  unsigned int how;
};

#define ALLOCSEL_STR_(x) #x
#define ALLOCSEL_STR(x) ALLOCSEL_STR_(x)

/* One note in `.note.allocsel`: owner, type, then `desc` (assembler lines)
 * padded to 4. The anchor labels the note so that -u keeps its member. */
#define ALLOCSEL_EMIT_NOTE_(anchor, type, desc)                                \
  __asm__(".pushsection " ALLOCSEL_NOTE_SECTION ",\"a\",%note\n"               \
          ".balign 4\n"                                                        \
          ".globl " anchor "\n"                                                \
          ".hidden " anchor "\n"                                               \
          ".type " anchor ",%object\n" anchor ":\n"                            \
          ".long " ALLOCSEL_STR(ALLOCSEL_NOTE_OWNER_SIZE) "\n"                 \
          ".long 2f - 1f\n"                                                    \
          ".long " ALLOCSEL_STR(type) "\n"                                     \
          ".asciz \"" ALLOCSEL_NOTE_OWNER "\"\n"                               \
          ".balign 4\n"                                                        \
          "1:\n" desc ".balign 4\n"                                            \
          "2:\n"                                                               \
          ".size " anchor ", 2b - " anchor "\n"                                \
          ".popsection\n")

/*
 * ALLOCSEL_ALLOCATOR_MARKER(name, flags, libs): the marker of allocator
 * `name` (an identifier), with `flags` (ALLOCSEL_CLASS_* | ALLOCSEL_FLAG_ABI,
 * an integer constant expression the assembler can evaluate) and `libs`, a
 * string literal: the libraries, space-separated as for -l, that the
 * allocator needs after its archive ("" for none). Defines the anchor
 * `__allocsel_allocator_<name>`.
 */
#define ALLOCSEL_ALLOCATOR_MARKER(name, flags, libs)                           \
  ALLOCSEL_EMIT_NOTE_(ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX #name,                  \
                      ALLOCSEL_NT_ALLOCATOR,                                   \
                      ".long " ALLOCSEL_STR(ALLOCSEL_NOTE_VERSION) "\n"        \
                      ".long " ALLOCSEL_STR(flags) "\n"                        \
                      ".asciz \"" #name "\"\n"                                 \
                      ".asciz \"" libs "\"\n")

/*
 * ALLOCSEL_NEEDS_ALLOCATOR_MARKER(lib): declares that library `lib` consumes
 * the allocator (like Rust's liballoc). Defines the anchor
 * `__allocsel_needs_allocator_<lib>`.
 */
#define ALLOCSEL_NEEDS_ALLOCATOR_MARKER(lib)                                   \
  ALLOCSEL_EMIT_NOTE_(ALLOCSEL_NEEDS_ALLOCATOR_ANCHOR_PREFIX #lib,             \
                      ALLOCSEL_NT_NEEDS_ALLOCATOR,                             \
                      ".long " ALLOCSEL_STR(ALLOCSEL_NOTE_VERSION) "\n"        \
                      ".long 0\n"                                              \
                      ".asciz \"" #lib "\"\n")

/* ---- The allocator ABI -------------------------------------------------- */
/*
 * The five functions of Rust's original allocator crates. An allocator built
 * on the allocsel ABI defines them; the shim (allocators/shim) builds the
 * whole C and C++ allocation surface (malloc ... operator delete) on them,
 * with glibc's and ISO C++'s semantics: errno, overflow checks, realloc(p, 0),
 * alignment validation, the new_handler loop and std::bad_alloc all live in
 * the shim, so these functions only manage memory. docs/writing-an-allocator.md
 * is the guide.
 *
 * A size or an alignment of 0 means "unknown": C `free` and `realloc` do not
 * know the block's size, `malloc` asks for no particular alignment (the
 * allocator then guarantees alignof(max_align_t), 16 on x86-64 and aarch64).
 * Alignments that are not 0 are powers of two; they may be smaller than 16
 * (aligned operator new of a small type) and reach up to the page size and
 * beyond (memalign, valloc, over-aligned C++ types). The shim never passes a
 * size or alignment above PTRDIFF_MAX.
 *
 * The functions are called from any thread, concurrently, and in the child of
 * a fork() made while other threads were inside them: they must be
 * thread-safe, and fork-safe (no lock a vanished thread could hold, or
 * pthread_atfork handlers that take and release it).
 *
 * None of these functions may call an allocation entry point (malloc,
 * operator new, ...): the shim would turn the call back into this ABI, an
 * endless recursion (rule AS004). mmap, or glibc's __libc_malloc and friends,
 * are the ways down. An allocator that may be linked into a shared library
 * must not use initial-exec TLS (rule AS011: dlopen of that library can fail
 * with "cannot allocate memory in static TLS block").
 */

/* A block of at least `size` bytes aligned to `align`, or NULL (the shim sets
 * errno). `size` is never 0: the shim turns malloc(0) into a request for 1
 * byte. */
void *allocsel_alloc(size_t size, size_t align);

/* Frees `ptr` (never NULL), allocated with `size` and `align`, or 0 where
 * unknown: sized and aligned operator delete pass the values of the matching
 * new through, C free passes 0 for both. Must not change errno visibly (the
 * shim saves it anyway). */
void allocsel_dealloc(void *ptr, size_t size, size_t align);

/* Resizes `ptr` (never NULL) to `new_size` (never 0) keeping `align` (0 for
 * C realloc: the block's original alignment need not be kept beyond
 * alignof(max_align_t), as in glibc); the first min(old, new) bytes are
 * preserved. Returns the block, moved or not, or NULL leaving the old one
 * untouched. `old_size` is 0 when unknown. */
void *allocsel_realloc(void *ptr, size_t old_size, size_t new_size,
                       size_t align);

/* Tries to resize `ptr` without moving it; returns the usable size after
 * the attempt: it succeeded when that is at least `new_size`. Never moves
 * the block and never fails otherwise; returning the current usable size is
 * a correct (if lazy) implementation. */
size_t allocsel_realloc_in_place(void *ptr, size_t old_size, size_t new_size,
                                 size_t align);

/* The number of bytes usable at `ptr` (never NULL), at least the size that
 * was asked for; malloc_usable_size reports it, and callers may write all of
 * it. */
size_t allocsel_usable_size(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* ALLOCSEL_ALLOCATOR_H */
