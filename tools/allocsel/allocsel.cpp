//===- allocsel.cpp - the allocsel tool -----------------------------------===//
//
// A thin main: parse allocsel's own command line, hand the work to lib/,
// print errors once. What allocsel does is described in DESIGN.md and
// docs/; what each subcommand does, in its --help.
//
//===----------------------------------------------------------------------===//
#include "Archive.h"
#include "Check.h"
#include "Diagnostics.h"
#include "HugePages.h"
#include "Inspect.h"
#include "Interpose.h"
#include "LinkModel.h"
#include "Registry.h"

#include "CLI/CLI.hpp"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <unistd.h>

using namespace allocsel;

namespace {

// allocsel's subcommands. `allocsel <anything else> ...` is the launcher
// form, which runs in every link of a build: it is told from these names
// alone, before the command line of the subcommands is built.
enum class Subcommand { Inspect, Link, Check, Archive, List };
constexpr llvm::StringRef subcommandNames[] = {"inspect", "link", "check",
                                               "archive", "list"};

CLI::App *addSubcommand(CLI::App &app, Subcommand sub,
                        std::string description) {
  return app.add_subcommand(subcommandNames[static_cast<size_t>(sub)].str(),
                            std::move(description));
}

void addFormatOption(CLI::App &cmd, OutputFormat &format) {
  cmd.add_option("--format", format, "Output format")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, OutputFormat>{{"text", OutputFormat::Text},
                                              {"json", OutputFormat::Json}},
          CLI::ignore_case))
      ->option_text("text|json");
}

} // namespace

// LLVM's bitcode reader reports some malformed input as a fatal error
// ("Invalid encoding") instead of an llvm::Error: say so in allocsel's form
// and exit as for any unreadable input, before any linker has run.
static void onFatalError(void *, const char *reason, bool) {
  printError(llvm::Twine("cannot read an input: ") + reason);
  _Exit(ExitUsage);
}

// Out of memory, in allocsel or in LLVM (InitLLVM's new handler lands
// here): one line and the status of a link that could not be modelled,
// before any linker has run. Nothing here may allocate.
static void onOutOfMemory(void *, const char *, bool) {
  static const char message[] = "allocsel: error: out of memory\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  _Exit(ExitUsage);
}

int main(int argc, char **argv) {
  useHugePagesForHeap();
  llvm::InitLLVM init(argc, argv);
  llvm::install_fatal_error_handler(onFatalError);
  llvm::install_bad_alloc_error_handler(onOutOfMemory);
  // Run as ld, ld.lld, allocsel-cc, ...: a front (lib/Interpose.h).
  if (frontKind(argv[0]) != FrontKind::Tool)
    return runPersonality(argc, argv);
  // The launcher form: `allocsel [wrapper options] <driver> <args...>`.
  if (argc > 1 && isLauncherForm(argv[1], subcommandNames))
    return runLauncher(std::vector<std::string>(argv + 1, argv + argc));

  CLI::App app{"allocsel: chooses at link time which heap allocator each ELF "
               "artifact uses, and proves it has exactly one."};
  app.set_version_flag("--version", "allocsel " ALLOCSEL_VERSION);
  app.require_subcommand(1);

  std::vector<std::string> inspectPaths;
  OutputFormat inspectFormat = OutputFormat::Text;
  CLI::App *inspect =
      addSubcommand(app, Subcommand::Inspect,
                    "Show the markers, stamp, allocation entry points and "
                    "allocator of each file and archive member");
  inspect->add_option("FILE", inspectPaths, "Objects, archives, shared "
                                            "objects, bitcode, linker scripts")
      ->required();
  addFormatOption(*inspect, inspectFormat);

  // `link [options] -- <ld-or-driver> <args...>`: the link through allocsel;
  // with --dry-run what it would run, with --dry-run --explain the model.
  std::vector<std::string> linkArgv;
  bool linkDryRun = false, linkExplain = false;
  OutputFormat linkFormat = OutputFormat::Text;
  CLI::App *link =
      addSubcommand(app, Subcommand::Link,
                    "Link through allocsel: choose the allocator, enforce the "
                    "rules, run the linker, verify the output");
  link->add_flag("--dry-run", linkDryRun,
                 wrapperOptionInfo(WrapperOption::DryRun).help.str() +
                     "; with --explain, print the model of the link");
  link->add_flag("--explain", linkExplain,
                 wrapperOptionInfo(WrapperOption::Explain).help.str());
  addFormatOption(*link, linkFormat);
  link->add_option("COMMAND", linkArgv,
                   "The linker or compiler driver command, after --")
      ->required();
  // The settings of a link (lib/WrapperOptions.def), checked after parsing.
  std::vector<std::pair<WrapperOption, std::optional<std::string>>>
      linkSettings;
  for (const WrapperOptionInfo &info : wrapperOptionTable()) {
    std::string name = "--" + info.option.str();
    if (info.option.empty() || link->get_option_no_throw(name))
      continue;
    if (info.form == WrapperOptionForm::Flag)
      link->add_flag_callback(
          name,
          [&, id = info.id] { linkSettings.emplace_back(id, std::nullopt); },
          info.help.str());
    else
      link->add_option_function<std::string>(
          name,
          [&, id = info.id](const std::string &v) {
            linkSettings.emplace_back(id, v);
          },
          info.help.str());
  }

  // `check [--format] [--closure] [-j N] [--root DIR] [--baseline F] PATH...`
  CheckOptions checkOptions;
  CLI::App *check =
      addSubcommand(app, Subcommand::Check,
                    "Scan build outputs for duplicate heaps (rules AS001, "
                    "AS005-AS008, AS010-AS012); exit 1 on an error");
  check->add_option("PATH", checkOptions.paths,
                    "Executables, shared libraries, archives, objects, "
                    "directories (scanned recursively)")
      ->required();
  check->add_option("--format", checkOptions.format, "Output format")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, CheckFormat>{{"text", CheckFormat::Text},
                                             {"json", CheckFormat::Json},
                                             {"sarif", CheckFormat::Sarif}},
          CLI::ignore_case))
      ->option_text("text|json|sarif");
  check->add_flag("--closure", checkOptions.closure,
                  "Follow DT_NEEDED as ld.so does (AS007)");
  check->add_option("-j,--jobs", checkOptions.jobs,
                    "Files scanned in parallel (default: the cores)");
  check->add_option("--root", checkOptions.root,
                    "A staged tree the loader's paths lie under");
  check->add_option("--baseline", checkOptions.baseline,
                    "Accepted findings: lines 'AS005 path' or an earlier "
                    "--format=json report");

  // `archive [--allocator=NAME] [--allocator-path=DIRS] -o OUT.a INPUT...`
  ArchiveOptions archiveOptions;
  std::string archivePath;
  CLI::App *archive =
      addSubcommand(app, Subcommand::Archive,
                    "Make a final static library: the inputs' members, the "
                    "allocator's members and a stamp, with a symbol index");
  archive->add_option("--allocator", archiveOptions.allocator,
                      "The allocator to bundle (default: system)");
  archive->add_option("--allocator-path", archivePath,
                      "Where installed allocators are searched "
                      "(':'-separated)");
  archive->add_option("-o", archiveOptions.output, "The archive to write")
      ->required();
  archive->add_option("INPUT", archiveOptions.inputs, "Objects and archives")
      ->required();

  OutputFormat listFormat = OutputFormat::Text;
  CLI::App *list = addSubcommand(
      app, Subcommand::List,
      "Show the installed allocators: class, ABI, surface, origin "
      "(searched in $ALLOCSEL_ALLOCATOR_PATH, else <prefix>/lib/allocsel)");
  addFormatOption(*list, listFormat);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    app.exit(e);
    return ExitUsage;
  }

  if (*inspect)
    return inspectFiles(inspectPaths, inspectFormat, llvm::outs());
  if (*archive) {
    if (!archivePath.empty())
      setenv("ALLOCSEL_ALLOCATOR_PATH", archivePath.c_str(), 1);
    std::string exe = llvm::sys::fs::getMainExecutable(
        argv[0], reinterpret_cast<void *>(&addFormatOption));
    return runArchive(archiveOptions, allocatorSearchPath(
                                          llvm::sys::path::parent_path(exe)));
  }
  if (*list) {
    std::string exe = llvm::sys::fs::getMainExecutable(
        argv[0], reinterpret_cast<void *>(&addFormatOption));
    return printAllocators(
        allocatorSearchPath(llvm::sys::path::parent_path(exe)), listFormat,
        llvm::outs());
  }
  if (*check)
    return runCheck(checkOptions, llvm::outs());
  if (*link) {
    // The model alone, the JSON contract of DESIGN §4 (LinkModel.h).
    if (linkDryRun && linkExplain)
      return explainLink(linkArgv, linkFormat, llvm::outs());
    WrapperOptions options;
    for (auto &[id, value] : linkSettings)
      if (llvm::Error e = options.setFromOption(id, value)) {
        printError(llvm::toString(std::move(e)));
        return ExitUsage;
      }
    if (linkDryRun)
      options.set(WrapperOption::DryRun, "1");
    if (linkExplain)
      options.set(WrapperOption::Explain, "1");
    if (link->count("--format"))
      options.set(WrapperOption::Format,
                  linkFormat == OutputFormat::Json ? "json" : "text");
    return runLinkCommand(linkArgv, options);
  }
  return ExitUsage;
}
