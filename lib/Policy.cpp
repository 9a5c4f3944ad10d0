//===- Policy.cpp ---------------------------------------------------------===//
//
// The order of the decision follows DESIGN §2: two allocators among the
// inputs are an error whatever else holds (AS001); a sanitizer runtime owns
// the heap (AS010); an explicit choice beats what the inputs bring, which
// beats the kind's default. Everything the decision rests on is named in
// the diagnostics' `>>>` lines: which input brought which allocator, and why
// the linker takes it.
//
//===----------------------------------------------------------------------===//
#include "Policy.h"

#include "Rules.h"

#include "llvm/ADT/STLExtras.h"
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
    }
    return finish();
  }

private:
  // A tagged allocator's archive also holds the allocator's own members,
  // which its signature symbols identify again as an untagged allocator of
  // the same name (liballocsel-jemalloc.a(jemalloc.pic.o)): one allocator.
  bool isPartOfTagged(const AllocatorIdentity &id) const {
    if (id.tagged)
      return false;
    StringRef archive = StringRef(id.source).split('(').first;
    return any_of(model.allocators, [&](const FoundAllocator &t) {
      return t.identity.tagged && t.identity.name == id.name &&
             StringRef(t.identity.source).split('(').first == archive;
    });
  }

  // The `>>>` line of an allocator among the inputs.
  std::string provenance(const AllocatorIdentity &id) const {
    std::string who = id.tagged ? id.name : id.name + " (untagged)";
    for (const Extraction &e : model.resolution.extracted)
      if (memberName(model.inputs[e.input].path, e.memberName) == id.source)
        return who + ": " + id.source + ", extracted for '" +
               e.symbol.str() + "' referenced by " + e.referencedFrom;
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
    if (!s.added)
      return Error::success();
    Expected<std::unique_ptr<InputFile>> file = InputFile::open(s.added->archive);
    if (!file)
      return file.takeError();
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
               {memberName(s.added->archive, member->name) +
                ": initial-exec TLS relocations"});
        break;
      }
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
  Decision d;
};

} // namespace

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
