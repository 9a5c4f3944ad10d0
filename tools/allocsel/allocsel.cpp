//===- allocsel.cpp - the allocsel tool -----------------------------------===//
//
// A thin main: parse allocsel's own command line, hand the work to lib/,
// print errors once. What allocsel does is described in DESIGN.md and
// docs/; what each subcommand does, in its --help.
//
//===----------------------------------------------------------------------===//
#include "Diagnostics.h"
#include "Inspect.h"

#include "CLI/CLI.hpp"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

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

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
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
  return ExitUsage;
}
