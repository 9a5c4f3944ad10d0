//===- Rewrite.h - the linker command that carries the decision -----------===//
//
// The decision reaches the real linker as arguments added to its command
// line, nothing removed (DESIGN §3.5): the stamp object and the selected
// allocator's archive, inserted before the first library so that they come
// before every shared definition of malloc (glibc's, in -lc); `-u` for the
// allocator's anchor and for the entry points the link can use, so that its
// members are extracted even where an LTO symbol table hides a reference
// (GCC's omits malloc); the libraries the allocator needs; private binding
// for a shared library, exported entry points for an executable.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_REWRITE_H
#define ALLOCSEL_REWRITE_H

#include "Policy.h"

#include <string>
#include <vector>

namespace allocsel {

// The linker's arguments (without the program name) with the decision
// added. `stampPath` is the stamp object's file; empty for none (-r).
std::vector<std::string> rewriteLinkArgs(const LinkModel &model,
                                         const Decision &decision,
                                         llvm::StringRef stampPath);

} // namespace allocsel

#endif
