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
// defines. AS003 and AS004 need the link model's resolution over the members
// and are not applied here yet (docs/user-guide.md says so).
//
//===----------------------------------------------------------------------===//
#include "Archive.h"

#include "Diagnostics.h"
#include "Registry.h"
#include "Stamp.h"

#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>

using namespace llvm;
using namespace llvm::object;

namespace allocsel {

namespace {

constexpr StringRef StampMember = "allocsel-stamp.o";
constexpr StringRef AnchorPrefix = "__allocsel_allocator_";

// The archives and objects read, kept alive while members point into them.
struct Reader {
  std::vector<std::unique_ptr<MemoryBuffer>> buffers;
  std::vector<std::unique_ptr<Archive>> archives;
  std::vector<NewArchiveMember> members;
  std::vector<std::string> sources;            // `lib.a(member.o)` per member
  std::map<std::string, std::string> markers;  // allocator -> first source
  std::optional<TargetInfo> target;

  // Notes what a member tells: the allocator markers it defines and, for
  // the first ELF object, the machine the stamp must match.
  void look(MemoryBufferRef data, StringRef source) {
    Expected<std::unique_ptr<ObjectFile>> obj =
        ObjectFile::createObjectFile(data);
    if (!obj) {
      consumeError(obj.takeError()); // bitcode, text: no marker, no target
      return;
    }
    for (const SymbolRef &sym : (*obj)->symbols()) {
      Expected<StringRef> name = sym.getName();
      Expected<uint32_t> flags = sym.getFlags();
      if (!name || !flags) {
        consumeError(name.takeError());
        consumeError(flags.takeError());
        continue;
      }
      if (name->startswith(AnchorPrefix) &&
          !(*flags & SymbolRef::SF_Undefined))
        markers.emplace(name->drop_front(AnchorPrefix.size()).str(),
                        source.str());
    }
    if (target)
      return;
    if (auto *elf = dyn_cast<ELFObjectFileBase>(obj->get())) {
      TargetInfo t;
      t.machine = elf->getEMachine();
      t.is64 = elf->getBytesInAddress() == 8;
      t.isLittleEndian = elf->isLittleEndian();
      t.flags = elf->getPlatformFlags();
      target = t;
    }
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
      sources.push_back(path.str());
      return Error::success();
    }
    Expected<std::unique_ptr<Archive>> archive = Archive::create(ref);
    if (!archive)
      return createStringError(inconvertibleErrorCode(), "'%s': %s",
                               path.str().c_str(),
                               toString(archive.takeError()).c_str());
    Error err = Error::success();
    for (const Archive::Child &child : (*archive)->children(err)) {
      Expected<StringRef> name = child.getName();
      Expected<MemoryBufferRef> data = child.getMemoryBufferRef();
      if (!name || !data) {
        consumeError(std::move(err));
        return name ? data.takeError() : name.takeError();
      }
      if (*name == StampMember)
        continue;
      Expected<NewArchiveMember> m =
          NewArchiveMember::getOldMember(child, /*Deterministic=*/true);
      if (!m) {
        consumeError(std::move(err));
        return m.takeError();
      }
      std::string source = (path + "(" + *name + ")").str();
      look(*data, source);
      members.push_back(std::move(*m));
      sources.push_back(source);
    }
    if (err)
      return err;
    archives.push_back(std::move(*archive));
    return Error::success();
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
  for (const auto &[other, source] : reader.markers)
    if (other != name)
      duplicate = true;
  if (duplicate) {
    errs() << "allocsel: error: duplicate allocator in static library '"
           << options.output << "' [AS001]\n";
    errs() << ">>> " << name << ": " << (*found)->archive << ", "
           << (how == SelectionHow::Explicit ? "--allocator" : "the default")
           << "\n";
    for (const auto &[other, source] : reader.markers)
      if (other != name)
        errs() << ">>> " << other << ": " << source << ", marker\n";
    return ExitViolation;
  }
  if (!bundled)
    if (Error e = reader.add((*found)->archive)) {
      printError(toString(std::move(e)));
      return ExitUsage;
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
      MemoryBuffer::getMemBufferCopy(*object, StampMember);
  NewArchiveMember stampMember(stampBuffer->getMemBufferRef());
  stampMember.MemberName = StampMember;
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
