//===- CommandLine.h - the ld command line as the linker reads it --------===//
//
// The linker's argv (as gcc's collect2 or clang hand it to ld.bfd, ld.gold,
// ld.lld or ld.mold) read the way the linker reads it: response files
// expanded, every option that takes a value skipped together with its value,
// and the inputs listed in order with the positional state in force where
// each appears (`--as-needed`, `-Bstatic`, `--whole-archive`, groups), like
// lld's `createFiles` (lld/ELF/Driver.cpp). Library search and symbol
// resolution build on this; they are not done here.
//
// Options the model does not know pass through untouched. Options it knows
// but cannot follow (a full linker script given with -T, --just-symbols, ...)
// are listed in LinkCommand::warnings as
//   cannot model option X; the decision may be incomplete
// so that a decision is never silently based on a guess.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_COMMANDLINE_H
#define ALLOCSEL_COMMANDLINE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace allocsel {

// The linker whose command line (and later, whose resolution rules) is
// imitated.
enum class Flavour { Bfd, Gold, Lld, Mold };

// "bfd", "gold", "lld", "mold": the JSON spellings (DESIGN §4).
llvm::StringRef flavourName(Flavour f);

// The flavour of a linker program or of a `-fuse-ld=` value: `ld`, `ld.bfd`,
// `ld.gold`, `gold`, `ld.lld`, `lld`, `ld.mold`, `mold`, also with a
// directory, a target prefix (`x86_64-linux-gnu-ld.gold`) or a version
// suffix (`ld.lld-14`). Plain `ld` is bfd here; whether the `ld` on a system
// is really bfd is for the caller to ask the program itself
// (flavourFromVersionText). None for a name that is not a linker.
std::optional<Flavour> flavourFromName(llvm::StringRef program);

// The flavour announced by the first line of a linker's `--version`:
// "GNU ld ...", "GNU gold ...", "... LLD 14.0.6 ...", "mold 1.10.1 ...".
std::optional<Flavour> flavourFromVersionText(llvm::StringRef versionText);

// One input of the link, where it appears on the command line.
struct LinkInput {
  enum class Kind {
    File,        // a path: object, archive, shared object or linker script
    Library,     // -lNAME, --library=NAME: searched as libNAME.so / libNAME.a
    LibraryFile, // -l:FILE: searched for FILE by its exact name
  };
  Kind kind = Kind::File;
  std::string name; // the path, NAME or FILE, as written
  // The positional state in force where the input appears.
  bool asNeeded = false;     // --as-needed
  bool isStatic = false;     // -Bstatic (or -static, -dn, -non_shared)
  bool wholeArchive = false; // --whole-archive
  int group = 0;             // --start-group ... --end-group, numbered from 1
  int lib = 0;               // --start-lib ... --end-lib, numbered from 1
  // Where it is in LinkCommand::args: [argIndex, argEnd), two arguments
  // for `-l NAME`.
  size_t argIndex = 0;
  size_t argEnd = 0;

  // As it would be written on a command line: the path, `-lNAME`, `-l:FILE`.
  std::string spelling() const;
};

// `--defsym symbol=expression`.
struct SymbolDefinition {
  std::string symbol;
  std::string expression;
};

// Everything the rest of allocsel needs to know about one link command.
struct LinkCommand {
  enum class OutputKind { Executable, SharedLibrary, Relocatable };

  Flavour flavour = Flavour::Bfd;

  // The arguments as given (without the program name): the wrapper keeps
  // the command's response files as they are (Rewrite.h).
  std::vector<std::string> originalArgs;
  // The same after expanding response files; argIndex values point here.
  std::vector<std::string> args;
  // For each of `args`, the index in `originalArgs` of the argument it comes
  // from: every argument of a response file, nested ones included, comes
  // from its top-level `@file`.
  std::vector<size_t> argOrigins;

  std::vector<LinkInput> inputs;     // in command-line order
  std::vector<std::string> searchDirs; // -L, in order

  // Symbols that are undefined from the start: -u, --undefined and
  // --require-defined, in order. They extract archive members like any
  // reference does.
  std::vector<std::string> undefined;
  std::string entry;      // -e; empty when not given (the default is _start)
  std::string initSymbol; // -init; empty when not given (the default is _init)
  std::string finiSymbol; // -fini; empty when not given (the default is _fini)
  std::vector<SymbolDefinition> defsyms; // --defsym
  std::vector<std::string> wrapped;      // --wrap
  std::vector<std::string> exportedSymbols; // --export-dynamic-symbol

  std::string output = "a.out"; // -o; all four linkers default to a.out
  std::string emulation;        // -m
  std::string sysroot;          // --sysroot
  std::string dynamicLinker;    // --dynamic-linker, -dynamic-linker, -I
  std::string plugin;           // -plugin: the last one given
  std::vector<std::string> pluginOpts; // -plugin-opt, in order

  bool shared = false;      // -shared, -Bshareable (gold: -G)
  bool relocatable = false; // -r, --relocatable (bfd, gold: -i)
  bool pie = false;         // -pie, --pic-executable; -no-pie undoes it
  // -Bstatic (or an alias: -static, -dn, -non_shared) is in force at the end
  // of the command line. GNU ld, lld and mold treat `-static` exactly like
  // `-Bstatic`: it makes later -l search only for archives. gcc puts it in
  // front of every input, so the link then takes no shared library from -l
  // (a shared object named by its path still is one: the linkers reject it).
  // Whether the output needs a dynamic linker follows from the inputs the
  // resolution links, -pie/-shared and the dynamic linker options below.
  bool isStatic = false;
  bool noDynamicLinker = false; // --no-dynamic-linker
  bool noStdlib = false;        // -nostdlib: no default search directories
  bool exportDynamic = false;   // -E, --export-dynamic
  bool gcSections = false;      // --gc-sections
  // lld only: archive members are extracted for a common symbol unless
  // --no-fortran-common (lld 14's default is on).
  bool fortranCommon = true;
  // lld only: `.deplibs` sections of inputs name libraries to link, unless
  // --no-dependent-libraries.
  bool dependentLibraries = true;

  // `cannot model option X; the decision may be incomplete`, in order.
  std::vector<std::string> warnings;

  OutputKind outputKind() const;
  // gcc -static-pie: -static -pie --no-dynamic-linker.
  bool isStaticPie() const { return pie && isStatic && noDynamicLinker; }
};

// Reads `args`, the linker's arguments without the program name. Response
// files are expanded first. An empty argument is an input named '' to GNU
// ld, gold and mold (they fail to open it) and nothing to lld, whose option
// parser skips empty arguments (llvm::opt::OptTable::ParseArgs). Fails on a
// command line the linker itself would reject: an option missing its value,
// unbalanced --end-group, --pop-state or --end-lib, nested groups, a
// response file that includes itself, -r with -shared or -pie.
llvm::Expected<LinkCommand> parseLinkCommand(llvm::ArrayRef<std::string> args,
                                             Flavour flavour);

// `args` with their response files expanded as GNU ld, gold, lld and gcc
// read them (libiberty's expandargv, LLVM's ExpandResponseFiles): `@file`
// anywhere, GNU quoting, nested files named relative to the current
// directory. `origins`, if given, receives for each argument returned the
// index in `args` of the one it comes from. Fails on a response file that
// includes itself or cannot be read.
llvm::Expected<std::vector<std::string>>
expandResponseFiles(llvm::ArrayRef<std::string> args,
                    std::vector<size_t> *origins = nullptr);

// The text of a warning about an option the model cannot follow.
std::string cannotModelWarning(llvm::StringRef option);

// `arg` as a POSIX shell would read it back: as is when nothing in it is
// special to the shell, else in single quotes (`''` for an empty argument).
// For commands printed to be read (--dry-run, ALLOCSEL_TRACE) and for names
// in messages, where an empty or blank name would otherwise vanish.
std::string shellQuote(llvm::StringRef arg);

// `program` and `args`, each shellQuote'd, separated by spaces.
std::string shellCommand(llvm::StringRef program,
                         llvm::ArrayRef<std::string> args);

} // namespace allocsel

#endif
