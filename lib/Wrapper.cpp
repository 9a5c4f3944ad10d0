//===- Wrapper.cpp --------------------------------------------------------===//
//
// The link path of Wrapper.h, and what it does when something fails on the
// way (docs/reliability.md has the tests):
//   - before the linker runs, any error stops the link: the linker never
//     sees a half-rewritten command line;
//   - allocsel's own files, the stamp object and, where the additions land
//     inside one of the command's response files, a response file
//     (Rewrite.h), are created exclusively next to the output and removed
//     on every way out, a catchable signal included; a file size limit or a
//     full disk while writing one is one error;
//   - a linker killed by a signal leaves a partial output behind, which the
//     next `make` would take for a built one: it is removed;
//   - an input that changes between the model and the end of the link
//     leaves the output unproven: it is removed too, as is one that cannot
//     be read back (a raw image) in enforce mode.
//
//===----------------------------------------------------------------------===//
#include "Wrapper.h"

#include "Diagnostics.h"
#include "LinkModel.h"
#include "Policy.h"
#include "Registry.h"
#include "Rewrite.h"
#include "Stamp.h"
#include "Verify.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>

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

// While allocsel writes a file of its own, a file size limit (`ulimit -f`)
// must make write() fail with EFBIG, which is reported and cleaned up, and
// not kill allocsel with SIGXFSZ (LLVM's handler would print a crash
// report) with the file left behind. The disposition is restored before the
// linker is spawned: it meets the limit as it would without allocsel.
class FileSizeSignalIgnored {
public:
  FileSizeSignalIgnored() {
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, &saved);
  }
  ~FileSizeSignalIgnored() { sigaction(SIGXFSZ, &saved, nullptr); }
  FileSizeSignalIgnored(const FileSizeSignalIgnored &) = delete;
  FileSizeSignalIgnored &operator=(const FileSizeSignalIgnored &) = delete;

private:
  struct sigaction saved;
};

// Writes a file of allocsel's own for the link (the stamp, a response
// file: Rewrite.h) next to the output: created exclusively there (O_EXCL,
// a unique name), so two links into one directory never share it, and
// registered with LLVM's signal handlers, which remove it if allocsel dies
// of a catchable signal before the caller discards it. `what` names it.
Expected<sys::fs::TempFile> writeLinkFile(StringRef output, StringRef stem,
                                          StringRef extension, StringRef what,
                                          StringRef contents) {
  std::string pattern = linkFilePattern(output, stem, extension);
  FileSizeSignalIgnored limitIsAnError;
  Expected<sys::fs::TempFile> file = sys::fs::TempFile::create(pattern);
  if (!file)
    return fileError(sys::path::parent_path(pattern),
                     "cannot create " + what +
                         " in this directory: " + toString(file.takeError()));
  raw_fd_ostream out(file->FD, /*shouldClose=*/false);
  out << contents;
  out.flush();
  if (!out.has_error())
    return file;
  std::string message = out.error().message();
  out.clear_error();
  std::string path = file->TmpName;
  consumeError(file->discard());
  return fileError(path, "cannot write " + what + ": " + message);
}

Expected<sys::fs::TempFile> writeStamp(const LinkModel &model,
                                       const Decision &decision) {
  Expected<std::string> bytes =
      makeStampObject(stampOf(decision), targetOf(model));
  if (!bytes)
    return bytes.takeError();
  return writeLinkFile(model.command.output, "stamp", ".o",
                       "the selection stamp object", *bytes);
}

// Removes the output of a link that must not stand, as a linker does on
// error; says whether it did. Only a regular file: `-o /dev/null` is common
// in configure checks, and builds run as root in containers.
bool removeOutput(StringRef path) {
  sys::fs::file_status status;
  if (sys::fs::status(path, status, /*Follow=*/false) ||
      status.type() != sys::fs::file_type::regular_file)
    return false;
  return !sys::fs::remove(path);
}

// "the output 'app' is removed" when it was, for the error that says why;
// empty when there was none to remove.
std::string removedOutput(StringRef path) {
  return removeOutput(path) ? ("the output '" + path + "' is removed").str()
                            : std::string();
}

// The files the decision rests on, as they were when the model was made:
// every input the model read and the allocator archive allocsel adds, each
// by device and inode, size and modification time. The linker reads them
// again by name; if one was replaced, rewritten or removed in between (a
// library rebuilt by a racing rule, allocators reinstalled), the output
// comes from inputs allocsel never saw and its check proves nothing. ccache
// refuses a compilation whose source changed while it ran, for the same
// reason.
class InputSnapshot {
public:
  InputSnapshot(const LinkModel &model, const Decision &decision) {
    for (const auto &file : model.files)
      add(file.getKey());
    if (decision.selected && decision.selected->added)
      add(decision.selected->added->archive);
  }

  // The first file that is not the one read any more.
  std::optional<std::string> changed() const {
    for (const auto &[path, before] : files) {
      sys::fs::file_status now;
      if (sys::fs::status(path, now) ||
          now.getUniqueID() != before.getUniqueID() ||
          now.getSize() != before.getSize() ||
          now.getLastModificationTime() != before.getLastModificationTime())
        return path;
    }
    return std::nullopt;
  }

private:
  void add(StringRef path) {
    sys::fs::file_status status;
    if (!sys::fs::status(path, status))
      files.emplace_back(path.str(), status);
  }

  std::vector<std::pair<std::string, sys::fs::file_status>> files;
};

} // namespace

int linkWithAllocator(
    Flavour flavour, StringRef realLinker, ArrayRef<std::string> args,
    const WrapperOptions &options,
    function_ref<ProcessStatus(ArrayRef<std::string>)> runLinker) {
  if (options.get(WrapperOption::Mode) == "off")
    return shellExitStatus(runLinker(args), realLinker);

  LinkerInvocation invocation{flavour, realLinker.str(), args.vec()};
  Expected<std::unique_ptr<LinkModel>> model = modelLink(invocation);
  if (!model) {
    printError(toString(model.takeError()));
    return ExitUsage;
  }
  printDiagnostics((*model)->diagnostics);
  const std::string &output = (*model)->command.output;

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
  // --dry-run: the decision and the command, nothing written or run.
  if (options.flag(WrapperOption::DryRun))
    return shellExitStatus(dryRunLink(**model, *decision, runLinker),
                           realLinker);
  InputSnapshot inputs(**model, *decision);

  // allocsel's own files for the link, removed on every way out.
  std::vector<sys::fs::TempFile> linkFiles;
  auto removeLinkFiles = make_scope_exit([&] {
    for (sys::fs::TempFile &file : linkFiles)
      consumeError(file.discard());
  });
  std::string stampPath;
  if (decision->kind != ArtifactKind::Relocatable) {
    Expected<sys::fs::TempFile> written = writeStamp(**model, *decision);
    if (!written) {
      printError(toString(written.takeError()));
      return ExitUsage;
    }
    stampPath = written->TmpName;
    linkFiles.push_back(std::move(*written));
  }
  RewrittenCommand rewritten =
      rewriteLinkCommand(**model, *decision, stampPath);
  for (const RewrittenCommand::ResponseFile &rsp : rewritten.responseFiles) {
    Expected<sys::fs::TempFile> written =
        writeLinkFile(output, "args", ".rsp", "the response file",
                      responseFileText(rsp.args));
    if (!written) {
      printError(toString(written.takeError()));
      return ExitUsage;
    }
    rewritten.args[rsp.index] = "@" + written->TmpName;
    linkFiles.push_back(std::move(*written));
  }

  ProcessStatus status = runLinker(rewritten.args);
  if (status.kind == ProcessStatus::Kind::Signaled)
    return shellExitStatus(status, realLinker, removedOutput(output));
  if (status.kind != ProcessStatus::Kind::Exited || status.code != 0)
    return shellExitStatus(status, realLinker);

  if (std::optional<std::string> changed = inputs.changed()) {
    std::string removed = removedOutput(output);
    printError(toString(
        fileError(*changed, "changed during the link, after allocsel read it" +
                                (removed.empty() ? "" : "; " + removed))));
    return ExitUsage;
  }

  // An output that cannot be read back is not proven either.
  Expected<std::vector<Diagnostic>> findings = verifyOutput(**model, *decision);
  if (!findings) {
    std::string removed =
        decision->mode == Mode::Enforce ? removedOutput(output) : "";
    printError(toString(findings.takeError()) +
               (removed.empty() ? "" : "; " + removed));
    return ExitUsage;
  }
  printDiagnostics(*findings);
  bool failed = any_of(*findings, [](const Diagnostic &d) {
    return d.severity == Severity::Error;
  });
  if (failed && decision->mode == Mode::Enforce) {
    removeOutput(output);
    return ExitViolation;
  }
  return ExitOk;
}

} // namespace allocsel
