//===- Verify.cpp ---------------------------------------------------------===//
#include "Verify.h"

#include "Rules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/Magic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace allocsel {

namespace {

class Verifier {
public:
  Verifier(const LinkModel &model, const Decision &decision,
           const ObjectInfo &output)
      : model(model), decision(decision), output(output),
        path(model.command.output) {}

  std::vector<Diagnostic> run() {
    checkStamp();
    if (decision.selected)
      checkAllocator(*decision.selected);
    checkExports();
    return std::move(diagnostics);
  }

private:
  void report(Rule rule, std::string message, std::vector<std::string> lines) {
    Diagnostic d = makeDiagnostic(rule, std::move(message));
    d.provenance = std::move(lines);
    if (decision.mode == Mode::Warn && d.severity == Severity::Error)
      d.severity = Severity::Warning;
    diagnostics.push_back(std::move(d));
  }

  void mismatch(const Twine &what) {
    report(Rule::AS009, ("output '" + path + "' does not show the decision: " +
                         what)
                            .str(),
           {"decided: " +
            (decision.selected ? decision.selected->name : std::string("none")) +
            " for " + kindName(decision.kind).str()});
  }

  // Exactly one stamp of the artifact's own kind, naming the decision. A
  // static library's stamp may travel in beside it.
  void checkStamp() {
    if (decision.kind == ArtifactKind::Relocatable)
      return;
    // A note section that lost its SHT_NOTE type is in no PT_NOTE segment:
    // it is not loaded, and a reader of program headers sees nothing.
    if (!output.notes.empty() && !output.notesInPtNote)
      mismatch("its allocsel notes are in no PT_NOTE segment");
    std::vector<const SelectionStamp *> own;
    for (const SelectionStamp &s : output.notes.stamps)
      if (s.kind == decision.kind)
        own.push_back(&s);
    if (own.size() != 1) {
      mismatch(Twine(own.size()) + " selection stamps of its kind, not 1");
      return;
    }
    std::string expected =
        decision.selected ? decision.selected->name : std::string();
    if (own.front()->allocator != expected)
      mismatch("its stamp names '" + own.front()->allocator + "'");
  }

  // What the output defines: .dynsym, and .symtab when not stripped.
  EntryPointSet defined() const {
    EntryPointSet set = output.symbolScan.defined;
    set.merge(output.internalScan.defined);
    return set;
  }

  void checkAllocator(const Selection &s) {
    bool tagged = s.added || any_of(model.allocators, [&](const auto &a) {
                    return a.identity.tagged && a.identity.name == s.name;
                  });
    if (tagged && none_of(output.notes.allocators,
                          [&](const AllocatorMarker &m) {
                            return m.name == s.name;
                          }))
      mismatch("no marker of allocator '" + s.name + "'");
    if (s.cls == AllocatorClass::SharedObject && !s.libs.empty()) {
      std::string prefix = "lib" + s.libs.front() + ".so";
      if (none_of(output.needed,
                  [&](StringRef n) { return n.startswith(prefix); }))
        mismatch("no DT_NEEDED entry for " + prefix);
    }
    if (!s.sharedObject.empty()) {
      checkSharedObjectNeeded(s.sharedObject);
      return;
    }
    if (s.cls != AllocatorClass::Overriding)
      return;
    // A stripped, privately bound library shows nothing to check.
    if (!output.internalScan.hasSymbols &&
        decision.kind == ArtifactKind::SharedLibrary)
      return;
    EntryPointSet missing =
        s.forced.minus(defined());
    if (!missing.empty())
      mismatch("the allocator's " + entryPointNames(missing) +
               " are not defined in it");
  }

  // An allocator found in a shared input (a raw -ljemalloc) serves the
  // process from that library: it must be in DT_NEEDED (--as-needed could
  // have dropped it), its entry points are its own to define and export.
  void checkSharedObjectNeeded(StringRef library) {
    auto file = model.files.find(library);
    std::string soname = file != model.files.end() && file->second->object &&
                                 !file->second->object->soname.empty()
                             ? file->second->object->soname.str()
                             : sys::path::filename(library).str();
    if (!is_contained(output.needed, StringRef(soname)))
      mismatch("no DT_NEEDED entry for " + soname);
  }

  static std::string entryPointNames(EntryPointSet set) {
    std::vector<std::string> names;
    set.forEach(
        [&](EntryPoint e) { names.push_back(entryPointSymbol(e).str()); });
    return join(names, ", ");
  }

  // AS005 for a shared library, AS012 for an executable.
  void checkExports() {
    EntryPointSet exported = output.symbolScan.defined;
    if (decision.kind == ArtifactKind::SharedLibrary &&
        !decision.exportAllocator && !exported.empty())
      report(Rule::AS005,
             "shared library '" + path + "' exports the heap: " +
                 entryPointNames(exported),
             {"link it with --export-allocator if it is meant to replace "
              "the process's heap"});
    const std::optional<Selection> &s = decision.selected;
    if (decision.kind != ArtifactKind::Executable || !s ||
        s->cls != AllocatorClass::Overriding || !s->sharedObject.empty() ||
        !output.symbolScan.hasSymbols)
      return;
    EntryPointSet unexported =
        s->forced.minus(exported);
    if (!unexported.empty())
      report(Rule::AS012,
             "executable '" + path + "' does not export " +
                 entryPointNames(unexported),
             {"a library loaded with dlopen would bind to another heap"});
  }

  const LinkModel &model;
  const Decision &decision;
  const ObjectInfo &output;
  std::string path;
  std::vector<Diagnostic> diagnostics;
};

} // namespace

static bool isElf(file_magic magic) {
  return magic == file_magic::elf || magic == file_magic::elf_relocatable ||
         magic == file_magic::elf_executable ||
         magic == file_magic::elf_shared_object;
}

Expected<std::vector<Diagnostic>> verifyOutput(const LinkModel &model,
                                               const Decision &decision) {
  const std::string &path = model.command.output;
  // `-o /dev/null`: a link made only to see that it links (configure
  // checks). Nothing was kept, nothing can be read back.
  sys::fs::file_status status;
  if (!sys::fs::status(path, status) &&
      status.type() != sys::fs::file_type::regular_file)
    return std::vector<Diagnostic>();
  // A raw image (--oformat binary, OUTPUT_FORMAT(ihex) in a script, for
  // firmware) has no notes or symbols to read back, and the stamp's
  // allocated note went into the image itself, ahead of the code: say so
  // rather than "unknown file format". (An output that cannot be read at
  // all is InputFile::open's to explain.)
  file_magic magic;
  if (!identify_magic(path, magic) && !isElf(magic))
    return fileError(path, "not an ELF file (--oformat, OUTPUT_FORMAT): "
                           "allocsel cannot verify a raw image, and its "
                           "stamp is inside it; link raw images with "
                           "ALLOCSEL_MODE=off");
  Expected<std::unique_ptr<InputFile>> file =
      InputFile::open(path, ReadMode::Verify);
  if (!file)
    return file.takeError();
  if (!(*file)->object)
    return fileError(path, "the output is not an ELF file");
  return Verifier(model, decision, *(*file)->object).run();
}

} // namespace allocsel
