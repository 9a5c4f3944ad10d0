//===- Rewrite.h - the linker command that carries the decision -----------===//
//
// The decision reaches the real linker as arguments added to its command
// line, nothing removed (DESIGN §3.5): the stamp object and the selected
// allocator's archive, inserted before the first library so that they come
// before every shared definition of malloc (glibc's, in -lc); `-u` for the
// allocator's anchor and for the entry points the link can use, so that its
// members are extracted even where an LTO symbol table hides a reference
// (GCC's omits malloc); the libraries the allocator's marker names, right
// after its archive, whether allocsel adds it or the command names it;
// private binding for a shared library, exported entry points for an
// executable.
//
// The command keeps its response files. Build systems and drivers use them
// because the link line would not fit into the kernel's argument limit
// (CMake and ninja's rspfile for thousands of objects; collect2 passes ld
// the whole line as one `@/tmp/ccXXXXXX` whenever it was given a response
// file; clang writes one when the line exceeds 64 KiB). So the linker gets
// the arguments as given, `@file` references included, with the additions
// where they belong. Where that is inside a response file (the first
// library is listed in one, as with collect2), allocsel cannot insert into
// the user's file: each such `@file` is replaced by a response file of
// allocsel's own, the same arguments (nested files expanded) with the
// additions in place, written next to the output and removed after the
// link like the stamp. docs/design-decisions.md has the reasoning.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_REWRITE_H
#define ALLOCSEL_REWRITE_H

#include "Exec.h"
#include "Policy.h"

#include "llvm/ADT/STLExtras.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

// The rewritten command in the form the linker gets it.
struct RewrittenCommand {
  // The arguments without the program name: those given, response file
  // references included, with the additions.
  std::vector<std::string> args;

  // Where additions land inside one of the command's response files:
  // `args[index]`, that file's reference as given, is to be replaced by a
  // reference to a response file of allocsel's own holding `args`. In the
  // order of `index`.
  struct ResponseFile {
    size_t index = 0;
    std::vector<std::string> args;
  };
  std::vector<ResponseFile> responseFiles;

  // The arguments with allocsel's response files inlined in their places:
  // what the linker reads, the command's own `@file` references kept.
  std::vector<std::string> inlined() const;
};

// The command of `model` with the decision added. `stampPath` is the stamp
// object's file; empty for none (-r).
RewrittenCommand rewriteLinkCommand(const LinkModel &model,
                                    const Decision &decision,
                                    llvm::StringRef stampPath);

// The text of a response file holding `args`, one a line, each quoted as
// GNU ld and gold (libiberty), lld (GNU tokenization) and mold all read it
// back.
std::string responseFileText(llvm::ArrayRef<std::string> args);

// A file allocsel adds to a link of `output`: created in the output's
// directory under a unique name, `.allocsel-<stem>-%%%%%%%%<extension>`.
// This is its pattern for llvm::sys::fs::TempFile, each `%` a random
// character (--dry-run shows them as X).
std::string linkFilePattern(llvm::StringRef output, llvm::StringRef stem,
                            llvm::StringRef extension);

// `allocsel link --dry-run`: prints on stdout the decision in one line,
//   executable 'app': allocator jemalloc (default)
// then has `runLinker` show the command the link would run (the stamp
// named by its pattern, allocsel's response file inlined). Nothing is
// written.
ProcessStatus dryRunLink(
    const LinkModel &model, const Decision &decision,
    llvm::function_ref<ProcessStatus(llvm::ArrayRef<std::string>)> runLinker);

} // namespace allocsel

#endif
