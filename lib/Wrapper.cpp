//===- Wrapper.cpp --------------------------------------------------------===//
#include "Wrapper.h"

#include "Diagnostics.h"
#include "LinkModel.h"
#include "Policy.h"
#include "Registry.h"
#include "Rewrite.h"
#include "Stamp.h"
#include "Verify.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace allocsel {

namespace {

void printDiagnostics(ArrayRef<Diagnostic> diagnostics) {
  for (const Diagnostic &d : diagnostics)
    printDiagnostic(errs(), d);
}

std::vector<std::string> searchPath() {
  std::string exe = sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&printDiagnostics));
  return allocatorSearchPath(sys::path::parent_path(exe));
}

// The machine, class, byte order and ELF flags of the link: those of its
// first ELF object (bitcode carries no e_flags; its triple gives the rest).
TargetInfo targetOf(const LinkModel &model) {
  for (const LinkedObject &o : model.resolution.objects)
    if (o.object->machine)
      return {o.object->machine, o.object->is64, o.object->isLittleEndian,
              o.object->elfFlags};
  return {};
}

// Writes the stamp next to the output: created exclusively there, so two
// links into one directory never share it, and removed after the link.
Expected<std::string> writeStamp(const LinkModel &model,
                                 const Decision &decision) {
  Expected<std::string> bytes =
      makeStampObject(stampOf(decision), targetOf(model));
  if (!bytes)
    return bytes.takeError();
  SmallString<256> stampPattern(sys::path::parent_path(model.command.output));
  if (stampPattern.empty())
    stampPattern = ".";
  sys::path::append(stampPattern, ".allocsel-stamp-%%%%%%%%.o");
  int fd;
  SmallString<256> path;
  if (std::error_code ec = sys::fs::createUniqueFile(stampPattern, fd, path))
    return fileError(stampPattern, "cannot create the stamp object: " + ec.message());
  raw_fd_ostream out(fd, /*shouldClose=*/true);
  out << *bytes;
  out.close();
  if (out.has_error()) {
    std::string message = out.error().message();
    out.clear_error();
    sys::fs::remove(path);
    return fileError(path, "cannot write the stamp object: " + message);
  }
  return path.str().str();
}

} // namespace

int linkWithAllocator(Flavour flavour, StringRef realLinker,
                      ArrayRef<std::string> args, const WrapperOptions &options,
                      function_ref<int(ArrayRef<std::string>)> runLinker) {
  if (options.get(WrapperOption::Mode) == "off")
    return runLinker(args);

  LinkerInvocation invocation{flavour, realLinker.str(), args.vec()};
  Expected<std::unique_ptr<LinkModel>> model = modelLink(invocation);
  if (!model) {
    printError(toString(model.takeError()));
    return ExitUsage;
  }
  printDiagnostics((*model)->diagnostics);

  Expected<Decision> decision = decide(**model, options, searchPath());
  if (!decision) {
    printError(toString(decision.takeError()));
    return ExitUsage;
  }
  if (options.flag(WrapperOption::Explain))
    printLinkModel(**model, OutputFormat::Text, errs());
  printDiagnostics(decision->diagnostics);
  if (decision->mode == Mode::Enforce && decision->hasErrors())
    return ExitViolation;

  std::string stampPath;
  if (decision->kind != ArtifactKind::Relocatable) {
    Expected<std::string> stamp = writeStamp(**model, *decision);
    if (!stamp) {
      printError(toString(stamp.takeError()));
      return ExitUsage;
    }
    stampPath = *stamp;
  }
  FileRemover removeStamp(stampPath, !stampPath.empty());

  int status = runLinker(rewriteLinkArgs(**model, *decision, stampPath));
  if (status != 0)
    return status;

  Expected<std::vector<Diagnostic>> findings = verifyOutput(**model, *decision);
  if (!findings) {
    printError(toString(findings.takeError()));
    return ExitUsage;
  }
  printDiagnostics(*findings);
  bool failed = any_of(*findings, [](const Diagnostic &d) {
    return d.severity == Severity::Error;
  });
  if (failed && decision->mode == Mode::Enforce) {
    sys::fs::remove((*model)->command.output);
    return ExitViolation;
  }
  return ExitOk;
}

} // namespace allocsel
