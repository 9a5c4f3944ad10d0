//===- Check.cpp ----------------------------------------------------------===//
//
// A scan in two passes. The first reads every file once, in parallel: its
// magic (four bytes; what is neither ELF nor an archive is skipped without
// mapping it), then the parts libObject needs — .dynsym, .symtab
// definitions, notes, .dynamic of a linked output; the symbol index and the
// marker members of an archive. Each artifact's own rules come out of that
// pass. The second pass, with --closure, walks the DT_NEEDED closure of each
// program and library over the summaries of the first, reading only the
// libraries outside the scanned tree.
//
// Which allocators count where, in one place:
//  - a *system* allocator (glibc, the C++ runtime, glibc's debugging
//    mallocs that forward to glibc's heap) never conflicts with anything;
//  - a sanitizer runtime owns the heap: AS010 with any overriding one;
//  - every other allocator, tagged or untagged, counts for AS001;
//  - a shared library brings its allocator into the process only if its
//    .dynsym defines entry points: one bound privately is its own business.
//
//===----------------------------------------------------------------------===//
#include "Check.h"

#include "Closure.h"
#include "Rules.h"
#include "Stamp.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Threading.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace llvm;

namespace allocsel {

namespace {

//===- Walking and parallel scanning --------------------------------------===//

// Files named on the command line are taken as they are (a symlink is
// followed); inside a directory only regular files count, so that a library
// and its symlinks (libfoo.so -> libfoo.so.1 -> libfoo.so.1.2) are one
// artifact, reported by its real name.
void collectFiles(StringRef path, std::vector<std::string> &files,
                  std::vector<std::string> &errors) {
  sys::fs::file_status st;
  if (std::error_code ec = sys::fs::status(path, st)) {
    errors.push_back((path + ": " + ec.message()).str());
    return;
  }
  if (!sys::fs::is_directory(st)) {
    files.push_back(path.str());
    return;
  }
  std::error_code ec;
  for (sys::fs::recursive_directory_iterator it(path, ec, /*follow=*/false),
       end;
       it != end && !ec; it.increment(ec)) {
    if (it->type() == sys::fs::file_type::regular_file)
      files.push_back(it->path());
  }
  if (ec)
    errors.push_back((path + ": " + ec.message()).str());
}

enum class Magic { Elf, Archive, Other, Unreadable };

Magic readMagic(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return Magic::Unreadable;
  }
  char buf[8];
  ssize_t n = ::pread(fd, buf, sizeof(buf), 0);
  ::close(fd);
  if (n < 0) {
    error = path + ": " + std::strerror(errno);
    return Magic::Unreadable;
  }
  StringRef head(buf, n);
  if (head.startswith("\x7f"
                      "ELF"))
    return Magic::Elf;
  if (head.startswith("!<arch>\n") || head.startswith("!<thin>\n"))
    return Magic::Archive;
  return Magic::Other;
}

// Runs fn(0..n-1) on `jobs` threads; with `label`, a progress line on a
// terminal's stderr while it runs.
void parallelFor(size_t n, unsigned jobs, const char *label,
                 const std::function<void(size_t)> &fn) {
  std::atomic<size_t> next{0}, done{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < n;) {
      fn(i);
      ++done;
    }
  };
  jobs = std::max(1u, std::min<unsigned>(jobs, n));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t)
    threads.emplace_back(worker);
  if (!label) {
    worker();
  } else {
    // The calling thread reports progress instead of scanning.
    threads.emplace_back(worker);
    while (done < n) {
      errs() << "\rallocsel: " << label << " " << done << "/" << n;
      errs().flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    errs() << "\r\x1b[K";
  }
  for (std::thread &t : threads)
    t.join();
}

//===- Who is who ---------------------------------------------------------===//

bool isSystem(const AllocatorIdentity &id) {
  return !id.tagged && id.provider == Provider::System;
}
bool isSanitizer(const AllocatorIdentity &id) {
  return !id.tagged && id.provider == Provider::Sanitizer;
}
// Counts for AS001: anything but the system and a sanitizer runtime.
bool isAllocator(const AllocatorIdentity &id) {
  return !isSystem(id) && !isSanitizer(id);
}
// Brings a heap of its own: not deferring to whatever malloc the process has.
bool isOverriding(const AllocatorIdentity &id) {
  return isAllocator(id) && id.cls != AllocatorClass::Deferring;
}

// glibc's debugging mallocs define the C entry points but forward to
// glibc's heap (libc_malloc_debug wraps __libc_malloc, libmemusage calls
// the next malloc): system allocators under their own names.
struct GlibcHelper {
  StringRef sonamePrefix, name;
};
constexpr GlibcHelper glibcHelpers[] = {
    {"libc_malloc_debug.so", "glibc-malloc-debug"},
    {"libmemusage.so", "memusage"},
};

void refineGlibcHelpers(std::vector<AllocatorIdentity> &ids,
                        StringRef soname, StringRef path) {
  StringRef name = soname.empty() ? sys::path::filename(path) : soname;
  for (const GlibcHelper &h : glibcHelpers)
    if (name.startswith(h.sonamePrefix))
      for (AllocatorIdentity &id : ids)
        if (!id.tagged && id.name == "unknown") {
          id.name = h.name.str();
          id.provider = Provider::System;
          id.cls = AllocatorClass::Deferring;
          id.evidence = ("soname " + name).str();
        }
}

// Symbols an allocator library may export beside the entry points: the
// rest of glibc's malloc API, the hooks, the raw memory calls an allocator
// wraps, and the APIs of the known allocators and sanitizers. See
// docs/rules.md#as005.
bool isAllocatorApi(StringRef name) {
  static const StringSet<> names = {
      "cfree", "vfree", "reallocarray", "reallocf", "reallocarr",
      "malloc_size", "malloc_good_size", "_aligned_malloc", "mallinfo",
      "mallinfo2", "mallopt", "malloc_trim", "malloc_stats", "malloc_info",
      "malloc_get_state", "malloc_set_state", "malloc_conf", "malloc_message",
      "malloc_stats_print", "mcheck", "mcheck_pedantic", "mcheck_check_all",
      "mprobe", "mtrace", "muntrace", "mmap", "mmap64", "munmap", "mremap",
      "sbrk", "brk", "__posix_memalign", "__free_hook", "__malloc_hook",
      "__memalign_hook", "__realloc_hook", "__after_morecore_hook",
      "__malloc_initialize_hook", "mallctl", "mallctlnametomib",
      "mallctlbymib", "mallocx", "rallocx", "xallocx", "sallocx", "dallocx",
      "sdallocx", "nallocx"};
  static const StringRef prefixes[] = {
      "je_",          "tc_",          "mi_",           "MallocExtension",
      "_ZN15MallocExtension",         "MallocHook",    "_ZN10MallocHook",
      "__asan_",      "__sanitizer_", "__interceptor_", "__lsan_",
      "__tsan_",      "__msan_",      "__hwasan_",      "__ubsan_"};
  if (findEntryPoint(name) || names.contains(name))
    return true;
  if (name.startswith("__libc_"))
    return findEntryPoint(name.drop_front(7)) || name == "__libc_cfree";
  return llvm::any_of(prefixes,
                      [&](StringRef p) { return name.startswith(p); });
}

// A library that *is* an allocator exports the heap on purpose: a
// sanitizer runtime; a known allocator in a library named after it
// (libjemalloc.so.2, libtcmalloc_minimal.so.4: gperftools exports its
// internals too); or one whose every export belongs to the allocator API.
bool isAllocatorLibrary(const ObjectInfo &obj, StringRef path,
                        ArrayRef<AllocatorIdentity> ids) {
  StringRef name = obj.soname.empty() ? sys::path::filename(path)
                                      : obj.soname;
  for (const AllocatorIdentity &id : ids) {
    if (isSanitizer(id))
      return true;
    if (!id.tagged && id.provider == Provider::Untagged &&
        id.name != "unknown" && name.contains(id.name))
      return true;
  }
  for (const Symbol &s : obj.symbols)
    if (s.isDefined && s.name != s.version && !isAllocatorApi(s.name))
      return false;
  return true;
}

EntryPointSet definedIn(ArrayRef<Symbol> symbols) {
  EntryPointSet set;
  for (const Symbol &s : symbols)
    if (s.isDefined)
      if (std::optional<EntryPoint> e = findEntryPoint(s.name))
        set.insert(*e);
  return set;
}

EntryPointSet referencedIn(ArrayRef<Symbol> symbols) {
  EntryPointSet set;
  for (const Symbol &s : symbols)
    if (!s.isDefined)
      if (std::optional<EntryPoint> e = findEntryPoint(s.name))
        set.insert(*e);
  return set;
}

std::string entryPointNames(EntryPointSet set) {
  std::vector<std::string> names;
  set.forEach([&](EntryPoint e) { names.push_back(entryPointDisplayName(e)); });
  return join(names, ", ");
}

std::string describe(const AllocatorIdentity &id) {
  std::string s = id.name;
  if (isSanitizer(id))
    s += " (sanitizer runtime)";
  else if (isSystem(id))
    s += " (system)";
  else if (!id.tagged)
    s += " (untagged)";
  s += ": " + id.source;
  if (id.tagged)
    s += ", marker";
  else if (!id.evidence.empty())
    s += (id.name == "unknown" ? ", defines '" : ", recognised by '") +
         id.evidence + "'";
  return s;
}

std::string artifactName(ArtifactKind kind, StringRef path) {
  StringRef k = kind == ArtifactKind::SharedLibrary   ? "shared library"
                : kind == ArtifactKind::StaticLibrary ? "static library"
                : kind == ArtifactKind::Executable    ? "executable"
                                                      : "object";
  return (k + " '" + path + "'").str();
}

//===- Rules on one artifact ----------------------------------------------===//

// What the first pass knows of one file.
struct Scanned {
  ArtifactReport report;
  std::vector<AllocatorIdentity> ids;
  bool dynamic = false; // a linked output with a .dynamic
  LoadedObject loaded;
  EntryPointSet exported; // entry points .dynsym defines
};

class ArtifactRules {
public:
  ArtifactRules(Scanned &s, const ObjectInfo *obj) : s(s), obj(obj) {}

  void run() {
    duplicateAllocator();
    exportsHeap();
    untagged();
    partialSurface();
    sanitizer();
    initialExecTls();
    heapNotExported();
  }

  // AS011 for objects and archive members: set by the caller.
  std::vector<std::string> staticTlsObjects;
  // AS012: entry points among the local functions of an executable's
  // .symtab (a version script or hidden visibility made them local).
  EntryPointSet localEntryPoints;

private:
  std::string name() const { return artifactName(s.report.kind, s.report.path); }
  void add(Diagnostic d) { s.report.diagnostics.push_back(std::move(d)); }

  void duplicateAllocator() {
    std::vector<const AllocatorIdentity *> counted;
    for (const AllocatorIdentity &id : s.ids)
      if (isAllocator(id))
        counted.push_back(&id);
    if (counted.size() < 2)
      return;
    Diagnostic d = makeDiagnostic(Rule::AS001, "duplicate allocator in " + name());
    for (const AllocatorIdentity *id : counted)
      d.provenance.push_back(describe(*id));
    add(std::move(d));
  }

  void exportsHeap() {
    if (s.report.kind != ArtifactKind::SharedLibrary || s.exported.empty())
      return;
    if (llvm::any_of(s.ids, isSystem))
      return;
    if (s.report.stamp &&
        (s.report.stamp->flags & ALLOCSEL_STAMP_EXPORT_ALLOCATOR))
      return;
    if (isAllocatorLibrary(*obj, s.report.path, s.ids))
      return;
    Diagnostic d = makeDiagnostic(
        Rule::AS005, name() + " exports the heap without --export-allocator");
    d.provenance.push_back("exported: " + entryPointNames(s.exported));
    for (const AllocatorIdentity &id : s.ids)
      d.provenance.push_back(describe(id));
    add(std::move(d));
  }

  void untagged() {
    for (const AllocatorIdentity &id : s.ids) {
      if (id.tagged || !isAllocator(id))
        continue;
      Diagnostic d = makeDiagnostic(
          Rule::AS006, "untagged allocator '" + id.name + "' in " + name());
      d.provenance.push_back(describe(id));
      if (id.name != "unknown")
        d.provenance.push_back("the tagged allocator is liballocsel-" +
                               id.name + ".a");
      add(std::move(d));
    }
  }

  // DESIGN §2 AS008: what `free` receives must come from this allocator.
  void partialSurface() {
    for (const AllocatorIdentity &id : s.ids) {
      if (!isOverriding(id))
        continue;
      EntryPointSet missing;
      if (id.surface.contains(EP_free))
        for (EntryPoint e : {EP_malloc, EP_calloc, EP_realloc,
                             EP_aligned_alloc, EP_posix_memalign, EP_memalign,
                             EP_valloc, EP_pvalloc, EP_malloc_usable_size})
          if (!id.surface.contains(e))
            missing.insert(e);
      // operator new and delete in pairs: plain, array, aligned, both.
      static const std::pair<const char *, const char *> pairs[] = {
          {"_Znwm", "_ZdlPv"},
          {"_Znam", "_ZdaPv"},
          {"_ZnwmSt11align_val_t", "_ZdlPvSt11align_val_t"},
          {"_ZnamSt11align_val_t", "_ZdaPvSt11align_val_t"}};
      for (auto [n, d] : pairs) {
        EntryPoint ne = *findEntryPoint(n), de = *findEntryPoint(d);
        if (id.surface.contains(ne) != id.surface.contains(de))
          missing.insert(id.surface.contains(ne) ? de : ne);
      }
      if (missing.empty())
        continue;
      Diagnostic d = makeDiagnostic(
          Rule::AS008, "partial surface: allocator '" + id.name + "' in " +
                           name() + " lacks " + entryPointNames(missing));
      // An error where the artifact itself calls a missing one: that block
      // comes from glibc's heap and meets this allocator's free.
      if (obj) {
        EntryPointSet used = referencedIn(obj->symbols);
        EntryPointSet calledMissing = missing.minus(missing.minus(used));
        if (!calledMissing.empty()) {
          d.severity = Severity::Error;
          d.provenance.push_back("referenced from " + s.report.path + ": " +
                                 entryPointNames(calledMissing));
        }
      }
      d.provenance.push_back(describe(id));
      add(std::move(d));
    }
  }

  // AS010: a note; an error where the stamp says the allocator was asked
  // for explicitly (DESIGN §2).
  void sanitizer() {
    const AllocatorIdentity *san = nullptr, *other = nullptr;
    for (const AllocatorIdentity &id : s.ids) {
      if (isSanitizer(id) && !san)
        san = &id;
      if (isOverriding(id) && !other)
        other = &id;
    }
    if (!san || !other)
      return;
    Diagnostic d = makeDiagnostic(
        Rule::AS010, "sanitizer runtime '" + san->name + "' owns the heap of " +
                         name() + ", beside allocator '" + other->name + "'");
    if (s.report.stamp && s.report.stamp->how == SelectionHow::Explicit &&
        s.report.stamp->allocator == other->name) {
      d.severity = Severity::Error;
      d.provenance.push_back("the stamp says '" + other->name +
                             "' was requested explicitly");
    }
    d.provenance.push_back(describe(*san));
    d.provenance.push_back(describe(*other));
    add(std::move(d));
  }

  // The artifact's first overriding allocator, or null.
  const AllocatorIdentity *firstOverriding() const {
    for (const AllocatorIdentity &id : s.ids)
      if (isOverriding(id))
        return &id;
    return nullptr;
  }

  void initialExecTls() {
    const AllocatorIdentity *alloc = firstOverriding();
    if (!alloc)
      return;
    std::vector<std::string> where;
    if (s.report.kind == ArtifactKind::SharedLibrary && obj && obj->staticTls)
      where.push_back(s.report.path + ": DF_STATIC_TLS in DT_FLAGS");
    for (const std::string &o : staticTlsObjects)
      where.push_back(o + ": initial-exec TLS relocations");
    if (where.empty())
      return;
    Diagnostic d = makeDiagnostic(
        Rule::AS011, "allocator '" + alloc->name + "' in " + name() +
                         " uses initial-exec TLS; dlopen of a library "
                         "carrying it can fail");
    d.provenance = std::move(where);
    d.provenance.push_back(describe(*alloc));
    add(std::move(d));
  }

  void heapNotExported() {
    if (s.report.kind != ArtifactKind::Executable || !obj ||
        !obj->hasInterpreter)
      return;
    const AllocatorIdentity *alloc = firstOverriding();
    if (!alloc)
      return;
    EntryPointSet defined = definedIn(obj->internalDefinitions);
    defined.merge(localEntryPoints);
    EntryPointSet hidden = defined.minus(s.exported);
    if (hidden.empty())
      return;
    Diagnostic d = makeDiagnostic(
        Rule::AS012, name() + " does not export the entry points of allocator '" +
                         alloc->name + "'");
    d.provenance.push_back("not in .dynsym: " + entryPointNames(hidden));
    d.provenance.push_back(describe(*alloc));
    add(std::move(d));
  }

  Scanned &s;
  const ObjectInfo *obj;
};

//===- The first pass: one file -------------------------------------------===//

std::optional<SelectionStamp> ownStamp(const NoteSet &notes,
                                       ArtifactKind kind) {
  for (const SelectionStamp &st : notes.stamps)
    if (st.kind == kind)
      return st;
  return std::nullopt;
}

ArtifactKind artifactKind(InputKind k) {
  switch (k) {
  case InputKind::SharedObject:
    return ArtifactKind::SharedLibrary;
  case InputKind::Executable:
    return ArtifactKind::Executable;
  case InputKind::Archive:
    return ArtifactKind::StaticLibrary;
  default:
    return ArtifactKind::Relocatable;
  }
}

Error scanObject(InputFile &file, Scanned &s) {
  const ObjectInfo &obj = *file.object;
  AllocatorEvidence evidence;
  evidence.addObject(obj, file.path);
  s.ids = evidence.identifyAll();
  refineGlibcHelpers(s.ids, obj.soname, file.path);
  s.report.stamp = ownStamp(obj.notes, s.report.kind);
  s.exported = s.report.kind == ArtifactKind::Relocatable
                   ? EntryPointSet()
                   : definedIn(obj.symbols);
  s.dynamic = s.report.kind != ArtifactKind::Relocatable;
  s.loaded.path = file.path;
  s.loaded.soname = obj.soname.str();
  for (StringRef n : obj.needed)
    s.loaded.needed.push_back(n.str());
  s.loaded.rpath = obj.rpath.str();
  s.loaded.runpath = obj.runpath.str();
  s.loaded.machine = obj.machine;
  s.loaded.is64 = obj.is64;

  ArtifactRules rules(s, &obj);
  if (s.report.kind == ArtifactKind::Relocatable &&
      llvm::any_of(s.ids, isOverriding)) {
    Expected<bool> tls = usesInitialExecTls(file.buffer->getMemBufferRef());
    if (!tls)
      return withFile(file.path, tls.takeError());
    if (*tls)
      rules.staticTlsObjects.push_back(file.path);
  }
  if (s.report.kind == ArtifactKind::Executable && obj.hasInterpreter &&
      llvm::any_of(s.ids, isOverriding)) {
    Expected<std::vector<StringRef>> locals =
        localFunctions(file.buffer->getMemBufferRef());
    if (!locals)
      return withFile(file.path, locals.takeError());
    for (StringRef name : *locals)
      if (std::optional<EntryPoint> e = findEntryPoint(name))
        rules.localEntryPoints.insert(*e);
  }
  rules.run();
  return Error::success();
}

// An archive by its index: only members with an anchor are read (for the
// marker and a stamp); in an archive with a marker, the member `allocsel
// archive` puts a final static library's stamp in, found by its name (it
// defines no symbol; such a library always bundles a tagged allocator, so
// other archives' members are not walked); where the archive carries an
// overriding allocator, every member's relocations for AS011.
Error scanArchive(InputFile &file, Scanned &s) {
  ArchiveFile &ar = *file.archive;
  AllocatorEvidence evidence;
  StringRef anchor = ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX;
  NoteSet notes;
  bool tagged = false;
  for (const ArchiveFile::IndexEntry &entry : ar.index()) {
    bool isAnchor = entry.symbol.startswith(anchor);
    if (!isAnchor && !findEntryPoint(entry.symbol) &&
        !findSignature(entry.symbol))
      continue;
    Expected<const ArchiveFile::Member &> member = ar.member(entry.member);
    if (!member)
      return withFile(file.path, member.takeError());
    std::string source = memberName(file.path, member->name);
    if (!isAnchor) {
      evidence.addIndexSymbol(entry.symbol, source);
      continue;
    }
    Expected<const ObjectInfo &> object = ar.object(entry.member);
    if (!object)
      return withFile(file.path, object.takeError());
    evidence.addObject(*object, source);
    append_range(notes.stamps, object->notes.stamps);
    tagged = true;
  }
  s.ids = evidence.identifyAll();
  bool overriding = llvm::any_of(s.ids, isOverriding);
  std::vector<uint64_t> members;
  if (tagged || overriding) {
    Expected<std::vector<uint64_t>> all = ar.members();
    if (!all)
      return withFile(file.path, all.takeError());
    members = std::move(*all);
  }
  if (tagged)
    for (uint64_t offset : members) {
      Expected<const ArchiveFile::Member &> m = ar.member(offset);
      if (!m)
        return withFile(file.path, m.takeError());
      if (m->name != archiveStampMember)
        continue;
      Expected<const ObjectInfo &> object = ar.object(offset);
      if (!object)
        return withFile(file.path, object.takeError());
      append_range(notes.stamps, object->notes.stamps);
    }
  s.report.stamp = ownStamp(notes, s.report.kind);

  ArtifactRules rules(s, nullptr);
  if (overriding) {
    for (uint64_t offset : members) {
      Expected<const ArchiveFile::Member &> m = ar.member(offset);
      if (!m)
        return withFile(file.path, m.takeError());
      Expected<bool> tls = usesInitialExecTls(m->buffer);
      if (!tls) {
        consumeError(tls.takeError()); // not an ELF member: no TLS of ours
        continue;
      }
      if (*tls)
        rules.staticTlsObjects.push_back(memberName(file.path, m->name));
    }
  }
  rules.run();
  return Error::success();
}

// Keeps `buffer` until the process exits, reachable (so that LeakSanitizer
// sees a deliberate choice, not a leak) and never unmapped.
void keepUntilExit(std::unique_ptr<MemoryBuffer> buffer) {
  static std::mutex lock;
  static auto *kept = new std::vector<std::unique_ptr<MemoryBuffer>>();
  std::lock_guard<std::mutex> guard(lock);
  kept->push_back(std::move(buffer));
}

Error scanFile(const std::string &path, Scanned &s) {
  Expected<std::unique_ptr<InputFile>> file = InputFile::open(path);
  if (!file)
    return file.takeError();
  s.report.path = path;
  s.report.kind = artifactKind((*file)->kind);
  Error e = (*file)->archive ? scanArchive(**file, s)
                             : scanObject(**file, s);
  // The mapping is left to the process's exit, as lld leaves its inputs:
  // each munmap flushes the TLB of every thread, and on a system directory
  // that was a third of the scan (measured); exit unmaps them at once.
  keepUntilExit(std::move((*file)->buffer));
  if (e)
    return e;
  for (const AllocatorIdentity &id : s.ids)
    s.report.allocators.push_back({id, "input"});
  return Error::success();
}

//===- The second pass: the DT_NEEDED closure -----------------------------===//

// A library's part in a process: its loader data, and the heaps it brings
// (overriding allocators it exports, sanitizer runtimes).
struct LibrarySummary {
  LoadedObject loaded;
  std::vector<AllocatorIdentity> heaps;
  bool valid = false;
};

std::vector<AllocatorIdentity> heapsOf(const Scanned &s) {
  std::vector<AllocatorIdentity> heaps;
  bool brings = s.report.kind == ArtifactKind::Executable || !s.exported.empty();
  for (const AllocatorIdentity &id : s.ids)
    if (brings && (isOverriding(id) || isSanitizer(id)))
      heaps.push_back(id);
  return heaps;
}

class ClosureWalker {
public:
  ClosureWalker(const CheckOptions &options, std::vector<Scanned> &scanned)
      : search(options.root, getenvOr("LD_LIBRARY_PATH")) {
    for (Scanned &s : scanned)
      if (s.dynamic) {
        auto sum = std::make_shared<LibrarySummary>();
        sum->loaded = s.loaded;
        sum->heaps = heapsOf(s);
        sum->valid = true;
        summaries[realPath(s.report.path)] = sum;
      }
  }

  void walk(Scanned &root);

private:
  static std::string getenvOr(const char *name) {
    const char *v = std::getenv(name);
    return v ? v : "";
  }
  static std::string realPath(StringRef p) {
    SmallString<256> real;
    if (sys::fs::real_path(p, real))
      return p.str();
    return std::string(real);
  }
  std::shared_ptr<LibrarySummary> summary(const std::string &path);

  LoaderSearch search;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<LibrarySummary>> summaries;
};

std::shared_ptr<LibrarySummary> ClosureWalker::summary(const std::string &path) {
  std::string key = realPath(path);
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = summaries.find(key);
    if (it != summaries.end())
      return it->second;
  }
  // Outside the lock: two threads may read the same library; both agree.
  Scanned s;
  auto sum = std::make_shared<LibrarySummary>();
  if (Error e = scanFile(path, s)) {
    consumeError(std::move(e));
  } else {
    sum->loaded = s.loaded;
    sum->heaps = heapsOf(s);
    sum->valid = true;
  }
  std::lock_guard<std::mutex> lock(mutex);
  return summaries.emplace(key, sum).first->second;
}

struct Heap {
  AllocatorIdentity id;
  std::string library;
  unsigned depth; // 0 the artifact, 1 a direct DT_NEEDED, 2+ deeper
};

std::string describeHeap(const Heap &h) {
  AllocatorIdentity id = h.id;
  id.source = h.library;
  std::string how = h.depth == 0   ? ""
                    : h.depth == 1 ? ", a direct DT_NEEDED"
                                   : ", DT_NEEDED depth " + std::to_string(h.depth);
  return describe(id) + how;
}

// AS001 where a direct DT_NEEDED is the second allocator (check sees only
// outputs: a direct DT_NEEDED was named on the link), AS007 where the
// second is reached deeper, AS010 where a sanitizer shares the process.
void reportClosure(Scanned &root, const std::vector<Heap> &heaps) {
  std::map<std::string, unsigned> depthOf; // overriding: name -> min depth
  const Heap *sanitizer = nullptr, *overriding = nullptr;
  for (const Heap &h : heaps) {
    if (isSanitizer(h.id)) {
      sanitizer = sanitizer ? sanitizer : &h;
      continue;
    }
    overriding = overriding ? overriding : &h;
    auto [it, fresh] = depthOf.emplace(h.id.name, h.depth);
    if (!fresh)
      it->second = std::min(it->second, h.depth);
  }
  auto provenance = [&](auto keep) {
    std::vector<std::string> lines;
    for (const Heap &h : heaps)
      if (keep(h))
        lines.push_back(describeHeap(h));
    return lines;
  };
  std::string name = artifactName(root.report.kind, root.report.path);
  size_t named = 0, deeper = 0;
  bool namedThroughNeeded = false;
  for (auto &[n, depth] : depthOf) {
    (depth <= 1 ? named : deeper)++;
    namedThroughNeeded |= depth == 1;
  }
  if (named >= 2 && namedThroughNeeded) {
    Diagnostic d = makeDiagnostic(
        Rule::AS001, "duplicate allocator in " + name + " and its DT_NEEDED");
    d.provenance = provenance([](const Heap &h) { return h.depth <= 1; });
    root.report.diagnostics.push_back(std::move(d));
  }
  if (deeper && named + deeper >= 2) {
    Diagnostic d = makeDiagnostic(
        Rule::AS007, "process of " + name + " has two heaps");
    d.provenance = provenance([](const Heap &) { return true; });
    root.report.diagnostics.push_back(std::move(d));
  }
  if (sanitizer && overriding &&
      (sanitizer->depth > 0 || overriding->depth > 0)) {
    Diagnostic d = makeDiagnostic(
        Rule::AS010, "sanitizer runtime '" + sanitizer->id.name +
                         "' owns the heap of the process of " + name +
                         ", beside allocator '" + overriding->id.name + "'");
    d.provenance = {describeHeap(*sanitizer), describeHeap(*overriding)};
    root.report.diagnostics.push_back(std::move(d));
  }
  for (const Heap &h : heaps)
    if (h.depth > 0) {
      AllocatorIdentity id = h.id;
      id.source = h.library;
      root.report.allocators.push_back({id, "closure"});
    }
}

void ClosureWalker::walk(Scanned &root) {
  if (!root.dynamic || root.loaded.needed.empty())
    return;
  // Breadth first, as ld.so loads: each object's DT_NEEDED in order, a
  // name already loaded (by soname or as asked) reused.
  struct Node {
    LoadedObject loaded;
    std::vector<const LoadedObject *> loaders; // nearest first
    unsigned depth;
  };
  std::vector<std::unique_ptr<Node>> nodes;
  nodes.push_back(std::make_unique<Node>(Node{root.loaded, {}, 0}));
  StringSet<> loadedNames, loadedPaths;
  std::vector<Heap> heaps;
  for (const AllocatorIdentity &id : heapsOf(root))
    heaps.push_back({id, root.report.path, 0});
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node &n = *nodes[i];
    std::vector<const LoadedObject *> chain{&n.loaded};
    chain.insert(chain.end(), n.loaders.begin(), n.loaders.end());
    for (const std::string &needed : n.loaded.needed) {
      if (loadedNames.contains(needed))
        continue;
      std::optional<std::string> path =
          search.find(needed, n.loaded, n.loaders);
      if (!path) {
        root.report.missingLibraries.push_back(
            needed + " (needed by " + search.display(n.loaded.path) + ")");
        loadedNames.insert(needed);
        continue;
      }
      loadedNames.insert(needed);
      std::shared_ptr<LibrarySummary> sum = summary(*path);
      if (!sum->valid || !loadedPaths.insert(realPath(*path)).second)
        continue;
      if (!sum->loaded.soname.empty())
        loadedNames.insert(sum->loaded.soname);
      for (const AllocatorIdentity &id : sum->heaps)
        heaps.push_back({id, search.display(*path), n.depth + 1});
      LoadedObject lo = sum->loaded;
      lo.path = *path; // $ORIGIN: where it was found, not its real name
      nodes.push_back(std::make_unique<Node>(Node{lo, chain, n.depth + 1}));
    }
  }
  reportClosure(root, heaps);
}

} // namespace

//===- The command --------------------------------------------------------===//

CheckResult checkArtifacts(const CheckOptions &options) {
  CheckResult result;
  std::vector<std::string> files, errors;
  for (const std::string &p : options.paths)
    collectFiles(p, files, errors);
  llvm::sort(files);
  files.erase(std::unique(files.begin(), files.end()), files.end());

  unsigned jobs = options.jobs ? options.jobs
                               : std::max(1u, std::thread::hardware_concurrency());
  bool progress = options.progress && sys::Process::StandardErrIsDisplayed() &&
                  files.size() > 100;
  std::vector<Scanned> scanned(files.size());
  std::vector<std::string> fileErrors(files.size());
  std::vector<char> isArtifact(files.size(), 0);
  parallelFor(files.size(), jobs, progress ? "scanning" : nullptr,
              [&](size_t i) {
                std::string error;
                Magic m = readMagic(files[i], error);
                if (m == Magic::Unreadable) {
                  fileErrors[i] = error;
                  return;
                }
                if (m == Magic::Other)
                  return;
                if (Error e = scanFile(files[i], scanned[i])) {
                  fileErrors[i] = toString(std::move(e));
                  return;
                }
                isArtifact[i] = 1;
              });

  for (size_t i = 0; i < files.size(); ++i) {
    if (!fileErrors[i].empty())
      errors.push_back(fileErrors[i]);
    else if (!isArtifact[i])
      ++result.summary.skipped;
  }
  std::vector<Scanned> artifacts;
  for (size_t i = 0; i < files.size(); ++i)
    if (isArtifact[i])
      artifacts.push_back(std::move(scanned[i]));

  if (options.closure) {
    ClosureWalker walker(options, artifacts);
    parallelFor(artifacts.size(), jobs, progress ? "closure" : nullptr,
                [&](size_t i) { walker.walk(artifacts[i]); });
  }

  for (const std::string &e : errors)
    printError(e);
  result.summary.unreadable = errors.size();
  for (Scanned &s : artifacts)
    result.artifacts.push_back(std::move(s.report));
  result.summary.artifacts = result.artifacts.size();
  return result;
}

// Drops what the baseline accepts and counts the rest.
static void applyBaseline(CheckResult &result, const Baseline *baseline) {
  CheckSummary &sum = result.summary;
  for (ArtifactReport &a : result.artifacts) {
    llvm::erase_if(a.diagnostics, [&](const Diagnostic &d) {
      bool accepted = baseline && baseline->accepts(d.rule, a.path);
      sum.accepted += accepted;
      return accepted;
    });
    for (const Diagnostic &d : a.diagnostics) {
      sum.errors += d.severity == Severity::Error;
      sum.warnings += d.severity == Severity::Warning;
      sum.notes += d.severity == Severity::Note;
    }
  }
}

} // namespace allocsel

int allocsel::runCheck(const CheckOptions &options, raw_ostream &os) {
  std::optional<Baseline> baseline;
  if (!options.baseline.empty()) {
    Expected<Baseline> b = Baseline::load(options.baseline);
    if (!b) {
      printError(toString(b.takeError()));
      return ExitUsage;
    }
    baseline = std::move(*b);
  }
  CheckResult result = checkArtifacts(options);
  applyBaseline(result, baseline ? &*baseline : nullptr);
  switch (options.format) {
  case CheckFormat::Text:
    writeCheckText(os, result);
    break;
  case CheckFormat::Json:
    writeCheckJson(os, result);
    break;
  case CheckFormat::Sarif:
    writeCheckSarif(os, result);
    break;
  }
  os.flush();
  if (result.summary.unreadable)
    return ExitUsage;
  return result.summary.errors ? ExitViolation : ExitOk;
}
