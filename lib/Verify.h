//===- Verify.h - read the output back: does it show the decision? --------===//
//
// A linker can silently do something else than asked: take glibc's malloc
// because a shared definition came first, drop a member, export what was
// meant to be private. So the output is read back (DESIGN §3.6): its own
// stamp, the selected allocator's marker, its entry points defined in the
// output (a note alone proves nothing: the marker member can be linked
// while the malloc member is not), DT_NEEDED for a shared-object backed
// allocator, and what .dynsym exports (AS005, AS012). Only that is read
// (ReadMode::Verify): the symbol tables are scanned, not listed.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_VERIFY_H
#define ALLOCSEL_VERIFY_H

#include "Policy.h"

namespace allocsel {

// The findings about the linked output of `model` (AS009, AS005, AS012).
// Fails if the output cannot be read.
llvm::Expected<std::vector<Diagnostic>> verifyOutput(const LinkModel &model,
                                                     const Decision &decision);

} // namespace allocsel

#endif
