//===- Interpose.cpp - getting between the driver and the real linker ----===//
//
// The fronts in the order a link meets them: the launcher and the driver
// fronts (add -B, pass the settings on), then the linker personality (find
// the real linker, run it). Interpose.h draws the whole path.
//
//===----------------------------------------------------------------------===//
#include "Interpose.h"

#include "Diagnostics.h"
#include "Exec.h"
#include "LinkModel.h"
#include "Wrapper.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace llvm;

namespace allocsel {

//===----------------------------------------------------------------------===//
// Who we are
//===----------------------------------------------------------------------===//

namespace {

// The personalities by argv[0] basename. `program` is what a driver front
// runs, or the linker a linker front looks for; `override` the variable
// that replaces it (ALLOCSEL_CC=clang).
struct Personality {
  StringRef name;
  FrontKind kind;
  StringRef program;
  std::optional<WrapperOption> override;
};

constexpr Personality personalities[] = {
    {"ld", FrontKind::Linker, "ld", std::nullopt},
    {"ld.bfd", FrontKind::Linker, "ld.bfd", std::nullopt},
    {"ld.gold", FrontKind::Linker, "ld.gold", std::nullopt},
    {"ld.lld", FrontKind::Linker, "ld.lld", std::nullopt},
    {"ld.mold", FrontKind::Linker, "ld.mold", std::nullopt},
    {"allocsel-ld", FrontKind::Linker, "ld", WrapperOption::Ld},
    {"allocsel-cc", FrontKind::Driver, "cc", WrapperOption::Cc},
    {"allocsel-c++", FrontKind::Driver, "c++", WrapperOption::Cxx},
};

const Personality *findPersonality(StringRef argv0) {
  StringRef name = sys::path::filename(argv0);
  for (const Personality &p : personalities)
    if (p.name == name)
      return &p;
  return nullptr;
}

// Device and inode: the identity of a file whatever the path that names it
// (symlinks, hard links, bind mounts of the same file system).
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId &o) const {
    return dev == o.dev && ino == o.ino;
  }
};

std::optional<FileId> fileId(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

std::optional<FileId> selfId() {
  static std::optional<FileId> id = fileId("/proc/self/exe");
  return id;
}

std::string mainExecutable() {
  static int anchor;
  return sys::fs::getMainExecutable(nullptr, &anchor);
}

// "a:b:c" from a list of directories.
std::string joinDirs(ArrayRef<std::string> dirs) {
  return llvm::join(dirs.begin(), dirs.end(), ":");
}

} // namespace

// What a front runs: its default program, or the variable's.
static std::string frontProgram(const Personality &p,
                                const WrapperOptions &options) {
  if (p.override)
    if (std::optional<std::string> v = options.get(*p.override))
      return *v;
  return p.program.str();
}

FrontKind frontKind(StringRef argv0) {
  const Personality *p = findPersonality(argv0);
  return p ? p->kind : FrontKind::Tool;
}


std::string libexecDir() {
  if (std::optional<std::string> dir = Environment::current().get(
          wrapperOptionInfo(WrapperOption::LibexecDir).envVar);
      dir && !dir->empty())
    return *dir;
  SmallString<256> dir(sys::path::parent_path(mainExecutable()));
  sys::path::append(dir, "..", "libexec", "allocsel");
  sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  return dir.str().str();
}

bool isAllocsel(StringRef path) {
  std::string p = path.str();
  std::optional<FileId> id = fileId(p);
  if (id && id == selfId())
    return true;
  // Anything in the libexec directory is a personality, even one that is
  // not a link to this very binary (an older install of allocsel).
  static std::optional<FileId> libexec = fileId(libexecDir());
  std::optional<FileId> parent = fileId(sys::path::parent_path(p).empty()
                                            ? std::string(".")
                                            : sys::path::parent_path(p).str());
  return libexec && parent && parent == libexec;
}

// True when the program name alone says which linker it is: not `ld` nor
// a target's `x86_64-linux-gnu-ld`, which may be any of them.
static bool nameSaysFlavour(StringRef name) {
  return flavourFromName(name) && name != "ld" && !name.endswith("-ld");
}

//===----------------------------------------------------------------------===//
// The driver side: launcher and driver fronts
//===----------------------------------------------------------------------===//

namespace {

// Driver options whose value is the next argument, for gcc and clang. Their
// value is skipped when looking for -c or -E, so that `-Xlinker -E` (ld's
// --export-dynamic) is not read as "preprocess only". An option missing
// here can only make a compile look like a link, which costs a -B and
// nothing else: the driver then runs no linker.
constexpr StringRef separateValueOptions[] = {
    "-o",
    "-x",
    "-I",
    "-L",
    "-l",
    "-D",
    "-U",
    "-B",
    "-T",
    "-u",
    "-z",
    "-e",
    "-F",
    "-include",
    "-imacros",
    "-isystem",
    "-iquote",
    "-idirafter",
    "-iprefix",
    "-iwithprefix",
    "-iwithprefixbefore",
    "-isysroot",
    "-imultilib",
    "-iframework",
    "-cxx-isystem",
    "-MF",
    "-MT",
    "-MQ",
    "-Xlinker",
    "-Xassembler",
    "-Xpreprocessor",
    "-Xclang",
    "-Xanalyzer",
    "-Xopenmp-target",
    "-Xarch_host",
    "-Xarch_device",
    "-mllvm",
    "-aux-info",
    "--param",
    "-target",
    "-arch",
    "-dumpbase",
    "-dumpbase-ext",
    "-dumpdir",
    "--sysroot",
    "-working-directory",
    "-ivfsoverlay",
    "-serialize-diagnostics",
    "-specs",
    "-wrapper",
    "--prefix",
    "-G",
};

// Options after which the driver runs no linker.
constexpr StringRef compileOnlyOptions[] = {
    "-c", "-S", "-E", "-M", "-MM", "-fsyntax-only", "--precompile",
};

// The command's own -B directories, in order: `-B dir`, `-Bdir`,
// `--prefix=dir`, `--prefix dir`.
std::vector<std::string> prefixDirs(ArrayRef<std::string> args) {
  std::vector<std::string> dirs;
  for (size_t i = 0; i < args.size(); ++i) {
    StringRef a = args[i];
    if ((a == "-B" || a == "--prefix") && i + 1 < args.size())
      dirs.push_back(args[++i]);
    else if (a.startswith("--prefix="))
      dirs.push_back(a.drop_front(strlen("--prefix=")).str());
    else if (a.startswith("-B") && a.size() > 2)
      dirs.push_back(a.drop_front(2).str());
  }
  return dirs;
}

// Runs the driver `command[0]` with allocsel as its linker.
int runDriver(ArrayRef<std::string> command, const WrapperOptions &options) {
  Environment env = Environment::current();
  std::vector<std::string> path =
      splitSearchPath(env.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin"));
  std::optional<std::string> driver =
      findProgram(command[0], path, [](StringRef p) { return isAllocsel(p); });
  if (!driver) {
    if (StringRef(command[0]).contains('/'))
      printError("the compiler driver '" + command[0] + "' is allocsel itself");
    else
      printError("cannot find the compiler driver '" + command[0] +
                 "' (searched: " + joinDirs(path) + ")");
    return ExitNotFound;
  }

  // A compile runs as if allocsel were not there.
  ArrayRef<std::string> args = command.drop_front();
  if (isCompileOnly(args))
    return execProgram(*driver, command, env);

  // -B first, so that our ld is found before one in a -B directory of the
  // command; the personality then finds that one as the real linker.
  std::vector<std::string> argv;
  argv.push_back(command[0]);
  argv.push_back("-B" + libexecDir() + "/");
  argv.insert(argv.end(), args.begin(), args.end());
  // clang's -fuse-ld=/path and --ld-path=/path name the linker by path and
  // bypass every -B directory: point them at the personality of the same
  // flavour, which runs that path (ALLOCSEL_REAL_LINKER).
  std::optional<std::string> realLinker;
  for (std::string &a : llvm::drop_begin(argv, 2)) {
    StringRef arg = a;
    for (StringRef option : {"-fuse-ld=", "--fuse-ld=", "--ld-path="}) {
      if (!arg.startswith(option) || !arg.contains('/'))
        continue;
      StringRef path = arg.drop_front(option.size());
      std::optional<Flavour> f = flavourFromName(path);
      std::string name = f && nameSaysFlavour(sys::path::filename(path))
                             ? ("ld." + flavourName(*f)).str()
                             : std::string("ld");
      realLinker = path.str();
      a = (option + libexecDir() + "/" + name).str();
      break;
    }
  }

  options.exportTo(env);
  StringRef realVar = wrapperOptionInfo(WrapperOption::RealLinker).envVar;
  if (realLinker)
    env.set(realVar, *realLinker);
  else
    env.unset(realVar);
  std::vector<std::string> prefixes = prefixDirs(args);
  StringRef prefixVar = wrapperOptionInfo(WrapperOption::PrefixDirs).envVar;
  if (prefixes.empty())
    env.unset(prefixVar);
  else
    env.set(prefixVar, joinDirs(prefixes));
  env.set(wrapperOptionInfo(WrapperOption::DriverDir).envVar,
          sys::path::parent_path(*driver));
  // Settings for this link only: a personality must not inherit a guard
  // from some outer link.
  env.unset(wrapperOptionInfo(WrapperOption::ActiveLinker).envVar);
  return execProgram(*driver, argv, env);
}

// A dry run of a driver command starts nothing but the driver's `-###`,
// which prints the link step it would run (DESIGN §3.1); on that line the
// decision is the one the personality would make. A compile would run
// unchanged.
int dryRunDriver(ArrayRef<std::string> command, const WrapperOptions &options) {
  if (isCompileOnly(command.drop_front())) {
    outs() << shellCommand(command[0], command.drop_front()) << "\n";
    return ExitOk;
  }
  Expected<LinkerInvocation> link = linkerCommand(command);
  if (!link) {
    printError(toString(link.takeError()));
    return ExitUsage;
  }
  return runLinkerPersonality(link->flavour, link->program, link->args,
                              options);
}

// The settings of the environment, or an error printed once.
std::optional<WrapperOptions> environmentOptions(const Environment &env) {
  std::vector<std::string> unknown;
  Expected<WrapperOptions> options =
      WrapperOptions::fromEnvironment(env, &unknown);
  if (!options) {
    printError(toString(options.takeError()));
    return std::nullopt;
  }
  for (const std::string &name : unknown)
    printWarning("unknown environment variable " + name +
                 " (see docs/fronts.md)");
  return std::move(*options);
}

} // namespace

bool isCompileOnly(ArrayRef<std::string> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    StringRef a = args[i];
    if (is_contained(separateValueOptions, a)) {
      ++i;
      continue;
    }
    if (is_contained(compileOnlyOptions, a))
      return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// The linker side: the personality
//===----------------------------------------------------------------------===//

std::vector<std::string> linkerSearchDirs(const Environment &env) {
  std::vector<std::string> dirs;
  auto add = [&](std::optional<std::string> list) {
    if (!list || list->empty())
      return;
    for (std::string &d : splitSearchPath(*list))
      if (!is_contained(dirs, d))
        dirs.push_back(std::move(d));
  };
  add(env.get(wrapperOptionInfo(WrapperOption::PrefixDirs).envVar));
  add(env.get("COMPILER_PATH"));
  if (!env.get("COLLECT_GCC"))
    add(env.get(wrapperOptionInfo(WrapperOption::DriverDir).envVar));
  add(env.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin"));
  return dirs;
}

Expected<std::string> findRealLinker(StringRef name,
                                     ArrayRef<std::string> dirs) {
  if (std::optional<std::string> path =
          findProgram(name, dirs, [](StringRef p) { return isAllocsel(p); }))
    return *path;
  if (name.contains('/'))
    return createStringError(inconvertibleErrorCode(),
                             "the real linker '%s' is allocsel itself",
                             name.str().c_str());
  return createStringError(inconvertibleErrorCode(),
                           "cannot find the real linker '%s' (searched: %s)",
                           name.str().c_str(), joinDirs(dirs).c_str());
}

Flavour linkerFlavour(StringRef path, const Environment &env) {
  SmallString<256> current(path);
  for (int hop = 0; hop < 40; ++hop) {
    StringRef name = sys::path::filename(current);
    if (nameSaysFlavour(name))
      return *flavourFromName(name);
    char target[4096];
    ssize_t n = ::readlink(current.c_str(), target, sizeof target - 1);
    if (n <= 0)
      break;
    StringRef next(target, n);
    if (sys::path::is_absolute(next)) {
      current = next;
    } else {
      SmallString<256> joined(sys::path::parent_path(current));
      sys::path::append(joined, next);
      current = joined;
    }
  }
  // A plain file called `ld`: let it say what it is.
  Expected<std::string> version =
      runAndCapture(path, {path.str(), "--version"}, Capture::Stdout, &env);
  if (version)
    if (std::optional<Flavour> f = flavourFromVersionText(*version))
      return *f;
  if (!version)
    consumeError(version.takeError());
  printWarning("cannot tell which linker " + path +
               " is (neither its name nor its --version says); assuming bfd");
  return Flavour::Bfd;
}

namespace {

// ALLOCSEL_TRACE: one line per linker run, appended with a single write so
// that parallel links do not interleave within a line.
void writeTrace(StringRef file, Flavour flavour, StringRef realLinker,
                ArrayRef<std::string> args) {
  std::string line =
      (flavourName(flavour) + " " + shellCommand(realLinker, args) + "\n")
          .str();
  std::string path = file.str();
  int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0 || ::write(fd, line.data(), line.size()) !=
                    static_cast<ssize_t>(line.size()))
    printWarning("cannot write the trace to " + file + ": " +
                 std::strerror(errno));
  if (fd >= 0)
    ::close(fd);
}

// A linker front: `name` is what to look for (a personality's own name,
// $ALLOCSEL_LD, the program of `allocsel link -- ld.gold ...`), `named`
// the flavour the name itself promises, if any.
int runLinkerFront(StringRef name, ArrayRef<std::string> args,
                   const WrapperOptions &options, const Environment &env) {
  // A second personality inside the first: some `ld` between us and the
  // real linker runs `ld` again, and finds us again.
  if (std::optional<std::string> active =
          options.get(WrapperOption::ActiveLinker)) {
    printError("allocsel was run again as the linker by " + *active +
               " (an exec loop: " + *active +
               " runs 'ld' from PATH, which leads back to allocsel); run "
               "the real linker by its full path");
    return ExitNotFound;
  }
  // Named by path on the driver's command line (runDriver).
  std::string named =
      options.get(WrapperOption::RealLinker).value_or(name.str());
  Expected<std::string> real = findRealLinker(named, linkerSearchDirs(env));
  if (!real) {
    printError(toString(real.takeError()));
    return ExitNotFound;
  }
  // Asking `ld --version` runs the candidate too: guard it like the link.
  Environment probeEnv = env;
  probeEnv.set(wrapperOptionInfo(WrapperOption::ActiveLinker).envVar, *real);
  StringRef base = sys::path::filename(name);
  Flavour flavour = nameSaysFlavour(base) ? *flavourFromName(base)
                                          : linkerFlavour(*real, probeEnv);
  return runLinkerPersonality(flavour, *real, args.vec(), options);
}

} // namespace

bool isLinkerQuery(ArrayRef<std::string> args) {
  // All four linkers print and exit on --version and --help (one or two
  // dashes) whatever else is given; -v and -V print the version and go on
  // linking, so they are a query only when nothing else is given but an
  // emulation: libtool's LD is `ld -m elf_x86_64`, and it asks `$LD -v`.
  for (StringRef a : args)
    if (a == "--version" || a == "-version" || a == "--help" || a == "-help")
      return true;
  bool asked = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-v" || args[i] == "-V")
      asked = true;
    else if (args[i] == "-m" && i + 1 < args.size())
      ++i;
    else
      return false;
  }
  return asked;
}

int runLinkerPersonality(Flavour flavour, const std::string &realLinker,
                         std::vector<std::string> args,
                         const WrapperOptions &options) {
  // --dry-run: the linker is not run, its command is printed instead.
  bool dryRun = options.flag(WrapperOption::DryRun);
  if (std::optional<std::string> trace = options.get(WrapperOption::Trace);
      trace && !dryRun)
    writeTrace(*trace, flavour, realLinker, args);

  // The decision: model, decide, rewrite, run, verify (Wrapper.h). The
  // real linker runs with ALLOCSEL_ACTIVE_LINKER set, so that a personality
  // it reaches again refuses to loop.
  Environment env = Environment::current();
  env.set(wrapperOptionInfo(WrapperOption::ActiveLinker).envVar, realLinker);
  auto linkerArgv = [&](ArrayRef<std::string> linkerArgs) {
    std::vector<std::string> argv;
    argv.reserve(linkerArgs.size() + 1);
    argv.push_back(realLinker);
    argv.insert(argv.end(), linkerArgs.begin(), linkerArgs.end());
    return argv;
  };
  // Nothing to do once the linker runs: `ld --version` from configure or
  // libtool links nothing, and ALLOCSEL_MODE=off only links. allocsel
  // becomes the linker, as the launcher becomes the driver: the build sees
  // the linker's status and its death by a signal exactly as without
  // allocsel, and one process and one fork fewer.
  if (!dryRun &&
      (isLinkerQuery(args) || options.get(WrapperOption::Mode) == "off"))
    return execProgram(realLinker, linkerArgv(args), env);
  auto runLinker = [&](ArrayRef<std::string> linkerArgs) {
    if (dryRun) {
      outs() << shellCommand(realLinker, linkerArgs) << "\n";
      return ProcessStatus{ProcessStatus::Kind::Exited, 0, {}};
    }
    return spawnAndWait(realLinker, linkerArgv(linkerArgs), &env);
  };
  // A query in a dry run: its command, and no decision.
  if (isLinkerQuery(args))
    return shellExitStatus(runLinker(args), realLinker);
  return linkWithAllocator(flavour, realLinker, args, options, runLinker);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

int runPersonality(int argc, char **argv) {
  const Personality *p = findPersonality(argv[0]);
  assert(p && "runPersonality without a personality");
  Environment env = Environment::current();
  std::optional<WrapperOptions> options = environmentOptions(env);
  if (!options)
    return ExitUsage;
  std::vector<std::string> args(argv + 1, argv + argc);

  std::string program = frontProgram(*p, *options);

  if (p->kind == FrontKind::Linker)
    return runLinkerFront(program, args, *options, env);
  std::vector<std::string> command{program};
  command.insert(command.end(), args.begin(), args.end());
  return runDriver(command, *options);
}

bool isLauncherForm(StringRef arg, ArrayRef<StringRef> subcommands) {
  if (is_contained(subcommands, arg))
    return false;
  if (arg == "--")
    return true;
  if (arg.startswith("-"))
    return arg.startswith("--") &&
           findWrapperOption(arg.drop_front(2).split('=').first);
  return !arg.empty();
}

// A program name that is a linker rather than a driver.
static bool isLinkerName(StringRef program) {
  return flavourFromName(sys::path::filename(program)).has_value();
}

int runLinkCommand(ArrayRef<std::string> command, const WrapperOptions &given) {
  if (command.empty()) {
    printError("no command to run");
    return ExitUsage;
  }
  Environment env = Environment::current();
  std::optional<WrapperOptions> options = environmentOptions(env);
  if (!options)
    return ExitUsage;
  for (const WrapperOptionInfo &info : wrapperOptionTable())
    if (std::optional<std::string> v = given.get(info.id))
      options->set(info.id, *v);

  // A launcher in front of a CC that is already allocsel-cc (CMake with
  // both CMAKE_C_COMPILER=allocsel-cc and the launcher): the front stands
  // for the program it runs.
  std::vector<std::string> cmd = command.vec();
  if (const Personality *p = findPersonality(cmd[0]); p && p->override)
    cmd[0] = frontProgram(*p, *options);

  if (isLinkerName(cmd[0]))
    return runLinkerFront(cmd[0], ArrayRef(cmd).drop_front(), *options, env);
  if (options->flag(WrapperOption::DryRun))
    return dryRunDriver(cmd, *options);
  return runDriver(cmd, *options);
}

int runLauncher(ArrayRef<std::string> args) {
  WrapperOptions options;
  Expected<size_t> taken = options.parseLeading(args);
  if (!taken) {
    printError(toString(taken.takeError()));
    return ExitUsage;
  }
  return runLinkCommand(args.drop_front(*taken), options);
}

} // namespace allocsel
