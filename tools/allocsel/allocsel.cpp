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

using namespace allocsel;

namespace {

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

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::install_fatal_error_handler(onFatalError);
  // Run as ld, ld.lld, allocsel-cc, ...: a front (lib/Interpose.h).
  if (frontKind(argv[0]) != FrontKind::Tool)
    return runPersonality(argc, argv);

  CLI::App app{"allocsel: chooses at link time which heap allocator each ELF "
               "artifact uses, and proves it has exactly one."};
  app.set_version_flag("--version", "allocsel " ALLOCSEL_VERSION);
  app.require_subcommand(1);

  std::vector<std::string> inspectPaths;
  OutputFormat inspectFormat = OutputFormat::Text;
  CLI::App *inspect = app.add_subcommand(
      "inspect", "Show the markers, stamp, allocation entry points and "
                 "allocator of each file and archive member");
  inspect->add_option("FILE", inspectPaths, "Objects, archives, shared "
                                            "objects, bitcode, linker scripts")
      ->required();
  addFormatOption(*inspect, inspectFormat);

  // `link [--dry-run] [--explain] [--format] -- <ld-or-driver> <args...>`
  std::vector<std::string> linkArgv;
  bool linkDryRun = false, linkExplain = false;
  OutputFormat linkFormat = OutputFormat::Text;
  CLI::App *link = app.add_subcommand(
      "link", "Model a link: the inputs the linker takes, the archive "
              "members it extracts and why, the allocators among them");
  link->add_flag("--dry-run", linkDryRun, "Model the link, do not run it");
  link->add_flag("--explain", linkExplain, "Print the model");
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
  CLI::App *check = app.add_subcommand(
      "check", "Scan build outputs for duplicate heaps (rules AS001, "
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
  CLI::App *archive = app.add_subcommand(
      "archive", "Make a final static library: the inputs' members, the "
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
  CLI::App *list = app.add_subcommand(
      "list", "Show the installed allocators: class, ABI, surface, origin "
              "(searched in $ALLOCSEL_ALLOCATOR_PATH, else <prefix>/lib/allocsel)");
  addFormatOption(*list, listFormat);

  // The launcher form: `allocsel [wrapper options] <driver> <args...>`.
  if (argc > 1) {
    std::vector<std::string> subcommands;
    for (const CLI::App *sub :
         app.get_subcommands([](CLI::App *) { return true; }))
      subcommands.push_back(sub->get_name());
    if (isLauncherForm(argv[1], subcommands))
      return runLauncher(std::vector<std::string>(argv + 1, argv + argc));
  }

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
  if (*link && !linkDryRun) {
    WrapperOptions options;
    for (auto &[id, value] : linkSettings)
      if (llvm::Error e = options.setFromOption(id, value)) {
        printError(llvm::toString(std::move(e)));
        return ExitUsage;
      }
    if (linkExplain)
      options.set(WrapperOption::Explain, "1");
    if (link->count("--format"))
      options.set(WrapperOption::Format,
                  linkFormat == OutputFormat::Json ? "json" : "text");
    return runLinkCommand(linkArgv, options);
  }
  if (*link) {
    if (!linkExplain) {
      printError("link: only --dry-run --explain is implemented yet");
      return ExitUsage;
    }
    return explainLink(linkArgv, linkFormat, llvm::outs());
  }
  return ExitUsage;
}
