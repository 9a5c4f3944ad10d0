//===- Archive.cpp - allocsel archive: final static libraries ------------===//
//
// A final static library carries its allocator inside, like a Rust
// `staticlib`: whoever links it gets exactly that allocator and a stamp
// saying so, without allocsel in their build. The work is a merge, done with
// LLVM's archive writer (no hand-written `ar` format):
//   1. the members of every input, in order (an object is one member);
//   2. the members of the selected allocator's tagged archive, unless an
//      input already carries that allocator's marker;
//   3. one stamp object (kind static library) for the machine of the first
//      ELF member, from lib/Stamp.
// A member that is a stamp from an earlier run (`allocsel-stamp.o`) is
// dropped, so running the command on its own output gives the same archive.
//
// Rules: an input carrying another allocator's marker is AS001, an allocator
// that is not installed AS002. Markers are found by their anchor symbols
// (`__allocsel_allocator_<name>`, DESIGN §1), which every marker member
// defines. AS003 and AS004 look at the members as a link of the archive
// would resolve them (lib/MemberGraph): the allocator's members may not
// reach a member of an input tagged needs-allocator (AS003), and on the
// allocsel ABI its own members may not lead back to an entry point (AS004).
// Nothing is written when a rule fails.
//
//===----------------------------------------------------------------------===//
#include "Archive.h"

#include "Diagnostics.h"
#include "Inputs.h"
#include "MemberGraph.h"
#include "Policy.h"
#include "Registry.h"
#include "Stamp.h"

#include "llvm/BinaryFormat/Magic.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>

using namespace llvm;
using namespace llvm::object;

namespace allocsel {

namespace {

constexpr StringRef AnchorPrefix = "__allocsel_allocator_";

// An allocator marker among the members.
struct Marker {
  std::string source; // the member (or object) defining the anchor
  size_t input;       // the input it came from
  bool onAbi;         // its note says it is built on the allocsel ABI
};

// One member read as the linker would see it.
struct ReadMember {
  std::string source; // `lib.a(member.o)`, or the object's path
  size_t input;       // the input it came from, in the order added
  ObjectInfo object;
};

// The archives and objects read, kept alive while members point into them.
struct Reader {
  std::vector<std::unique_ptr<MemoryBuffer>> buffers;
  std::vector<std::unique_ptr<Archive>> archives;
  std::vector<NewArchiveMember> members;
  std::vector<std::unique_ptr<ReadMember>> objects; // the readable members
  size_t inputs = 0;                                // files added so far
  std::map<std::string, Marker> markers;            // allocator -> first
  std::optional<TargetInfo> target;

  // Notes what a member tells: the allocator markers it defines and, for
  // the first ELF object, the machine the stamp must match.
  void look(MemoryBufferRef data, StringRef source) {
    Expected<ObjectInfo> object = readObject(data);
    if (!object) {
      consumeError(object.takeError()); // text, unknown formats: nothing
      return;
    }
    auto read = std::make_unique<ReadMember>(
        ReadMember{source.str(), inputs, std::move(*object)});
    const ObjectInfo &o = read->object;
    for (const Symbol &sym : o.symbols) {
      if (!sym.isDefined || !sym.name.startswith(AnchorPrefix))
        continue;
      StringRef name = sym.name.drop_front(AnchorPrefix.size());
      bool onAbi = any_of(o.notes.allocators, [&](const AllocatorMarker &m) {
        return m.name == name && m.onAbi;
      });
      markers.emplace(name.str(), Marker{source.str(), inputs, onAbi});
    }
    // Bitcode names no e_flags; an ELF object does.
    if (!target && o.kind != InputKind::Bitcode && o.machine)
      target = TargetInfo{o.machine, o.is64, o.isLittleEndian, o.elfFlags};
    objects.push_back(std::move(read));
  }

  // A member of an input archive, but for an earlier stamp.
  Error addMember(StringRef path, const Archive::Child &child) {
    Expected<StringRef> name = child.getName();
    Expected<MemoryBufferRef> data = child.getMemoryBufferRef();
    if (!name || !data)
      return name ? data.takeError() : name.takeError();
    if (*name == archiveStampMember)
      return Error::success();
    Expected<NewArchiveMember> m =
        NewArchiveMember::getOldMember(child, /*Deterministic=*/true);
    if (!m)
      return m.takeError();
    look(*data, (path + "(" + *name + ")").str());
    members.push_back(std::move(*m));
    return Error::success();
  }

  Error add(StringRef path) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
        MemoryBuffer::getFile(path, /*IsText=*/false,
                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return createStringError(buffer.getError(), "cannot read '%s': %s",
                               path.str().c_str(),
                               buffer.getError().message().c_str());
    MemoryBufferRef ref = (*buffer)->getMemBufferRef();
    buffers.push_back(std::move(*buffer));
    if (identify_magic(ref.getBuffer()) != file_magic::archive) {
      Expected<NewArchiveMember> m =
          NewArchiveMember::getFile(path, /*Deterministic=*/true);
      if (!m)
        return m.takeError();
      look(ref, path);
      members.push_back(std::move(*m));
      ++inputs;
      return Error::success();
    }
    auto inArchive = [&](Error e) {
      return createStringError(inconvertibleErrorCode(), "'%s': %s",
                               path.str().c_str(),
                               toString(std::move(e)).c_str());
    };
    Expected<std::unique_ptr<Archive>> archive = createArchive(ref);
    if (!archive)
      return inArchive(archive.takeError());
    if (Error e = forEachMember(**archive, [&](const Archive::Child &c) {
          return addMember(path, c);
        }))
      return inArchive(std::move(e));
    archives.push_back(std::move(*archive));
    ++inputs;
    return Error::success();
  }

  // AS003 and AS004 for allocator `name`, whose marker is `marker`.
  std::vector<Diagnostic> checkAllocator(StringRef name,
                                         const Marker &marker) const {
    auto isAllocatorInput = [&](size_t i) { return i == marker.input; };
    MemberGraph all, own;
    std::vector<NeedsAllocatorTag> tags;
    for (const std::unique_ptr<ReadMember> &r : objects) {
      all.add(r->source, r->object, r->input);
      if (isAllocatorInput(r->input))
        own.add(r->source, r->object, r->input);
      std::optional<std::string> lib = needsAllocatorLibrary(r->object);
      if (lib && none_of(tags, [&](const NeedsAllocatorTag &t) {
            return t.input == r->input;
          }))
        tags.push_back({r->input, *lib, r->source});
    }
    std::vector<Diagnostic> found;
    if (std::optional<Diagnostic> d =
            checkNeedsAllocator(name, all, isAllocatorInput, tags))
      found.push_back(std::move(*d));
    if (marker.onAbi)
      if (std::optional<Diagnostic> d = checkReentry(name, own))
        found.push_back(std::move(*d));
    return found;
  }
};

} // namespace

int runArchive(const ArchiveOptions &options, ArrayRef<std::string> searchPath) {
  SelectionHow how =
      options.allocator.empty() ? SelectionHow::Default : SelectionHow::Explicit;
  std::string name = options.allocator.empty() ? "system" : options.allocator;

  Expected<std::optional<InstalledAllocator>> found =
      findAllocator(name, searchPath);
  if (!found) {
    printError(toString(found.takeError()));
    return ExitUsage;
  }
  if (!*found) {
    errs() << "allocsel: error: allocator '" << name
           << "' is not installed [AS002]\n";
    for (const std::string &dir : searchPath)
      errs() << ">>> searched: " << dir << "\n";
    return ExitViolation;
  }

  Reader reader;
  for (const std::string &input : options.inputs)
    if (Error e = reader.add(input)) {
      printError(toString(std::move(e)));
      return ExitUsage;
    }

  // AS001: the inputs may bring an allocator only if it is the selected one.
  bool bundled = reader.markers.count(name) != 0;
  bool duplicate = false;
  for (const auto &[other, marker] : reader.markers)
    if (other != name)
      duplicate = true;
  if (duplicate) {
    errs() << "allocsel: error: duplicate allocator in static library '"
           << options.output << "' [AS001]\n";
    errs() << ">>> " << name << ": " << (*found)->archive << ", "
           << (how == SelectionHow::Explicit ? "--allocator" : "the default")
           << "\n";
    for (const auto &[other, marker] : reader.markers)
      if (other != name)
        errs() << ">>> " << other << ": " << marker.source << ", marker\n";
    return ExitViolation;
  }
  if (!bundled)
    if (Error e = reader.add((*found)->archive)) {
      printError(toString(std::move(e)));
      return ExitUsage;
    }
  if (auto marker = reader.markers.find(name); marker != reader.markers.end()) {
    std::vector<Diagnostic> findings =
        reader.checkAllocator(name, marker->second);
    for (const Diagnostic &d : findings)
      printDiagnostic(errs(), d);
    if (!findings.empty())
      return ExitViolation;
  }

  if (!reader.target) {
    printError("archive: no ELF object among the inputs: cannot tell the "
               "machine of the stamp");
    return ExitUsage;
  }
  SelectionStamp stamp;
  stamp.kind = ArtifactKind::StaticLibrary;
  stamp.how = how;
  stamp.allocator = name;
  stamp.toolVersion = ALLOCSEL_VERSION;
  Expected<std::string> object = makeStampObject(stamp, *reader.target);
  if (!object) {
    printError(toString(object.takeError()));
    return ExitUsage;
  }
  std::unique_ptr<MemoryBuffer> stampBuffer =
      MemoryBuffer::getMemBufferCopy(*object, archiveStampMember);
  NewArchiveMember stampMember(stampBuffer->getMemBufferRef());
  stampMember.MemberName = archiveStampMember;
  reader.members.push_back(std::move(stampMember));

  // Written to a temporary file and renamed: OUT.a may be an input.
  if (Error e = writeArchive(options.output, reader.members,
                             /*WriteSymtab=*/true, Archive::K_GNU,
                             /*Deterministic=*/true, /*Thin=*/false)) {
    printError("cannot write '" + options.output +
               "': " + toString(std::move(e)));
    return ExitUsage;
  }
  return 0;
}

} // namespace allocsel
