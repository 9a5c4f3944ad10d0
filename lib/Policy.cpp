//===- Policy.cpp ---------------------------------------------------------===//
//
// The order of the decision follows DESIGN §2: two allocators among the
// inputs are an error whatever else holds (AS001); a sanitizer runtime owns
// the heap (AS010); an explicit choice beats what the inputs bring, which
// beats the kind's default. Everything the decision rests on is named in
// the diagnostics' `>>>` lines: which input brought which allocator, and why
// the linker takes it.
//
// Two checks look at the allocator's members rather than at its marker.
// AS004 reads the allocator's own archive. AS003 and the `-static` clash
// are about the link the linker will run, with the allocator's archive and
// the `-u` options added (a libc.a(malloc.o) extracted for a symbol only
// the allocator references is not in the link as given): when the inputs
// make either possible, that link is modelled once more from the command
// line the linker gets (rewriteLinkCommand, allocsel's response files
// inlined; the model expands the command's own as it expands any), which
// costs a second resolution.
//
//===----------------------------------------------------------------------===//
#include "Policy.h"

#include "Rewrite.h"
#include "Rules.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace allocsel {

namespace {

// Whether the link takes the C++ runtime: an input defines the
// new-handler functions that libstdc++, libsupc++ and libc++ define.
bool hasCxxRuntime(const LinkModel &model) {
  auto isRuntimeSymbol = [](StringRef s) {
    return s == "_ZSt15get_new_handlerv" || s == "_ZSt15set_new_handlerPFvvE";
  };
  for (const LinkedInput &in : model.inputs) {
    const InputFile &file = *in.file;
    if (file.object && any_of(file.object->symbols, [&](const Symbol &s) {
          return s.isDefined && isRuntimeSymbol(s.name);
        }))
      return true;
    if (file.archive &&
        any_of(file.archive->index(), [&](const ArchiveFile::IndexEntry &e) {
          return isRuntimeSymbol(e.symbol);
        }))
      return true;
  }
  return false;
}

// The functions of the allocsel ABI (allocators/include/allocsel/allocator.h).
constexpr StringRef abiFunctions[] = {
    "allocsel_alloc", "allocsel_dealloc", "allocsel_realloc",
    "allocsel_realloc_in_place", "allocsel_usable_size"};

// A system library's archive (libc.a, libstdc++.a): its index shows a
// signature of the system allocator (DESIGN §1, System definitions).
bool isSystemArchive(const ArchiveFile &archive) {
  return any_of(archive.index(), [](const ArchiveFile::IndexEntry &e) {
    const Signature *s = findSignature(e.symbol);
    return s && s->provider == Provider::System;
  });
}

// Whether a system archive of the link defines an entry point of
// `surface`: only then can the link extract a member of it that clashes
// with the allocator.
bool systemArchiveDefines(const LinkModel &model, EntryPointSet surface) {
  for (const auto &entry : model.files) {
    const ArchiveFile *archive = entry.second->archive.get();
    if (!archive)
      continue;
    bool defines = any_of(archive->index(), [&](const auto &e) {
      std::optional<EntryPoint> ep = findEntryPoint(e.symbol);
      return ep && surface.contains(*ep);
    });
    if (defines && isSystemArchive(*archive))
      return true;
  }
  return false;
}

// The inputs of `model` tagged needs-allocator: an archive by the anchor in
// its index, an object by its note or anchor.
Expected<std::vector<NeedsAllocatorTag>>
needsAllocatorTags(const LinkModel &model) {
  std::vector<NeedsAllocatorTag> tags;
  StringRef prefix = ALLOCSEL_NEEDS_ALLOCATOR_ANCHOR_PREFIX;
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const LinkedInput &in = model.inputs[i];
    if (in.file->object) {
      if (std::optional<std::string> lib =
              needsAllocatorLibrary(*in.file->object))
        tags.push_back({i, *lib, in.path});
      continue;
    }
    if (!in.file->archive)
      continue;
    for (const ArchiveFile::IndexEntry &e : in.file->archive->index()) {
      if (!e.symbol.startswith(prefix))
        continue;
      Expected<const ArchiveFile::Member &> member =
          in.file->archive->member(e.member);
      if (!member)
        return withFile(in.path, member.takeError());
      tags.push_back({i, e.symbol.drop_front(prefix.size()).str(),
                      memberName(in.path, member->name)});
      break;
    }
  }
  return tags;
}

// `a, b, c`, entry points by the names people read.
std::string entryPointList(EntryPointSet set) {
  std::vector<std::string> names;
  set.forEach([&](EntryPoint e) { names.push_back(entryPointDisplayName(e)); });
  return join(names, ", ");
}

// The defaults of DESIGN §2, in one place.
struct KindDefault {
  ArtifactKind kind;
  StringRef builtin; // empty: no default
  std::optional<WrapperOption> override;
  // Where the built-in default is not installed, fall back to `system`
  // with a note rather than fail (only an executable's jemalloc).
  bool fallsBackToSystem;
};

constexpr KindDefault kindDefaults[] = {
    {ArtifactKind::Executable, "jemalloc", WrapperOption::DefaultExe, true},
    {ArtifactKind::SharedLibrary, "system", WrapperOption::DefaultShared,
     false},
    {ArtifactKind::StaticLibrary, "system", std::nullopt, false},
    {ArtifactKind::Relocatable, "", std::nullopt, false},
};

const KindDefault &kindDefault(ArtifactKind kind) {
  return *find_if(kindDefaults,
                  [&](const KindDefault &d) { return d.kind == kind; });
}

ArtifactKind kindOf(const LinkModel &model, const WrapperOptions &options) {
  if (std::optional<std::string> k = options.get(WrapperOption::Kind)) {
    for (ArtifactKind kind :
         {ArtifactKind::Executable, ArtifactKind::SharedLibrary,
          ArtifactKind::StaticLibrary, ArtifactKind::Relocatable})
      if (kindName(kind) == *k)
        return kind;
  }
  switch (model.command.outputKind()) {
  case LinkCommand::OutputKind::SharedLibrary:
    return ArtifactKind::SharedLibrary;
  case LinkCommand::OutputKind::Relocatable:
    return ArtifactKind::Relocatable;
  case LinkCommand::OutputKind::Executable:
    return ArtifactKind::Executable;
  }
  llvm_unreachable("unknown output kind");
}

Mode modeOf(const WrapperOptions &options) {
  std::optional<std::string> m = options.get(WrapperOption::Mode);
  if (m == "warn")
    return Mode::Warn;
  if (m == "off")
    return Mode::Off;
  return Mode::Enforce;
}

// Builds the decision step by step; each step may add diagnostics.
class Decider {
public:
  Decider(const LinkModel &model, const WrapperOptions &options,
          ArrayRef<std::string> searchPath)
      : model(model), options(options), searchPath(searchPath) {}

  Expected<Decision> run() {
    d.kind = kindOf(model, options);
    d.mode = modeOf(options);
    d.needsAllocator = model.needsAllocator;
    d.exportAllocator = options.flag(WrapperOption::ExportAllocator);
    for (const FoundAllocator &a : model.allocators)
      if (!isPartOfTagged(a.identity))
        (a.identity.provider == Provider::Sanitizer ? sanitizers : found)
            .push_back(&a);
    explicitName = options.get(WrapperOption::Allocator);

    if (checkDuplicates())
      return finish();
    Error e = sanitizers.empty() ? select() : selectUnderSanitizer();
    if (e)
      return e;
    if (d.selected) {
      bool cxx = hasCxxRuntime(model);
      d.selected->surface.forEach([&](EntryPoint e) {
        if (e < EP_FirstCxx || cxx)
          d.selected->forced.insert(e);
      });
      checkSurface();
      if (Error e = checkSharedLibrary())
        return e;
      if (Error e = checkReentry())
        return e;
      if (Error e = checkLinkWithAllocator())
        return e;
    }
    return finish();
  }

private:
  // A tagged allocator's archive also holds the allocator's own members,
  // which its signature symbols identify again as an untagged allocator of
  // the same name (liballocsel-jemalloc.a(jemalloc.pic.o)), or, having no
  // signature, as an unknown one (the shim's members in an allocator on
  // the ABI): one allocator. A recognised allocator of another name in the
  // same archive is a second one.
  bool isPartOfTagged(const AllocatorIdentity &id) const {
    if (id.tagged)
      return false;
    StringRef archive = StringRef(id.source).split('(').first;
    return any_of(model.allocators, [&](const FoundAllocator &t) {
      return t.identity.tagged &&
             (t.identity.name == id.name || id.name == "unknown") &&
             StringRef(t.identity.source).split('(').first == archive;
    });
  }

  // The `>>>` line of an allocator among the inputs.
  std::string provenance(const AllocatorIdentity &id) const {
    std::string who = id.tagged ? id.name : id.name + " (untagged)";
    for (const Extraction &e : model.resolution.extracted)
      if (memberName(model.inputs[e.input].path, e.memberName) == id.source)
        return who + ": " + describeExtraction(model, e);
    return who + ": " + id.source + ", requested on the command line";
  }

  std::string explicitProvenance() const {
    return *explicitName + ": selected by --allocator or ALLOCSEL_ALLOCATOR";
  }

  void report(Rule rule, std::string message,
              std::vector<std::string> provenance = {},
              std::optional<Severity> severity = std::nullopt) {
    Diagnostic diag = makeDiagnostic(rule, std::move(message));
    if (severity)
      diag.severity = *severity;
    diag.provenance = std::move(provenance);
    d.diagnostics.push_back(std::move(diag));
  }

  void note(std::string message) {
    d.diagnostics.push_back({"", Severity::Note, std::move(message), {}});
  }

  std::string artifact() const {
    return (kindName(d.kind) + " '" +
            sys::path::filename(model.command.output) + "'")
        .str();
  }

  // AS001: two different allocators among the inputs, or one other than
  // the one asked for.
  bool checkDuplicates() {
    std::vector<std::string> lines;
    std::vector<std::string> names;
    for (const FoundAllocator *a : found) {
      if (!is_contained(names, a->identity.name))
        names.push_back(a->identity.name);
      lines.push_back(provenance(a->identity));
    }
    if (explicitName && !found.empty() && !is_contained(names, *explicitName)) {
      names.push_back(*explicitName);
      lines.insert(lines.begin(), explicitProvenance());
    }
    if (names.size() < 2)
      return false;
    report(Rule::AS001, "duplicate allocator in " + artifact(),
           std::move(lines));
    return true;
  }

  // The installed allocator `name`, or AS002.
  Expected<std::optional<InstalledAllocator>> installed(StringRef name,
                                                        StringRef why) {
    Expected<std::optional<InstalledAllocator>> a =
        findAllocator(name, searchPath);
    if (!a)
      return a.takeError();
    if (!*a)
      report(Rule::AS002,
             ("allocator '" + name + "' is not installed").str(),
             {(name + ": " + why).str(),
              "searched: " + join(searchPath, ":")});
    return a;
  }

  void selectInstalled(InstalledAllocator a, SelectionHow how) {
    Selection s;
    s.name = a.name;
    s.how = how;
    s.cls = a.identity.cls;
    s.onAbi = a.identity.onAbi;
    s.file = a.archive;
    s.surface = a.identity.surface;
    s.libs = a.identity.libs;
    s.added = std::move(a);
    d.selected = std::move(s);
  }

  void selectFound(const AllocatorIdentity &id, SelectionHow how) {
    Selection s;
    s.name = id.name;
    s.how = how;
    s.cls = id.cls;
    s.onAbi = id.onAbi;
    s.file = StringRef(id.source).split('(').first.str();
    s.surface = id.surface;
    s.libs = id.libs;
    auto file = model.files.find(id.source);
    if (file != model.files.end() &&
        file->second->kind == InputKind::SharedObject)
      s.sharedObject = id.source;
    d.selected = std::move(s);
    if (!id.tagged)
      report(Rule::AS006,
             "untagged allocator " + id.name + " accepted as the allocator of " +
                 artifact() + "; link liballocsel-" + id.name +
                 ".a instead so that the choice is checked",
             {provenance(id)});
  }

  Error select() {
    if (explicitName) {
      if (!found.empty()) {
        selectFound(found.front()->identity, SelectionHow::Explicit);
        return Error::success();
      }
      Expected<std::optional<InstalledAllocator>> a =
          installed(*explicitName, "selected by --allocator or ALLOCSEL_ALLOCATOR");
      if (!a)
        return a.takeError();
      if (*a)
        selectInstalled(std::move(**a), SelectionHow::Explicit);
      return Error::success();
    }
    if (!found.empty()) {
      selectFound(found.front()->identity, SelectionHow::Found);
      return Error::success();
    }
    if (!d.needsAllocator) {
      note("nothing " + artifact() +
           " links references an allocation entry point: no allocator");
      return Error::success();
    }
    return selectDefault();
  }

  Error selectDefault() {
    const KindDefault &def = kindDefault(d.kind);
    std::optional<std::string> configured =
        def.override ? options.get(*def.override) : std::nullopt;
    if (!configured && def.builtin.empty())
      return Error::success(); // -r: at most one, no default
    std::string name = configured ? *configured : def.builtin.str();
    if (!configured && def.fallsBackToSystem) {
      Expected<std::optional<InstalledAllocator>> a =
          findAllocator(name, searchPath);
      if (!a)
        return a.takeError();
      if (*a) {
        selectInstalled(std::move(**a), SelectionHow::Default);
        return Error::success();
      }
      note("allocator '" + name + "' is not installed: " + artifact() +
           " gets 'system'");
      name = "system";
    }
    std::string why = configured ? "the configured default of " +
                                       kindName(d.kind).str() + "s"
                                 : "the default of " + kindName(d.kind).str() +
                                       "s";
    Expected<std::optional<InstalledAllocator>> a = installed(name, why);
    if (!a)
      return a.takeError();
    if (*a)
      selectInstalled(std::move(**a), SelectionHow::Default);
    return Error::success();
  }

  // AS010: the sanitizer runtime interposes the heap itself.
  Error selectUnderSanitizer() {
    const AllocatorIdentity &runtime = sanitizers.front()->identity;
    std::string line = runtime.name + " runtime: " + runtime.source;
    for (const FoundAllocator *a : found)
      if (a->identity.cls == AllocatorClass::Overriding) {
        report(Rule::AS010,
               "sanitizer runtime " + runtime.name + " owns the heap of " +
                   artifact() + ", but allocator '" + a->identity.name +
                   "' was requested",
               {line, provenance(a->identity)}, Severity::Error);
        return Error::success();
      }
    if (explicitName && *explicitName != "system") {
      report(Rule::AS010,
             "sanitizer runtime " + runtime.name + " owns the heap of " +
                 artifact() + ", but allocator '" + *explicitName +
                 "' was requested",
             {line, explicitProvenance()}, Severity::Error);
      return Error::success();
    }
    report(Rule::AS010,
           "sanitizer runtime " + runtime.name + " owns the heap of " +
               artifact() + ": allocator 'system' selected",
           {line});
    Expected<std::optional<InstalledAllocator>> a =
        installed("system", "selected under a sanitizer");
    if (!a)
      return a.takeError();
    if (*a)
      selectInstalled(std::move(**a), SelectionHow::Default);
    return Error::success();
  }

  // What the link's objects and needed shared objects reference.
  EntryPointSet referencedByInputs() const {
    EntryPointSet used;
    for (const LinkedObject &o : model.resolution.objects)
      used.merge(entryPointUse(*o.object).referenced);
    for (size_t i = 0; i < model.inputs.size(); ++i)
      if (model.resolution.neededShared[i] && model.inputs[i].file->object)
        used.merge(entryPointUse(*model.inputs[i].file->object).referenced);
    return used;
  }

  // AS008: an overriding allocator that defines free but not everything
  // whose result free receives; the missing ones would come from glibc.
  void checkSurface() {
    const Selection &s = *d.selected;
    if (s.cls != AllocatorClass::Overriding || !s.surface.contains(EP_free))
      return;
    EntryPointSet needed;
    for (EntryPoint e : {EP_malloc, EP_calloc, EP_realloc, EP_aligned_alloc,
                         EP_posix_memalign, EP_memalign, EP_valloc,
                         EP_pvalloc, EP_malloc_usable_size})
      needed.insert(e);
    EntryPointSet missing = needed.minus(s.surface);
    if (missing.empty())
      return;
    std::vector<std::string> names;
    missing.forEach(
        [&](EntryPoint e) { names.push_back(entryPointSymbol(e).str()); });
    EntryPointSet used = referencedByInputs();
    bool usedMissing = false;
    missing.forEach([&](EntryPoint e) { usedMissing |= used.contains(e); });
    report(Rule::AS008,
           "allocator '" + s.name + "' defines free but not " +
               join(names, ", ") + ": those would come from glibc's heap",
           {s.name + (usedMissing ? ": a missing function is referenced "
                                    "by an input of this link"
                                  : ": no input references them")},
           usedMissing ? Severity::Error : Severity::Warning);
  }

  // A shared library binds an overriding allocator privately (unless told
  // to export it), and initial-exec TLS in it may break dlopen (AS011).
  Error checkSharedLibrary() {
    const Selection &s = *d.selected;
    if (d.kind != ArtifactKind::SharedLibrary ||
        s.cls != AllocatorClass::Overriding)
      return Error::success();
    d.privateBinding = !d.exportAllocator;
    // Only an archive's members can be bound privately (--exclude-libs) and
    // are read here; objects given as such are the verifier's (AS005).
    Expected<InputFile *> file = allocatorFile();
    if (!file)
      return file.takeError();
    if (!(*file)->archive)
      return Error::success();
    Expected<std::vector<uint64_t>> members = (*file)->archive->members();
    if (!members)
      return members.takeError();
    for (uint64_t m : *members) {
      Expected<const ArchiveFile::Member &> member =
          (*file)->archive->member(m);
      if (!member)
        return member.takeError();
      Expected<bool> ie = usesInitialExecTls(member->buffer);
      if (!ie)
        return ie.takeError();
      if (*ie) {
        report(Rule::AS011,
               "allocator '" + s.name + "' uses initial-exec TLS in " +
                   artifact() +
                   ": dlopen of it can fail with 'cannot allocate memory in "
                   "static TLS block'",
               {memberName(s.file, member->name) +
                ": initial-exec TLS relocations"});
        break;
      }
    }
    return Error::success();
  }

  // The file holding the selected allocator's members: an input of the
  // link, or the installed archive, opened once.
  Expected<InputFile *> allocatorFile() {
    const Selection &s = *d.selected;
    auto input = model.files.find(s.file);
    if (input != model.files.end())
      return input->second.get();
    if (!addedFile) {
      Expected<std::unique_ptr<InputFile>> file = InputFile::open(s.file);
      if (!file)
        return file.takeError();
      addedFile = std::move(*file);
    }
    return addedFile.get();
  }

  // AS004, over the members of an allocator built on the ABI.
  Error checkReentry() {
    const Selection &s = *d.selected;
    if (!s.onAbi)
      return Error::success();
    Expected<InputFile *> file = allocatorFile();
    if (!file)
      return file.takeError();
    Expected<MemberGraph> members = fileGraph(**file);
    if (!members)
      return members.takeError();
    if (std::optional<Diagnostic> diag = allocsel::checkReentry(s.name, *members))
      d.diagnostics.push_back(std::move(*diag));
    return Error::success();
  }

  // AS003 and the clash of a system archive's member with the allocator,
  // in the link the linker will run.
  Error checkLinkWithAllocator() {
    const Selection &s = *d.selected;
    Expected<std::vector<NeedsAllocatorTag>> tags = needsAllocatorTags(model);
    if (!tags)
      return tags.takeError();
    bool clashes = s.cls == AllocatorClass::Overriding &&
                   systemArchiveDefines(model, s.surface);
    if (tags->empty() && !clashes)
      return Error::success();
    Expected<std::unique_ptr<LinkModel>> linked =
        modelLink({model.command.flavour, model.program,
                   rewriteLinkCommand(model, d, /*stampPath=*/"").inlined()},
                  &model);
    if (!linked)
      return linked.takeError();
    auto isAllocatorInput = [&](size_t i) {
      return (*linked)->inputs[i].path == s.file;
    };
    if (!tags->empty()) {
      Expected<std::vector<NeedsAllocatorTag>> linkedTags =
          needsAllocatorTags(**linked);
      if (!linkedTags)
        return linkedTags.takeError();
      Expected<MemberGraph> graph = linkGraph(**linked);
      if (!graph)
        return graph.takeError();
      if (std::optional<Diagnostic> diag = checkNeedsAllocator(
              s.name, *graph, isAllocatorInput, *linkedTags))
        d.diagnostics.push_back(std::move(*diag));
    }
    if (clashes)
      return checkSystemClash(**linked, isAllocatorInput);
    return Error::success();
  }

  // The classic `-static` clash (DESIGN §2): a member of a system archive,
  // libc.a(malloc.o), is extracted — for a glibc-internal symbol such as
  // __libc_malloc, or for malloc_trim — and defines what the allocator
  // defines. Two heaps in one artifact: AS001, with the chain of
  // extractions that brings the member in (docs/rules.md).
  Error checkSystemClash(const LinkModel &linked,
                         function_ref<bool(size_t)> isAllocatorInput) {
    StringSet<> allocatorDefines;
    for (size_t i = 0; i < linked.inputs.size(); ++i)
      if (isAllocatorInput(i) && linked.inputs[i].file->object)
        for (const Symbol &sym : linked.inputs[i].file->object->symbols)
          if (sym.isDefined)
            allocatorDefines.insert(sym.name);
    for (const Extraction &e : linked.resolution.extracted) {
      if (!isAllocatorInput(e.input))
        continue;
      const LinkedInput &in = linked.inputs[e.input];
      Expected<const ObjectInfo &> object = in.file->archive->object(e.member);
      if (!object)
        return withFile(in.path, object.takeError());
      for (const Symbol &sym : object->symbols)
        if (sym.isDefined)
          allocatorDefines.insert(sym.name);
    }
    DenseMap<const ArchiveFile *, bool> systemArchives;
    auto isSystem = [&](const ArchiveFile &archive) {
      auto [it, inserted] = systemArchives.try_emplace(&archive, false);
      if (inserted)
        it->second = isSystemArchive(archive);
      return it->second;
    };
    for (const Extraction &e : linked.resolution.extracted) {
      const LinkedInput &in = linked.inputs[e.input];
      if (isAllocatorInput(e.input) || !isSystem(*in.file->archive))
        continue;
      Expected<const ObjectInfo &> object = in.file->archive->object(e.member);
      if (!object)
        return withFile(in.path, object.takeError());
      // A weak definition in the member yields to the allocator's; a
      // strong one is a "multiple definition", or wins over a weak one.
      EntryPointSet entryPoints;
      std::vector<std::string> others;
      for (const Symbol &sym : object->symbols) {
        if (!sym.isDefined || sym.isWeak || !allocatorDefines.count(sym.name))
          continue;
        if (std::optional<EntryPoint> ep = findEntryPoint(sym.name))
          entryPoints.insert(*ep);
        else
          others.push_back(sym.name.str());
      }
      if (entryPoints.empty())
        continue;
      std::string member =
          memberName(sys::path::filename(in.path), e.memberName);
      std::vector<std::string> lines;
      for (const Extraction *x : extractionChain(linked, e))
        lines.push_back((lines.empty() ? "system: " : "") +
                        describeExtraction(linked, *x));
      std::string both = entryPointList(entryPoints);
      if (!others.empty())
        both += ", " + join(others, ", ");
      lines.push_back(member + " and allocator '" + d.selected->name +
                      "' both define " + both);
      report(Rule::AS001,
             "duplicate allocator in " + artifact() + ": the system's " +
                 member + " would be linked beside allocator '" +
                 d.selected->name + "'",
             std::move(lines));
    }
    return Error::success();
  }

  Decision finish() {
    // In warn mode nothing fails the link: errors are reported as warnings.
    if (d.mode == Mode::Warn)
      for (Diagnostic &diag : d.diagnostics)
        if (diag.severity == Severity::Error)
          diag.severity = Severity::Warning;
    return std::move(d);
  }

  const LinkModel &model;
  const WrapperOptions &options;
  ArrayRef<std::string> searchPath;
  std::vector<const FoundAllocator *> found, sanitizers;
  std::optional<std::string> explicitName;
  std::unique_ptr<InputFile> addedFile; // see allocatorFile
  Decision d;
};

} // namespace

std::optional<std::string> needsAllocatorLibrary(const ObjectInfo &object) {
  if (!object.notes.needsAllocator.empty())
    return object.notes.needsAllocator.front().name;
  StringRef prefix = ALLOCSEL_NEEDS_ALLOCATOR_ANCHOR_PREFIX;
  for (const Symbol &s : object.symbols)
    if (s.isDefined && s.name.startswith(prefix))
      return s.name.drop_front(prefix.size()).str();
  return std::nullopt;
}

std::optional<Diagnostic>
checkNeedsAllocator(StringRef name, const MemberGraph &graph,
                    function_ref<bool(size_t)> isAllocatorInput,
                    ArrayRef<NeedsAllocatorTag> tags) {
  auto tagOf = [&](MemberGraph::Node n) -> const NeedsAllocatorTag * {
    if (isAllocatorInput(graph.input(n)))
      return nullptr;
    auto it = find_if(tags, [&](const NeedsAllocatorTag &t) {
      return t.input == graph.input(n);
    });
    return it == tags.end() ? nullptr : &*it;
  };
  std::vector<MemberGraph::Node> allocator;
  for (MemberGraph::Node n = 0; n < graph.size(); ++n)
    if (isAllocatorInput(graph.input(n)))
      allocator.push_back(n);
  std::optional<std::vector<MemberGraph::Step>> chain = graph.findChain(
      allocator, [&](MemberGraph::Node n) { return tagOf(n) != nullptr; });
  if (!chain)
    return std::nullopt;
  const NeedsAllocatorTag &tag = *tagOf(chain->back().to);
  Diagnostic diag = makeDiagnostic(
      Rule::AS003, "allocator '" + name.str() +
                       "' depends on needs-allocator library '" + tag.library +
                       "'");
  diag.provenance = graph.describe(*chain);
  diag.provenance.push_back(tag.source + ": needs-allocator marker of '" +
                            tag.library + "'");
  return diag;
}

std::optional<Diagnostic> checkReentry(StringRef name,
                                       const MemberGraph &members) {
  // The shim's members define entry points and reference none
  // (allocators/shim/shim.c): the walk does not pass through them, since
  // that is the way every entry point leads back to the ABI.
  auto isShim = [&](MemberGraph::Node n) {
    EntryPointUse use = entryPointUse(members.object(n));
    return !use.defined.empty() && use.referenced.empty();
  };
  auto referencesEntryPoint = [&](MemberGraph::Node n) {
    return !entryPointUse(members.object(n)).referenced.empty();
  };
  std::vector<MemberGraph::Node> abi;
  for (MemberGraph::Node n = 0; n < members.size(); ++n)
    if (any_of(members.object(n).symbols, [](const Symbol &s) {
          return s.isDefined && is_contained(abiFunctions, s.name);
        }))
      abi.push_back(n);
  std::optional<std::vector<MemberGraph::Step>> chain = members.findChain(
      abi, referencesEntryPoint,
      [&](MemberGraph::Node n) { return !isShim(n); });
  if (!chain)
    return std::nullopt;
  MemberGraph::Node start = chain->empty()
                                ? *find_if(abi, referencesEntryPoint)
                                : chain->front().from;
  MemberGraph::Node end = chain->empty() ? start : chain->back().to;
  std::vector<std::string> defined;
  for (const Symbol &s : members.object(start).symbols)
    if (s.isDefined && is_contained(abiFunctions, s.name))
      defined.push_back(s.name.str());
  std::vector<std::string> referenced;
  entryPointUse(members.object(end)).referenced.forEach([&](EntryPoint e) {
    referenced.push_back("'" + entryPointDisplayName(e) + "'");
  });
  Diagnostic diag = makeDiagnostic(
      Rule::AS004, "allocator '" + name.str() +
                       "' re-enters allocation: its ABI functions reach " +
                       referenced.front() +
                       ", which the shim turns back into the ABI");
  diag.provenance.push_back(members.name(start).str() + " defines " +
                            join(defined, ", "));
  for (std::string &line : members.describe(*chain))
    diag.provenance.push_back(std::move(line));
  diag.provenance.push_back(members.name(end).str() + " references " +
                            join(referenced, ", "));
  return diag;
}

bool Decision::hasErrors() const {
  return any_of(diagnostics, [](const Diagnostic &diag) {
    return diag.severity == Severity::Error;
  });
}

Expected<Decision> decide(const LinkModel &model, const WrapperOptions &options,
                          ArrayRef<std::string> searchPath) {
  return Decider(model, options, searchPath).run();
}

SelectionStamp stampOf(const Decision &decision) {
  SelectionStamp stamp;
  stamp.kind = decision.kind;
  stamp.toolVersion = ALLOCSEL_VERSION;
  if (decision.selected) {
    stamp.allocator = decision.selected->name;
    stamp.how = decision.selected->how;
  }
  if (decision.exportAllocator)
    stamp.flags |= ALLOCSEL_STAMP_EXPORT_ALLOCATOR;
  if (decision.privateBinding)
    stamp.flags |= ALLOCSEL_STAMP_PRIVATE;
  if (decision.mode == Mode::Warn)
    stamp.flags |= ALLOCSEL_STAMP_WARN_MODE;
  return stamp;
}

} // namespace allocsel
