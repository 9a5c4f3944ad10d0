//===- Interpose.h - getting between the driver and the real linker ------===//
//
// allocsel decides at the linker level (DESIGN §3.1), where the command line
// is complete: crt objects, -lstdc++ -lc, search directories and the LTO
// plugin options are only known once gcc's collect2 or clang has built the
// ld line. So allocsel does not ask the driver what it would do (`-###`
// costs a second driver run, ~90 ms for clang); it makes the driver run
// allocsel as its linker:
//
//   allocsel gcc -o app main.o            the launcher form, also
//   allocsel link [opts] -- gcc ...       CMAKE_<LANG>_LINKER_LAUNCHER=allocsel
//   allocsel-cc / allocsel-c++ ...        driver fronts: CC, CXX
//        |
//        |  runs the real driver unchanged but for `-B <libexec>/`, the
//        |  options in ALLOCSEL_* variables (WrapperOptions.def)
//        v
//   gcc -> collect2 / clang               look for ld, ld.bfd, ld.gold,
//        |                                ld.lld, ld.mold in the -B
//        v                                directories first
//   <libexec>/ld.lld  -> ../../bin/allocsel   the linker personality
//        |
//        |  finds the real linker where the driver would have, skipping
//        |  itself, and runs it (runLinkerPersonality: the decision goes
//        v  there)
//   /usr/bin/ld.lld ...
//
//   allocsel-ld, allocsel ld.lld ...,      linker fronts for builds that
//   allocsel link -- ld.gold ...           call the linker themselves
//
// The personality must never find itself: the libexec directory may be on
// PATH, and a symlink to allocsel may hide anywhere. Every candidate that
// is the allocsel executable (same device and inode as /proc/self/exe) or
// lies in the libexec directory is skipped, and a personality started with
// ALLOCSEL_ACTIVE_LINKER already set (a wrapper script elsewhere that runs
// `ld` again) refuses to go on, as ccache refuses recursion.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_INTERPOSE_H
#define ALLOCSEL_INTERPOSE_H

#include "CommandLine.h"
#include "WrapperOptions.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

// What allocsel was started as, from the basename of argv[0].
enum class FrontKind {
  Tool,   // allocsel itself: subcommands, or the launcher form
  Linker, // ld, ld.bfd, ld.gold, ld.lld, ld.mold, allocsel-ld
  Driver, // allocsel-cc, allocsel-c++
};
FrontKind frontKind(llvm::StringRef argv0);

// The personalities' directory: $ALLOCSEL_LIBEXEC_DIR, else
// <dir of the allocsel executable>/../libexec/allocsel, without `..`.
std::string libexecDir();

// The entry for main: runs the personality argv[0] names. Only for a
// FrontKind other than Tool.
int runPersonality(int argc, char **argv);

// True when `allocsel <arg> ...` is the launcher form: `arg` is not one of
// allocsel's `subcommands` nor an option of allocsel's own (--help,
// --version), but a program, or a wrapper option (`allocsel --mode=warn gcc
// ...`).
bool isLauncherForm(llvm::StringRef arg,
                    llvm::ArrayRef<llvm::StringRef> subcommands);

// `allocsel [wrapper options] [--] <program> <args...>`: `args` is argv
// without argv[0].
int runLauncher(llvm::ArrayRef<std::string> args);

// `allocsel link [opts] -- <program> <args...>` but --dry-run --explain:
// the command's program is a driver or a linker, `options` are those given
// to `link` (they override the environment's). With --dry-run a driver is
// not run, only asked with `-###` for its link step.
int runLinkCommand(llvm::ArrayRef<std::string> command,
                   const WrapperOptions &options);

// A driver command that compiles, assembles or preprocesses only (-c, -S,
// -E, -M, -MM, -fsyntax-only): it runs no linker, so it passes straight
// through, without -B and without allocsel reading anything.
bool isCompileOnly(llvm::ArrayRef<std::string> driverArgs);

// Where the personality called `name` (ld, ld.lld, ...) looks for the real
// linker, in order, the way the driver that ran it would have:
//   - gcc's collect2 searches COMPILER_PATH (which gcc sets: the -B
//     directories, then its own libexec and lib directories) and then PATH,
//     for the same name (measured, gcc 12: `ld` by default, `ld.<name>`
//     with -fuse-ld=<name>; a `real-ld` in those directories wins over
//     every name, and then allocsel is not run at all);
//   - clang searches its -B directories, COMPILER_PATH, its own program
//     path (the directory it was run from: InstalledDir) and PATH.
// The launcher records what only it knows: the command's -B directories
// (ALLOCSEL_PREFIX_DIRS) and the driver's directory (ALLOCSEL_DRIVER_DIR),
// which is searched only when collect2 did not run us (COLLECT_GCC unset).
std::vector<std::string> linkerSearchDirs(const Environment &env);

// The real linker for the personality or program `name`: a name with a
// slash as is, otherwise the first match in `dirs` that is not allocsel.
llvm::Expected<std::string> findRealLinker(llvm::StringRef name,
                                           llvm::ArrayRef<std::string> dirs);

// Which linker `path` is: by name when the name says it
// (ld.gold, x86_64-linux-gnu-ld.bfd, lld, mold), following a symlink chain
// hop by hop (/usr/bin/ld -> x86_64-linux-gnu-ld -> x86_64-linux-gnu-ld.bfd);
// only when no name in the chain says it, by running `path --version`.
// Nothing is cached across processes. `env` is the probe's environment.
Flavour linkerFlavour(llvm::StringRef path, const Environment &env);

// True if `path` is allocsel itself or lies in the libexec directory.
bool isAllocsel(llvm::StringRef path);

// An ld command that asks and links nothing (`--version`, `--help`, a lone
// `-v`, also after `-m <emulation>`): configure scripts and libtool run
// these through LD. It runs unchanged, like a compile on the driver side.
bool isLinkerQuery(llvm::ArrayRef<std::string> args);

// THE SEAM. Every link through allocsel ends here, whichever front started
// it, with the flavour of the real linker, its path, its arguments (without
// argv[0]) and the settings of the link. Today it runs the linker
// unchanged; Interpose.cpp says where the decision goes.
int runLinkerPersonality(Flavour flavour, const std::string &realLinker,
                         std::vector<std::string> args,
                         const WrapperOptions &options);

} // namespace allocsel

#endif
