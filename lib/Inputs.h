//===- Inputs.h - every kind of link input, read through libObject -------===//
//
// The input layer: relocatable ELF objects (32/64-bit, either byte order),
// GNU and thin archives, shared objects, LLVM bitcode, GCC slim LTO objects
// and GNU linker scripts. Files are memory-mapped and nothing is copied:
// symbol names point into the mapping. An archive is read by its symbol
// index first; a member is parsed only when asked for, once.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_INPUTS_H
#define ALLOCSEL_INPUTS_H

#include "EntryPoints.h"
#include "Notes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/iterator_range.h"
#include "llvm/Object/Archive.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm::object {
struct IRSymtabFile;
}

namespace allocsel {

class ExportTable;

// How much of a shared object or program to read.
enum class ReadMode {
  // Every symbol in `symbols`: for `inspect` and `check`.
  Everything,
  // For a link: its undefined symbols in `symbols`, its definitions in an
  // ExportTable, asked by name.
  Link,
  // For verifying a link's output: of `symbols` and `internalDefinitions`
  // only the entry points they define, in `symbolScan` and `internalScan`;
  // the lists stay empty and symbol versions are not read. The output of a
  // large static link has 100,000 symbols; verification asks about 30.
  Verify,
};

// A global or weak symbol as the linker sees it in one input.
struct Symbol {
  llvm::StringRef name;    // points into the mapped file
  llvm::StringRef version; // shared objects: the version's name, or empty
  bool isDefined = false;
  bool isWeak = false;
  bool isCommon = false;
  // For a versioned definition: `@@` (a plain reference binds to it) rather
  // than `@` (hidden, only for references naming the version).
  bool isDefaultVersion = true;
};

// What a list of symbols holds for verification (ReadMode::Verify).
struct EntryPointScan {
  EntryPointSet defined;   // the entry points it defines
  bool hasSymbols = false; // the list would not be empty

  void add(const Symbol &s) {
    hasSymbols = true;
    if (s.isDefined)
      if (std::optional<EntryPoint> e = findEntryPoint(s.name))
        defined.insert(*e);
  }
};

enum class InputKind {
  Relocatable,  // ET_REL
  SharedObject, // ET_DYN without an interpreter
  Executable,   // ET_EXEC, or a PIE (ET_DYN with PT_INTERP)
  Bitcode,      // LLVM bitcode: symbols from its symbol table
  GccLto,       // GCC slim LTO object: symbols from .gnu.lto_.symtab
  Archive,
  LinkerScript,
};

// "relocatable", "shared-object", ...: the JSON spellings.
llvm::StringRef inputKindName(InputKind k);

// What one object (a file or an archive member) gives the link.
struct ObjectInfo {
  ObjectInfo() = default;
  ObjectInfo(ObjectInfo &&) = default;
  ObjectInfo &operator=(ObjectInfo &&) = default;
  ObjectInfo(const ObjectInfo &) = delete; // names point into its storage

  InputKind kind = InputKind::Relocatable;
  // What the linker sees: .symtab of a relocatable object, .dynsym of a
  // shared object or executable, the LTO symbol table of an LTO object.
  // Read for a link, a shared object or executable lists its undefined
  // symbols here and its definitions in `exports`.
  std::vector<Symbol> symbols; // global and weak only
  std::shared_ptr<const ExportTable> exports;
  // A linked output's own definitions from .symtab, exported or not (empty
  // when stripped): where a statically linked allocator shows.
  std::vector<Symbol> internalDefinitions;
  // Read for verification, what `symbols` and `internalDefinitions` would
  // hold of the entry points, in their place.
  EntryPointScan symbolScan, internalScan;
  NoteSet notes;
  // Whether the notes were found in a PT_NOTE segment (outputs only): a
  // note section that lost its SHT_NOTE type is not loaded.
  bool notesInPtNote = false;

  // The target, from the ELF header (bitcode: from its triple).
  uint16_t machine = 0;
  bool is64 = true;
  bool isLittleEndian = true;
  uint32_t elfFlags = 0; // e_flags: the ABI bits of ARM, MIPS, RISC-V, ...

  // Shared objects and executables.
  llvm::StringRef soname;
  std::vector<llvm::StringRef> needed;
  llvm::StringRef rpath, runpath;
  bool hasInterpreter = false; // PT_INTERP: a dynamically linked program
  // DF_STATIC_TLS in DT_FLAGS: the object uses initial-exec TLS, and
  // dlopen may fail to fit it into the static TLS block (AS011).
  bool staticTls = false;

  // What symbol names may point into besides the mapped file: the version
  // names of a shared object, the symbol table of an older bitcode file
  // that had to be rebuilt.
  std::vector<std::string> versionNames;
  std::shared_ptr<llvm::object::IRSymtabFile> bitcodeSymtab;
};

// Reads one ELF object or bitcode file. Errors say what is wrong, not where.
llvm::Expected<ObjectInfo> readObject(llvm::MemoryBufferRef buffer,
                                      ReadMode mode = ReadMode::Everything);

// Whether a relocatable ELF object has initial-exec or local-exec TLS
// relocations (x86-64 GOTTPOFF/TPOFF, i386 TLS_IE, AArch64 TLSIE/TLSLE): a
// shared library linked from it gets DF_STATIC_TLS (AS011). Read only on
// demand: it walks every relocation section.
llvm::Expected<bool> usesInitialExecTls(llvm::MemoryBufferRef buffer);

// The names of the local functions a linked output's .symtab defines: an
// allocator bound by a version script or hidden visibility shows only there
// (AS012). Names point into `buffer`. Read only on demand.
llvm::Expected<std::vector<llvm::StringRef>>
localFunctions(llvm::MemoryBufferRef buffer);

// An archive, GNU or thin.
class ArchiveFile {
public:
  struct IndexEntry {
    llvm::StringRef symbol;
    uint64_t member; // the member's offset: its identity in this archive
  };
  struct Member {
    std::string name;
    llvm::MemoryBufferRef buffer;
  };

  static llvm::Expected<std::unique_ptr<ArchiveFile>>
  create(llvm::MemoryBufferRef buffer);

  bool isThin() const { return archive->isThin(); }

  // The symbol index, in the archive's order, read in place: an entry is
  // decoded when asked for, so that an index costs four bytes an entry
  // beyond the mapped file (LLVM's archives have 140,000 entries).
  class IndexIterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = IndexEntry;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = IndexEntry;

    IndexIterator(const ArchiveFile *archive, size_t at)
        : archive(archive), at(at) {}
    IndexEntry operator*() const { return archive->indexEntry(at); }
    IndexIterator &operator++() {
      ++at;
      return *this;
    }
    bool operator==(const IndexIterator &o) const { return at == o.at; }
    bool operator!=(const IndexIterator &o) const { return at != o.at; }

  private:
    const ArchiveFile *archive;
    size_t at;
  };
  llvm::iterator_range<IndexIterator> index() const {
    return {IndexIterator(this, 0), IndexIterator(this, indexSize())};
  }
  size_t indexSize() const { return entries; }
  IndexEntry indexEntry(size_t i) const;

  // Every member's offset, in the archive's order.
  llvm::Expected<std::vector<uint64_t>> members() const;
  // The member at `offset`, read on first use.
  llvm::Expected<const Member &> member(uint64_t offset);
  // Its symbols and notes, parsed on first use.
  llvm::Expected<const ObjectInfo &> object(uint64_t offset);

private:
  llvm::Error readGnuIndex(bool is64);
  llvm::Error readBsdIndex(bool is64);
  uint64_t readIndexWord(size_t at) const;

  std::unique_ptr<llvm::object::Archive> archive;
  // The index member, and where in it entry i's name starts and its member
  // offset lies (at memberWords + i * memberStride). GNU's names follow one
  // another, so that a name ends where the next starts: nameOffsets has
  // one offset more, past the last name, and no name needs measuring.
  llvm::StringRef indexTable;
  size_t entries = 0;
  std::vector<uint32_t> nameOffsets;
  bool namesFollowOneAnother = false;
  size_t memberWords = 0;
  size_t memberStride = 0;
  uint8_t wordSize = 4;
  bool bigEndian = true;
  llvm::DenseMap<uint64_t, std::unique_ptr<Member>> memberCache;
  llvm::DenseMap<uint64_t, std::unique_ptr<ObjectInfo>> objectCache;
};

// libObject's Archive over `buffer`, once the first member's BSD name is
// known to lie in the file (see forEachMember).
llvm::Expected<std::unique_ptr<llvm::object::Archive>>
createArchive(llvm::MemoryBufferRef buffer);

// Calls `f` on each member of `archive` in order, as Archive::children
// walks them, but checks first that a member's BSD name (`#1/N`) lies in
// the file, which LLVM 14 does not before it reads the name. Stops at the
// first error, f's or the walk's.
llvm::Error forEachMember(
    const llvm::object::Archive &archive,
    llvm::function_ref<llvm::Error(const llvm::object::Archive::Child &)> f);

// One file named on a command line, in a linker script, or to `inspect`.
class InputFile {
public:
  // Maps and identifies `path`; an object is read at once, an archive by
  // its index, a linker script is left as text.
  static llvm::Expected<std::unique_ptr<InputFile>>
  open(llvm::StringRef path, ReadMode mode = ReadMode::Everything);

  std::string path;
  InputKind kind = InputKind::Relocatable;
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::optional<ObjectInfo> object;     // objects, shared objects, LTO
  std::unique_ptr<ArchiveFile> archive; // archives
};

} // namespace allocsel

#endif
