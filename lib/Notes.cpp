//===- Notes.cpp ----------------------------------------------------------===//
//
// The note layout is defined once, in allocsel/allocator.h; this file only
// walks bytes by it. Readers are strict about allocsel's own notes (a marker
// that cannot be read must not be mistaken for no marker) and accept a
// descriptor size with or without its padding, as the contract says.
//
//===----------------------------------------------------------------------===//
#include "Notes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;

namespace allocsel {

StringRef className(AllocatorClass c) {
  switch (c) {
  case AllocatorClass::Overriding:
    return "overriding";
  case AllocatorClass::Deferring:
    return "deferring";
  case AllocatorClass::SharedObject:
    return "shared-object";
  }
  llvm_unreachable("unknown allocator class");
}

StringRef kindName(ArtifactKind k) {
  switch (k) {
  case ArtifactKind::Executable:
    return "executable";
  case ArtifactKind::SharedLibrary:
    return "shared-library";
  case ArtifactKind::StaticLibrary:
    return "static-library";
  case ArtifactKind::Relocatable:
    return "relocatable";
  }
  llvm_unreachable("unknown artifact kind");
}

StringRef howName(SelectionHow h) {
  switch (h) {
  case SelectionHow::None:
    return "none";
  case SelectionHow::Default:
    return "default";
  case SelectionHow::Explicit:
    return "explicit";
  case SelectionHow::Found:
    return "found";
  }
  llvm_unreachable("unknown selection");
}

void NoteSet::append(NoteSet &&other) {
  auto move = [](auto &to, auto &from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()),
              std::make_move_iterator(from.end()));
  };
  move(allocators, other.allocators);
  move(needsAllocator, other.needsAllocator);
  move(stamps, other.stamps);
}

bool isValidName(StringRef name) {
  return !name.empty() && name.size() <= ALLOCSEL_NAME_MAX &&
         all_of(name, [](char c) { return isAlnum(c) || c == '_'; });
}

bool isValidLibraryName(StringRef name) {
  return !name.empty() && name.size() <= ALLOCSEL_NAME_MAX &&
         (isAlnum(name[0]) || name[0] == '_') &&
         all_of(name, [](char c) {
           return isAlnum(c) || c == '_' || c == '+' || c == '.' || c == '-';
         });
}

namespace {

// A cursor over one note's descriptor.
class DescReader {
public:
  DescReader(ArrayRef<uint8_t> desc, bool isLittleEndian)
      : desc(desc), isLittleEndian(isLittleEndian) {}

  Expected<uint32_t> u32(StringRef field) {
    if (desc.size() - pos < 4)
      return error("descriptor too short for '" + field + "'");
    uint32_t v = isLittleEndian
                     ? support::endian::read32le(desc.data() + pos)
                     : support::endian::read32be(desc.data() + pos);
    pos += 4;
    return v;
  }

  // The next NUL-terminated string; `optional` strings may be absent.
  Expected<std::string> string(StringRef field, bool optional = false) {
    StringRef rest(reinterpret_cast<const char *>(desc.data()) + pos,
                   desc.size() - pos);
    if (rest.empty() && optional)
      return std::string();
    size_t nul = rest.find('\0');
    if (nul == StringRef::npos)
      return error("'" + field + "' is not NUL-terminated");
    pos += nul + 1;
    return rest.substr(0, nul).str();
  }

  // What follows the fields may only be padding.
  Error finish() {
    for (; pos < desc.size(); ++pos)
      if (desc[pos] != 0)
        return error("unexpected data after the descriptor");
    return Error::success();
  }

  Error error(const Twine &what) {
    return createStringError(inconvertibleErrorCode(), what);
  }

private:
  ArrayRef<uint8_t> desc;
  bool isLittleEndian;
  size_t pos = 0;
};

Error checkVersion(DescReader &r) {
  Expected<uint32_t> version = r.u32("version");
  if (!version)
    return version.takeError();
  if (*version != ALLOCSEL_NOTE_VERSION)
    return r.error("unknown descriptor version " + Twine(*version));
  return Error::success();
}

Expected<std::string> readName(DescReader &r, StringRef field) {
  Expected<std::string> name = r.string(field);
  if (name && !isValidName(*name))
    return r.error("invalid " + field + " '" + *name +
                   "' (names are [A-Za-z0-9_]+, at most " +
                   Twine(ALLOCSEL_NAME_MAX) + " bytes)");
  return name;
}

Error parseAllocator(DescReader &r, NoteSet &out) {
  AllocatorMarker m;
  if (Error e = checkVersion(r))
    return e;
  Expected<uint32_t> flags = r.u32("flags");
  if (!flags)
    return flags.takeError();
  uint32_t cls = *flags & ALLOCSEL_CLASS_MASK;
  if (cls > ALLOCSEL_CLASS_SHARED_OBJECT)
    return r.error("unknown allocator class " + Twine(cls));
  m.cls = static_cast<AllocatorClass>(cls);
  m.onAbi = *flags & ALLOCSEL_FLAG_ABI;
  Expected<std::string> name = readName(r, "allocator name");
  if (!name)
    return name.takeError();
  m.name = std::move(*name);
  Expected<std::string> libs = r.string("libs", /*optional=*/true);
  if (!libs)
    return libs.takeError();
  SmallVector<StringRef, 4> parts;
  StringRef(*libs).split(parts, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef lib : parts) {
    if (!isValidLibraryName(lib))
      return r.error("invalid library name '" + lib + "'");
    m.libs.push_back(lib.str());
  }
  if (m.cls == AllocatorClass::SharedObject && m.libs.empty())
    return r.error("shared-object backed allocator '" + m.name +
                   "' names no library");
  out.allocators.push_back(std::move(m));
  return r.finish();
}

Error parseNeedsAllocator(DescReader &r, NoteSet &out) {
  if (Error e = checkVersion(r))
    return e;
  if (Expected<uint32_t> flags = r.u32("flags"); !flags)
    return flags.takeError();
  Expected<std::string> name = readName(r, "library name");
  if (!name)
    return name.takeError();
  out.needsAllocator.push_back({std::move(*name)});
  return r.finish();
}

Error parseStamp(DescReader &r, NoteSet &out) {
  SelectionStamp s;
  if (Error e = checkVersion(r))
    return e;
  Expected<uint32_t> flags = r.u32("flags");
  if (!flags)
    return flags.takeError();
  Expected<uint32_t> kind = r.u32("kind");
  if (!kind)
    return kind.takeError();
  if (*kind < ALLOCSEL_KIND_EXECUTABLE || *kind > ALLOCSEL_KIND_STATIC_LIBRARY)
    return r.error("unknown artifact kind " + Twine(*kind));
  Expected<uint32_t> how = r.u32("how");
  if (!how)
    return how.takeError();
  if (*how > ALLOCSEL_HOW_FOUND)
    return r.error("unknown selection " + Twine(*how));
  Expected<std::string> allocator = r.string("allocator");
  if (!allocator)
    return allocator.takeError();
  if (!allocator->empty() && !isValidName(*allocator))
    return r.error("invalid allocator name '" + *allocator + "'");
  Expected<std::string> tool = r.string("tool version");
  if (!tool)
    return tool.takeError();
  s.flags = *flags;
  s.kind = static_cast<ArtifactKind>(*kind);
  s.how = static_cast<SelectionHow>(*how);
  s.allocator = std::move(*allocator);
  s.toolVersion = std::move(*tool);
  out.stamps.push_back(std::move(s));
  return r.finish();
}

Error parseDescriptor(uint32_t type, DescReader &r, NoteSet &out) {
  switch (type) {
  case ALLOCSEL_NT_ALLOCATOR:
    return parseAllocator(r, out);
  case ALLOCSEL_NT_NEEDS_ALLOCATOR:
    return parseNeedsAllocator(r, out);
  case ALLOCSEL_NT_SELECTION:
    return parseStamp(r, out);
  }
  return r.error("unknown note type " + Twine(type));
}

} // namespace

Error parseNotes(ArrayRef<uint8_t> data, bool isLittleEndian, bool sectionOnly,
                 NoteSet &out, uint64_t align) {
  // Notes are 4-byte aligned, 8 in an 8-aligned PT_NOTE (GNU properties).
  align = align == 8 ? 8 : 4;
  auto read32 = [&](size_t off) {
    return isLittleEndian ? support::endian::read32le(data.data() + off)
                          : support::endian::read32be(data.data() + off);
  };
  size_t off = 0;
  while (off < data.size()) {
    auto fail = [&](const Twine &what) {
      return createStringError(inconvertibleErrorCode(),
                               "malformed note at offset 0x" +
                                   utohexstr(off) + ": " + what);
    };
    if (off % align)
      return fail("misaligned (notes are " + Twine(align) +
                  "-byte aligned)");
    if (data.size() - off < 12)
      return fail("truncated note header");
    uint64_t namesz = read32(off), descsz = read32(off + 4);
    uint32_t type = read32(off + 8);
    uint64_t nameStart = off + 12;
    // Offsets are aligned from the start: with 8-byte alignment the 12-byte
    // header and a 4-byte name need no padding before the descriptor.
    uint64_t descStart = alignTo(nameStart + namesz, align);
    if (descStart > data.size())
      return fail("name size " + Twine(namesz) + " extends past the end");
    if (descStart + descsz > data.size())
      return fail("descriptor size " + Twine(descsz) +
                  " extends past the end");
    StringRef name(reinterpret_cast<const char *>(data.data()) + nameStart,
                   namesz);
    uint64_t next = descStart + alignTo(descsz, align);
    bool ours = namesz == ALLOCSEL_NOTE_OWNER_SIZE &&
                name == StringRef(ALLOCSEL_NOTE_OWNER, namesz);
    if (!ours && sectionOnly)
      return fail("wrong owner '" + name.rtrim('\0') + "' (expected '" +
                  ALLOCSEL_NOTE_OWNER + "')");
    if (ours) {
      DescReader r(data.slice(descStart, descsz), isLittleEndian);
      if (Error e = parseDescriptor(type, r, out))
        return fail(toString(std::move(e)));
    }
    off = std::min<uint64_t>(next, data.size());
  }
  return Error::success();
}

std::vector<uint8_t> encodeStamp(const SelectionStamp &stamp,
                                 bool isLittleEndian) {
  size_t descsz = alignTo(sizeof(allocsel_selection_desc) +
                              stamp.allocator.size() + 1 +
                              stamp.toolVersion.size() + 1,
                          4);
  std::vector<uint8_t> out(sizeof(allocsel_note_header) + descsz, 0);
  uint8_t *p = out.data();
  auto put32 = [&](uint32_t v) {
    if (isLittleEndian)
      support::endian::write32le(p, v);
    else
      support::endian::write32be(p, v);
    p += 4;
  };
  auto putString = [&](StringRef s, size_t room) {
    memcpy(p, s.data(), s.size()); // the NUL is already there
    p += room;
  };
  put32(ALLOCSEL_NOTE_OWNER_SIZE);
  put32(descsz);
  put32(ALLOCSEL_NT_SELECTION);
  putString(ALLOCSEL_NOTE_OWNER, sizeof(allocsel_note_header::n_name));
  put32(ALLOCSEL_NOTE_VERSION);
  put32(stamp.flags);
  put32(static_cast<uint32_t>(stamp.kind));
  put32(static_cast<uint32_t>(stamp.how));
  putString(stamp.allocator, stamp.allocator.size() + 1);
  putString(stamp.toolVersion, stamp.toolVersion.size() + 1);
  return out;
}

} // namespace allocsel
