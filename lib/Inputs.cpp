//===- Inputs.cpp ---------------------------------------------------------===//
//
// libObject does the parsing; this file decides what of it the link model
// needs and keeps errors precise. ELF files are walked through ELFFile
// directly rather than the generic SymbolRef interface: it is the fast path
// for `check`, which reads every ELF file of a build tree, and it gives the
// symbol versions of shared objects without copying their names.
//
//===----------------------------------------------------------------------===//
#include "Inputs.h"

#include "Diagnostics.h"
#include "ExportTable.h"
#include "GccLto.h"

#include "llvm/ADT/Triple.h"
#include "llvm/BinaryFormat/Magic.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Object/IRObjectFile.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <cstring>
#include <sys/mman.h>

using namespace llvm;
using namespace llvm::object;

namespace allocsel {

StringRef inputKindName(InputKind k) {
  switch (k) {
  case InputKind::Relocatable:
    return "relocatable";
  case InputKind::SharedObject:
    return "shared-object";
  case InputKind::Executable:
    return "executable";
  case InputKind::Bitcode:
    return "bitcode";
  case InputKind::GccLto:
    return "gcc-lto";
  case InputKind::Archive:
    return "archive";
  case InputKind::LinkerScript:
    return "linker-script";
  }
  llvm_unreachable("unknown input kind");
}

static Error makeError(const Twine &what) {
  return createStringError(inconvertibleErrorCode(), what);
}

namespace {

// Reads one ELF file of a given class and byte order.
template <class ELFT> class ElfReader {
public:
  using Elf_Shdr = typename ELFT::Shdr;
  using Elf_Sym = typename ELFT::Sym;

  ElfReader(const ELFObjectFile<ELFT> &obj, ObjectInfo &info, ReadMode mode)
      : obj(obj), elf(obj.getELFFile()), info(info), mode(mode) {}

  Error read() {
    const typename ELFT::Ehdr &header = elf.getHeader();
    info.machine = header.e_machine;
    info.elfFlags = header.e_flags;
    info.is64 = ELFT::Is64Bits;
    info.isLittleEndian = ELFT::TargetEndianness == support::little;

    Expected<typename ELFT::ShdrRange> sectionsOrErr = elf.sections();
    if (!sectionsOrErr)
      return sectionsOrErr.takeError();
    sections = *sectionsOrErr;
    if (Error e = findSections())
      return e;

    switch (header.e_type) {
    case ELF::ET_REL:
      return readRelocatable();
    case ELF::ET_DYN:
    case ELF::ET_EXEC:
      return readLinked(header.e_type);
    }
    return makeError("unsupported ELF file type " + Twine(header.e_type));
  }

private:
  Error findSections() {
    Expected<StringRef> shstrtab = elf.getSectionStringTable(sections);
    if (!shstrtab)
      return shstrtab.takeError();
    for (const Elf_Shdr &sec : sections) {
      switch (sec.sh_type) {
      case ELF::SHT_SYMTAB:
        symtab = &sec;
        break;
      case ELF::SHT_DYNSYM:
        dynsym = &sec;
        break;
      case ELF::SHT_DYNAMIC:
        dynamic = &sec;
        break;
      case ELF::SHT_GNU_versym:
        versym = &sec;
        break;
      case ELF::SHT_GNU_verdef:
        verdef = &sec;
        break;
      case ELF::SHT_GNU_verneed:
        verneed = &sec;
        break;
      }
      Expected<StringRef> name = elf.getSectionName(sec, *shstrtab);
      if (!name)
        return name.takeError();
      if (name->startswith(".gnu.lto_"))
        hasGccLtoSections = true;
      if (*name == ALLOCSEL_NOTE_SECTION)
        if (Error e = readNoteSection(sec))
          return e;
    }
    return Error::success();
  }

  Error readNoteSection(const Elf_Shdr &sec) {
    auto fail = [](const Twine &what) {
      return makeError("section " ALLOCSEL_NOTE_SECTION ": " + what);
    };
    // lld merges a PROGBITS `.note.allocsel` with the notes into one
    // PROGBITS section, and the notes vanish from PT_NOTE: a marker of the
    // wrong type is broken, not merely odd.
    if (sec.sh_type != ELF::SHT_NOTE)
      return fail("has type " +
                  getELFSectionTypeName(elf.getHeader().e_machine,
                                        sec.sh_type) +
                  ", not SHT_NOTE");
    // A linker may place a note section aligned below 4 at an address
    // where PT_NOTE readers cannot find it.
    if (sec.sh_addralign < 4)
      return fail("alignment " + Twine(sec.sh_addralign) +
                  " is below the 4 bytes notes need");
    Expected<ArrayRef<uint8_t>> data = elf.getSectionContents(sec);
    if (!data)
      return fail(toString(data.takeError()));
    if (Error e = parseNotes(*data, info.isLittleEndian, /*sectionOnly=*/true,
                             info.notes, sec.sh_addralign))
      return fail(toString(std::move(e)));
    return Error::success();
  }

  Error readRelocatable() {
    info.kind = InputKind::Relocatable;
    if (!symtab)
      return Error::success();
    if (Error e = readSymbols(*symtab, sink(info.symbols, info.symbolScan),
                              Take::All))
      return e;
    // A slim object's IR is in `.gnu.lto_*` sections: without them, the
    // walk of every symbol for `__gnu_lto_slim` (a third of reading the
    // members of a large link) is not needed.
    if (hasGccLtoSections && isGccLtoSlim(info.symbols)) {
      info.kind = InputKind::GccLto;
      info.symbols.clear();
      info.symbolScan = EntryPointScan();
      return readGccLtoSymbols(obj, info.symbols);
    }
    return Error::success();
  }

  Error readLinked(unsigned type) {
    Expected<typename ELFT::PhdrRange> phdrs = elf.program_headers();
    if (!phdrs)
      return phdrs.takeError();
    NoteSet segmentNotes;
    for (const typename ELFT::Phdr &phdr : *phdrs) {
      if (phdr.p_type == ELF::PT_INTERP)
        info.hasInterpreter = true;
      if (phdr.p_type == ELF::PT_NOTE)
        if (Error e = readNoteSegment(phdr, segmentNotes))
          return e;
    }
    info.notesInPtNote = !segmentNotes.empty();
    if (info.notes.empty())
      info.notes = std::move(segmentNotes);

    if (Error e = readDynamic())
      return e;
    // A PIE says so in DF_1_PIE (static PIEs have no interpreter). Older
    // linkers did not set it: then an interpreter without a soname tells a
    // program from a library that can also run, like libc.so.6.
    bool isProgram = type == ELF::ET_EXEC || isPie ||
                     (info.hasInterpreter && info.soname.empty());
    info.kind = isProgram ? InputKind::Executable : InputKind::SharedObject;
    if (dynsym)
      if (Error e = readDynamicSymbols())
        return e;
    if (symtab)
      return readSymbols(*symtab,
                         sink(info.internalDefinitions, info.internalScan),
                         Take::Defined, {}, /*locals=*/true);
    return Error::success();
  }

  Error readNoteSegment(const typename ELFT::Phdr &phdr, NoteSet &out) {
    StringRef file = obj.getData();
    if (phdr.p_offset > file.size() ||
        phdr.p_filesz > file.size() - phdr.p_offset)
      return makeError("PT_NOTE segment at offset 0x" +
                       utohexstr(phdr.p_offset) +
                       " extends past the end of the file");
    ArrayRef<uint8_t> data(
        reinterpret_cast<const uint8_t *>(file.data()) + phdr.p_offset,
        phdr.p_filesz);
    // mold 1.10 puts 4- and 8-aligned notes into one PT_NOTE with p_align
    // 8, so p_align does not say how its notes are laid out. 4 reads every
    // such segment seen (8-aligned GNU property notes are multiples of 8
    // long); 8 is the fallback for a segment of only 8-aligned notes.
    NoteSet notes;
    Error e = parseNotes(data, info.isLittleEndian, /*sectionOnly=*/false,
                         notes, 4);
    if (e && phdr.p_align == 8) {
      consumeError(std::move(e));
      notes = NoteSet();
      e = parseNotes(data, info.isLittleEndian, /*sectionOnly=*/false, notes,
                     8);
    }
    if (e)
      return makeError("PT_NOTE segment: " + toString(std::move(e)));
    out.append(std::move(notes));
    return Error::success();
  }

  enum class Take { All, Defined, Undefined };

  // Where the symbols read from a table go: into a list of ObjectInfo, or,
  // read for verification, only into what its EntryPointScan keeps of them.
  struct SymbolSink {
    std::vector<Symbol> &list;
    EntryPointScan *scan;
    void add(const Symbol &s) {
      if (scan)
        scan->add(s);
      else
        list.push_back(s);
    }
  };
  SymbolSink sink(std::vector<Symbol> &list, EntryPointScan &scan) const {
    return {list, mode == ReadMode::Verify ? &scan : nullptr};
  }

  // Reads the global and weak symbols of `table` that `take` asks for;
  // with `versions`, the entries of SHT_GNU_versym that give each its
  // version.
  Error readSymbols(const Elf_Shdr &table, SymbolSink out, Take take,
                    ArrayRef<typename ELFT::Versym> versions = {},
                    bool locals = false) {
    Expected<typename ELFT::SymRange> syms = elf.symbols(&table);
    if (!syms)
      return syms.takeError();
    Expected<StringRef> strtab = elf.getStringTableForSymtab(table, sections);
    if (!strtab)
      return strtab.takeError();
    if (take != Take::Undefined && !out.scan)
      out.list.reserve(out.list.size() + syms->size());
    // An output's globals often end up local: one that some input declared
    // hidden is made LOCAL HIDDEN by lld, gold and mold (in a -static link
    // glibc's libc.a references `malloc` as hidden); mold makes the symbols
    // of a static executable local; --exclude-libs and version scripts make
    // them LOCAL DEFAULT (bfd). Each is still the output's own definition,
    // which is what the verifier asks of an allocator linked privately.
    for (size_t i = locals ? 1 : table.sh_info; i < syms->size(); ++i) {
      const Elf_Sym &sym = (*syms)[i];
      if (take == Take::Undefined && sym.st_shndx != ELF::SHN_UNDEF)
        continue;
      // Read for verification, a symbol that cannot name an entry point
      // adds nothing once the table is known to hold one: its name is not
      // even measured (strlen was a third of verifying a large output).
      if (out.scan && out.scan->hasSymbols &&
          (sym.st_name >= strtab->size() ||
           !mayNameEntryPoint(strtab->data() + sym.st_name)))
        continue;
      std::optional<Symbol> s = i < table.sh_info
                                    ? formerGlobal(sym, *strtab)
                                    : linkerSymbol<ELFT>(sym, *strtab);
      if (!s || (take == Take::Defined && !s->isDefined))
        continue;
      if (!versions.empty())
        if (Error e = setVersion(*s, i, versions))
          return e;
      out.add(*s);
    }
    return Error::success();
  }

  // A local function or object of an output, read as a definition of the
  // output (a global made local by the link), or nothing.
  std::optional<Symbol> formerGlobal(const Elf_Sym &sym, StringRef strtab) {
    if (sym.getBinding() != ELF::STB_LOCAL ||
        (sym.getType() != ELF::STT_FUNC && sym.getType() != ELF::STT_OBJECT) ||
        sym.st_shndx == ELF::SHN_UNDEF || sym.st_name >= strtab.size())
      return std::nullopt;
    Symbol s;
    s.name = StringRef(strtab.data() + sym.st_name);
    s.isDefined = true;
    return s;
  }

  Error setVersion(Symbol &s, size_t index,
                   ArrayRef<typename ELFT::Versym> versions) {
    if (index >= versions.size())
      return makeError("SHT_GNU_versym has fewer entries than .dynsym");
    uint16_t entry = versions[index].vs_index;
    size_t version = entry & ELF::VERSYM_VERSION;
    if (version <= ELF::VER_NDX_GLOBAL)
      return Error::success();
    if (version >= info.versionNames.size())
      return makeError("SHT_GNU_versym refers to a missing version index " +
                       Twine(version));
    s.version = info.versionNames[version];
    s.isDefaultVersion = !(entry & ELF::VERSYM_HIDDEN);
    return Error::success();
  }

  Error readDynamicSymbols() {
    if (mode == ReadMode::Verify)
      return readSymbols(*dynsym, sink(info.symbols, info.symbolScan),
                         Take::All);
    ArrayRef<typename ELFT::Versym> versions;
    if (versym) {
      if (Error e = loadVersionNames())
        return e;
      Expected<ArrayRef<typename ELFT::Versym>> v =
          elf.template getSectionContentsAsArray<typename ELFT::Versym>(
              *versym);
      if (!v)
        return v.takeError();
      versions = *v;
    }
    if (mode == ReadMode::Everything)
      return readSymbols(*dynsym, sink(info.symbols, info.symbolScan),
                         Take::All, versions);
    Expected<typename ELFT::SymRange> syms = elf.symbols(dynsym);
    if (!syms)
      return syms.takeError();
    Expected<StringRef> strtab = elf.getStringTableForSymtab(*dynsym, sections);
    if (!strtab)
      return strtab.takeError();
    info.exports =
        makeExportTable(elf, sections, *dynsym, *syms, *strtab, versions);
    return readSymbols(*dynsym, sink(info.symbols, info.symbolScan),
                       Take::Undefined, versions);
  }

  // The version index -> name map of SHT_GNU_verdef and SHT_GNU_verneed.
  // Not ELFFile::loadVersionMap: in LLVM 14 it spends most of `check`'s
  // time on a system directory copying memory (measured: over half of a
  // scan of /usr/lib/x86_64-linux-gnu). Names point into versionNames,
  // filled once, never resized after.
  Error loadVersionNames() {
    std::vector<std::pair<unsigned, StringRef>> found;
    auto walk = [&](const Elf_Shdr *sec, bool isDef) -> Error {
      if (!sec)
        return Error::success();
      Expected<ArrayRef<uint8_t>> data = elf.getSectionContents(*sec);
      if (!data)
        return data.takeError();
      Expected<StringRef> strtab = elf.getLinkAsStrtab(*sec);
      if (!strtab)
        return strtab.takeError();
      auto name = [&](uint64_t off) {
        return off < strtab->size() ? StringRef(strtab->data() + off)
                                    : StringRef();
      };
      auto fits = [&](uint64_t off, uint64_t size) {
        return off <= data->size() && size <= data->size() - off &&
               off % 4 == 0;
      };
      uint64_t off = 0;
      for (unsigned i = 0; i < sec->sh_info; ++i) {
        if (isDef) {
          using Verdef = typename ELFT::Verdef;
          using Verdaux = typename ELFT::Verdaux;
          if (!fits(off, sizeof(Verdef)))
            return makeError("SHT_GNU_verdef entry past the section's end");
          auto *d = reinterpret_cast<const Verdef *>(data->data() + off);
          if (d->vd_cnt && fits(off + d->vd_aux, sizeof(Verdaux))) {
            auto *a = reinterpret_cast<const Verdaux *>(data->data() + off +
                                                        d->vd_aux);
            found.push_back(
                {unsigned(d->vd_ndx & ELF::VERSYM_VERSION), name(a->vda_name)});
          }
          if (!d->vd_next)
            break;
          off += d->vd_next;
          continue;
        }
        using Verneed = typename ELFT::Verneed;
        using Vernaux = typename ELFT::Vernaux;
        if (!fits(off, sizeof(Verneed)))
          return makeError("SHT_GNU_verneed entry past the section's end");
        auto *n = reinterpret_cast<const Verneed *>(data->data() + off);
        uint64_t aux = off + n->vn_aux;
        for (unsigned j = 0; j < n->vn_cnt; ++j) {
          if (!fits(aux, sizeof(Vernaux)))
            return makeError("SHT_GNU_verneed entry past the section's end");
          auto *a = reinterpret_cast<const Vernaux *>(data->data() + aux);
          found.push_back(
              {unsigned(a->vna_other & ELF::VERSYM_VERSION), name(a->vna_name)});
          if (!a->vna_next)
            break;
          aux += a->vna_next;
        }
        if (!n->vn_next)
          break;
        off += n->vn_next;
      }
      return Error::success();
    };
    if (Error e = walk(verdef, true))
      return e;
    if (Error e = walk(verneed, false))
      return e;
    unsigned max = 1;
    for (auto &[index, name] : found)
      max = std::max(max, index);
    info.versionNames.assign(max + 1, std::string());
    for (auto &[index, name] : found)
      info.versionNames[index] = name.str();
    return Error::success();
  }

  Error readDynamic() {
    if (!dynamic)
      return Error::success();
    Expected<ArrayRef<typename ELFT::Dyn>> entries =
        elf.template getSectionContentsAsArray<typename ELFT::Dyn>(*dynamic);
    if (!entries)
      return entries.takeError();
    Expected<StringRef> strtab = elf.getLinkAsStrtab(*dynamic);
    if (!strtab)
      return strtab.takeError();
    auto string = [&](uint64_t offset) -> Expected<StringRef> {
      if (offset >= strtab->size())
        return makeError("dynamic entry string offset 0x" +
                         utohexstr(offset) + " is past the string table");
      return StringRef(strtab->data() + offset);
    };
    for (const typename ELFT::Dyn &d : *entries) {
      StringRef *slot = nullptr;
      switch (d.d_tag) {
      case ELF::DT_NEEDED: {
        Expected<StringRef> s = string(d.getVal());
        if (!s)
          return s.takeError();
        info.needed.push_back(*s);
        continue;
      }
      case ELF::DT_SONAME:
        slot = &info.soname;
        break;
      case ELF::DT_RPATH:
        slot = &info.rpath;
        break;
      case ELF::DT_RUNPATH:
        slot = &info.runpath;
        break;
      case ELF::DT_FLAGS_1:
        isPie = d.getVal() & ELF::DF_1_PIE;
        continue;
      case ELF::DT_FLAGS:
        info.staticTls = d.getVal() & ELF::DF_STATIC_TLS;
        continue;
      default:
        continue;
      }
      Expected<StringRef> s = string(d.getVal());
      if (!s)
        return s.takeError();
      *slot = *s;
    }
    return Error::success();
  }

  const ELFObjectFile<ELFT> &obj;
  const ELFFile<ELFT> &elf;
  ObjectInfo &info;
  ReadMode mode;
  typename ELFT::ShdrRange sections;
  const Elf_Shdr *symtab = nullptr, *dynsym = nullptr, *dynamic = nullptr;
  const Elf_Shdr *versym = nullptr, *verdef = nullptr, *verneed = nullptr;
  bool isPie = false;
  bool hasGccLtoSections = false;
};

// Calls `fn` with the ELFObjectFile of `buffer`'s class and byte order;
// `fn`'s result type must be constructible from an llvm::Error.
template <typename Fn>
auto visitElf(MemoryBufferRef buffer, Fn fn)
    -> decltype(fn(std::declval<const ELF64LEObjectFile &>())) {
  Expected<std::unique_ptr<ObjectFile>> obj =
      ObjectFile::createELFObjectFile(buffer);
  if (!obj)
    return obj.takeError();
  if (auto *o = dyn_cast<ELF32LEObjectFile>(obj->get()))
    return fn(*o);
  if (auto *o = dyn_cast<ELF32BEObjectFile>(obj->get()))
    return fn(*o);
  if (auto *o = dyn_cast<ELF64LEObjectFile>(obj->get()))
    return fn(*o);
  return fn(*cast<ELF64BEObjectFile>(obj->get()));
}

template <class ELFT>
Error readElfObject(const ELFObjectFile<ELFT> &obj, ObjectInfo &info,
                    ReadMode mode) {
  return ElfReader<ELFT>(obj, info, mode).read();
}

Error readElf(MemoryBufferRef buffer, ObjectInfo &info, ReadMode mode) {
  // libObject calls a file too short for e_ident an "Invalid ELF class".
  if (buffer.getBufferSize() < ELF::EI_NIDENT)
    return makeError("truncated ELF header: the file has " +
                     Twine(buffer.getBufferSize()) + " bytes");
  return visitElf(buffer, [&](const auto &obj) -> Error {
    return readElfObject(obj, info, mode);
  });
}

uint16_t elfMachine(const Triple &triple) {
  switch (triple.getArch()) {
  case Triple::x86_64:
    return ELF::EM_X86_64;
  case Triple::x86:
    return ELF::EM_386;
  case Triple::aarch64:
  case Triple::aarch64_be:
    return ELF::EM_AARCH64;
  case Triple::arm:
  case Triple::armeb:
    return ELF::EM_ARM;
  case Triple::riscv64:
  case Triple::riscv32:
    return ELF::EM_RISCV;
  case Triple::ppc64:
  case Triple::ppc64le:
    return ELF::EM_PPC64;
  default:
    return ELF::EM_NONE;
  }
}

// LLVM bitcode: the symbols of its irsymtab, which the bitcode writer
// stores beside the module (rebuilt here for bitcode that predates it).
// A marker's note is not visible before code generation; its anchor is.
Error readBitcode(MemoryBufferRef buffer, ObjectInfo &info) {
  Expected<IRSymtabFile> symtab = readIRSymtab(buffer);
  if (!symtab)
    return symtab.takeError();
  info.kind = InputKind::Bitcode;
  info.bitcodeSymtab = std::make_shared<IRSymtabFile>(std::move(*symtab));
  const irsymtab::Reader &reader = info.bitcodeSymtab->TheReader;
  Triple triple(reader.getTargetTriple());
  info.machine = elfMachine(triple);
  info.is64 = triple.isArch64Bit();
  info.isLittleEndian = triple.isLittleEndian();
  for (const irsymtab::Reader::SymbolRef &sym : reader.symbols()) {
    Symbol s;
    s.name = sym.getName();
    s.isDefined = !sym.isUndefined();
    s.isWeak = sym.isWeak();
    s.isCommon = sym.isCommon();
    info.symbols.push_back(s);
  }
  return Error::success();
}

// The relocation types that bind a TLS variable to an offset from the
// thread pointer fixed at load time: initial-exec and local-exec.
bool isStaticTlsRelocation(uint16_t machine, uint32_t type) {
  switch (machine) {
  case ELF::EM_X86_64:
    return type == ELF::R_X86_64_GOTTPOFF || type == ELF::R_X86_64_TPOFF32 ||
           type == ELF::R_X86_64_TPOFF64;
  case ELF::EM_386:
    return type == ELF::R_386_TLS_IE || type == ELF::R_386_TLS_GOTIE ||
           type == ELF::R_386_TLS_LE || type == ELF::R_386_TLS_IE_32 ||
           type == ELF::R_386_TLS_LE_32;
  case ELF::EM_AARCH64:
    return (type >= ELF::R_AARCH64_TLSIE_MOVW_GOTTPREL_G1 &&
            type <= ELF::R_AARCH64_TLSLE_LDST64_TPREL_LO12_NC) ||
           type == ELF::R_AARCH64_TLSLE_LDST128_TPREL_LO12 ||
           type == ELF::R_AARCH64_TLSLE_LDST128_TPREL_LO12_NC;
  }
  return false;
}

template <class ELFT> Expected<bool> staticTlsIn(const ELFFile<ELFT> &elf) {
  Expected<typename ELFT::ShdrRange> sections = elf.sections();
  if (!sections)
    return sections.takeError();
  uint16_t machine = elf.getHeader().e_machine;
  for (const typename ELFT::Shdr &sec : *sections) {
    if (sec.sh_type == ELF::SHT_RELA) {
      Expected<typename ELFT::RelaRange> relas = elf.relas(sec);
      if (!relas)
        return relas.takeError();
      for (const typename ELFT::Rela &r : *relas)
        if (isStaticTlsRelocation(machine, r.getType(false)))
          return true;
    } else if (sec.sh_type == ELF::SHT_REL) {
      Expected<typename ELFT::RelRange> rels = elf.rels(sec);
      if (!rels)
        return rels.takeError();
      for (const typename ELFT::Rel &r : *rels)
        if (isStaticTlsRelocation(machine, r.getType(false)))
          return true;
    }
  }
  return false;
}

template <class ELFT>
Expected<std::vector<StringRef>> localFunctionsIn(const ELFFile<ELFT> &elf) {
  std::vector<StringRef> names;
  Expected<typename ELFT::ShdrRange> sections = elf.sections();
  if (!sections)
    return sections.takeError();
  for (const typename ELFT::Shdr &sec : *sections) {
    if (sec.sh_type != ELF::SHT_SYMTAB)
      continue;
    Expected<typename ELFT::SymRange> syms = elf.symbols(&sec);
    if (!syms)
      return syms.takeError();
    Expected<StringRef> strtab = elf.getStringTableForSymtab(sec, *sections);
    if (!strtab)
      return strtab.takeError();
    for (size_t i = 1; i < std::min<size_t>(sec.sh_info, syms->size()); ++i) {
      const typename ELFT::Sym &sym = (*syms)[i];
      if (sym.getType() == ELF::STT_FUNC && sym.st_shndx != ELF::SHN_UNDEF &&
          sym.st_name < strtab->size())
        names.push_back(StringRef(strtab->data() + sym.st_name));
    }
  }
  return names;
}

} // namespace

Expected<std::vector<StringRef>> localFunctions(MemoryBufferRef buffer) {
  return visitElf(buffer, [](const auto &obj) {
    return localFunctionsIn(obj.getELFFile());
  });
}

Expected<bool> usesInitialExecTls(MemoryBufferRef buffer) {
  if (!buffer.getBuffer().startswith("\x7f"
                                     "ELF"))
    return false; // bitcode: no relocations before code generation
  return visitElf(buffer,
                  [](const auto &obj) { return staticTlsIn(obj.getELFFile()); });
}

Expected<ObjectInfo> readObject(MemoryBufferRef buffer, ReadMode mode) {
  ObjectInfo info;
  file_magic magic = identify_magic(buffer.getBuffer());
  Error e = Error::success();
  if (magic == file_magic::bitcode)
    e = readBitcode(buffer, info);
  else if (magic.is_object() || buffer.getBuffer().startswith("\x7f"
                                                              "ELF"))
    e = readElf(buffer, info, mode);
  else
    e = makeError("not an ELF object or LLVM bitcode file");
  if (e)
    return e;
  // The ELF reader scans an ELF symbol table as it goes; what came from an
  // LTO symbol table (a `-r` link's bitcode or GCC slim output) is few.
  if (mode == ReadMode::Verify) {
    for (const Symbol &s : info.symbols)
      info.symbolScan.add(s);
    info.symbols.clear();
  }
  return info;
}

//===- Archives -----------------------------------------------------------===//

// Every page of an archive's index is read: mapped at once, a few
// thousand pages cost one system call instead of a fault per 64 KiB (~29 µs
// each on a virtual machine). Advice only; older kernels ignore it.
static void prefault(StringRef bytes) {
  uintptr_t page = sys::Process::getPageSizeEstimate();
  uintptr_t begin = reinterpret_cast<uintptr_t>(bytes.data()) & ~(page - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(bytes.data()) + bytes.size();
  (void)madvise(reinterpret_cast<void *>(begin), end - begin,
                MADV_POPULATE_READ);
}

uint64_t ArchiveFile::readIndexWord(size_t at) const {
  const char *p = indexTable.data() + at;
  if (wordSize == 8)
    return bigEndian ? support::endian::read64be(p)
                     : support::endian::read64le(p);
  return bigEndian ? support::endian::read32be(p) : support::endian::read32le(p);
}

ArchiveFile::IndexEntry ArchiveFile::indexEntry(size_t i) const {
  // Every name was checked to end inside the index when it was read.
  const char *name = indexTable.data() + nameOffsets[i];
  size_t size = namesFollowOneAnother ? nameOffsets[i + 1] - nameOffsets[i] - 1
                                      : strlen(name);
  return {StringRef(name, size), readIndexWord(memberWords + i * memberStride)};
}

// Where each name of the index starts. Offsets are kept in 32 bits: an
// index of 4 GiB is refused.
static Error checkIndexSize(StringRef table) {
  if (table.size() > UINT32_MAX)
    return makeError("symbol index of " + Twine(table.size()) +
                     " bytes is larger than allocsel reads (4 GiB)");
  return Error::success();
}

// The GNU symbol index (`/`, or `/SYM64/` with 8-byte words): a big-endian
// count, as many member offsets, then as many NUL-terminated names. It is
// read here directly: libObject's Archive::Symbol::getMember parses the
// member's header for every symbol, which was over a third of modelling a
// link against LLVM's 167 archives (140,000 symbols; bench/large-link.sh).
Error ArchiveFile::readGnuIndex(bool is64) {
  wordSize = is64 ? 8 : 4;
  bigEndian = true;
  if (Error e = checkIndexSize(indexTable))
    return e;
  if (indexTable.size() < wordSize)
    return makeError("truncated symbol index");
  uint64_t count = readIndexWord(0);
  if (count > (indexTable.size() - wordSize) / wordSize)
    return makeError("symbol index of " + Twine(count) +
                     " entries is larger than its member");
  memberWords = wordSize;
  memberStride = wordSize;
  namesFollowOneAnother = true;
  nameOffsets.reserve(count + 1);
  size_t name = wordSize * (count + 1);
  for (uint64_t i = 0; i < count; ++i) {
    size_t end = indexTable.find('\0', name);
    if (end == StringRef::npos)
      return makeError("symbol index entry " + Twine(i) +
                       ": name runs past the end of the index");
    nameOffsets.push_back(name);
    name = end + 1;
  }
  nameOffsets.push_back(name);
  entries = count;
  return Error::success();
}

// The BSD symbol index (`__.SYMDEF`, llvm-ar --format=bsd; `__.SYMDEF_64`
// with 8-byte words): the byte size of the ranlib array, the array of
// (name offset, member offset) pairs, the byte size of the names, the
// names. Read here too, since libObject's Archive::Symbol::getMember trusts
// the member offset: one past the end of the archive made it read a header
// there (found by fuzzing; test/inspect/malformed-archive-index.test).
Error ArchiveFile::readBsdIndex(bool is64) {
  wordSize = is64 ? 8 : 4;
  bigEndian = false;
  if (Error e = checkIndexSize(indexTable))
    return e;
  if (indexTable.size() < wordSize)
    return makeError("truncated symbol index");
  uint64_t ranlibSize = readIndexWord(0);
  if (ranlibSize % (2 * wordSize) ||
      ranlibSize > indexTable.size() - 2 * wordSize)
    return makeError("symbol index of " + Twine(ranlibSize) +
                     " bytes is larger than its member");
  size_t namesStart = 2 * wordSize + ranlibSize;
  uint64_t namesSize = readIndexWord(wordSize + ranlibSize);
  if (namesSize > indexTable.size() - namesStart)
    return makeError("symbol index names of " + Twine(namesSize) +
                     " bytes run past the end of the index");
  StringRef names = indexTable.substr(namesStart, namesSize);
  memberWords = 2 * wordSize;
  memberStride = 2 * wordSize;
  uint64_t count = ranlibSize / (2 * wordSize);
  nameOffsets.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t nameOffset = readIndexWord(wordSize + 2 * wordSize * i);
    size_t end = nameOffset < names.size() ? names.find('\0', nameOffset)
                                           : StringRef::npos;
    if (end == StringRef::npos)
      return makeError("symbol index entry " + Twine(i) +
                       ": name runs past the end of the index");
    nameOffsets.push_back(namesStart + nameOffset);
  }
  entries = count;
  return Error::success();
}

// LLVM 14's Archive reads a member's BSD name (`#1/N`: the name is the
// member's first N bytes) without checking that those bytes are in the
// file: the first member's as soon as it opens an archive, any other's
// when it is read or stepped over (getNext names it in its error), past
// the end of a truncated archive (found by fuzzing). Checks the member
// whose header starts at `header` before libObject reads it.
static Error checkMemberName(StringRef data, uint64_t header) {
  constexpr size_t HeaderSize = 60;
  if (header > data.size() || data.size() - header < HeaderSize)
    return Error::success(); // libObject's to judge
  // libObject reads the length up to the first space: `#1/12  92` is 12.
  StringRef name = data.substr(header, 16).split(' ').first;
  uint64_t length;
  if (!name.consume_front("#1/") || name.getAsInteger(10, length))
    return Error::success();
  if (length > data.size() - header - HeaderSize)
    return makeError("truncated archive: the name of the member at offset " +
                     Twine(header) + " (" + Twine(length) +
                     " bytes) runs past the end");
  return Error::success();
}

// Nor does it check that a member's data, as long as its header says, is
// in the file before it hands the data out: that of a member an index
// entry leads to, or of the last one walked, can run past the end (found
// by fuzzing).
static Error checkMemberData(const Archive &archive, const Archive::Child &c) {
  if (archive.isThin())
    return Error::success(); // its members are files of their own
  Expected<StringRef> bytes = c.getBuffer();
  if (!bytes)
    return bytes.takeError();
  StringRef data = archive.getData();
  if (uint64_t(bytes->data() - data.data()) + bytes->size() > data.size())
    return makeError("truncated archive: the member at offset " +
                     Twine(c.getChildOffset()) + " (" + Twine(bytes->size()) +
                     " bytes) runs past the end");
  return Error::success();
}

Error forEachMember(const Archive &archive,
                    function_ref<Error(const Archive::Child &)> f) {
  StringRef data = archive.getData();
  Error err = Error::success();
  for (const Archive::Child &c : archive.children(err)) {
    Error e = checkMemberName(data, c.getChildOffset());
    if (!e)
      e = checkMemberData(archive, c);
    if (!e)
      e = f(c);
    if (e) {
      consumeError(std::move(err));
      return e;
    }
  }
  return err;
}

Expected<std::unique_ptr<Archive>> createArchive(MemoryBufferRef buffer) {
  if (Error e = checkMemberName(buffer.getBuffer(), /*after the magic*/ 8))
    return e;
  return Archive::create(buffer);
}

Expected<std::unique_ptr<ArchiveFile>>
ArchiveFile::create(MemoryBufferRef buffer) {
  auto file = std::make_unique<ArchiveFile>();
  Expected<std::unique_ptr<Archive>> archive = createArchive(buffer);
  if (!archive)
    return archive.takeError();
  file->archive = std::move(*archive);
  Archive &ar = *file->archive;

  // Like the linkers, read an archive by its index; one without an index
  // but with members cannot be linked by any of them. The member headers
  // are not walked, as lld does not walk them: a damaged member is an error
  // when it is read (inspect reads them all), not at open, where the walk
  // cost a fault on a page of every member.
  if (!ar.hasSymbolTable()) {
    Error err = Error::success();
    bool hasMembers = false;
    for (const Archive::Child &c : ar.children(err)) {
      (void)c;
      hasMembers = true;
      break;
    }
    if (err)
      return err;
    if (hasMembers)
      return makeError("archive has no symbol index; run ranlib to add one");
    return file;
  }
  if (ar.kind() == Archive::K_GNU || ar.kind() == Archive::K_GNU64) {
    file->indexTable = ar.getSymbolTable();
    prefault(file->indexTable);
    if (Error e = file->readGnuIndex(ar.kind() == Archive::K_GNU64))
      return e;
    return file;
  }
  if (ar.kind() == Archive::K_BSD || ar.kind() == Archive::K_DARWIN ||
      ar.kind() == Archive::K_DARWIN64) {
    file->indexTable = ar.getSymbolTable();
    if (Error e = file->readBsdIndex(ar.kind() == Archive::K_DARWIN64))
      return e;
    return file;
  }
  // K_COFF, what libObject makes of a second `/` member (Microsoft's
  // linker member): no ELF archive has one, and libObject's reader of its
  // index crashed on a damaged one (found by fuzzing).
  return makeError("unsupported archive format: a second '/' member "
                   "(a COFF archive)");
}

Expected<std::vector<uint64_t>> ArchiveFile::members() const {
  std::vector<uint64_t> offsets;
  if (Error e = forEachMember(*archive, [&](const Archive::Child &c) {
        offsets.push_back(c.getChildOffset());
        return Error::success();
      }))
    return e;
  return offsets;
}

Expected<const ArchiveFile::Member &> ArchiveFile::member(uint64_t offset) {
  std::unique_ptr<Member> &slot = memberCache[offset];
  if (slot)
    return *slot;
  StringRef data = archive->getData();
  if (offset >= data.size())
    return makeError("member offset 0x" + utohexstr(offset) +
                     " is past the end of the archive");
  if (Error e = checkMemberName(data, offset))
    return e;
  Error err = Error::success();
  Archive::Child child(archive.get(), data.data() + offset, &err);
  if (err)
    return err;
  if (Error e = checkMemberData(*archive, child))
    return e;
  Expected<StringRef> name = child.getName();
  if (!name)
    return name.takeError();
  Expected<MemoryBufferRef> buffer = child.getMemoryBufferRef();
  if (!buffer) {
    // A thin archive's member is a file of its own; libObject's error
    // already names it.
    if (isThin())
      return makeError("thin archive member " + toString(buffer.takeError()));
    return makeError("member '" + *name +
                     "': " + toString(buffer.takeError()));
  }
  slot = std::make_unique<Member>(Member{name->str(), *buffer});
  return *slot;
}

Expected<const ObjectInfo &> ArchiveFile::object(uint64_t offset) {
  std::unique_ptr<ObjectInfo> &slot = objectCache[offset];
  if (slot)
    return *slot;
  Expected<const Member &> m = member(offset);
  if (!m)
    return m.takeError();
  Expected<ObjectInfo> info = readObject(m->buffer);
  if (!info)
    return makeError("member '" + m->name +
                     "': " + toString(info.takeError()));
  slot = std::make_unique<ObjectInfo>(std::move(*info));
  return *slot;
}

//===- Files --------------------------------------------------------------===//

Expected<std::unique_ptr<InputFile>> InputFile::open(StringRef path,
                                                     ReadMode mode) {
  auto file = std::make_unique<InputFile>();
  file->path = path.str();
  auto fail = [&](const Twine &what) { return fileError(path, what); };

  // What the file system refuses is said as the linkers say it, the name
  // quoted: an empty name ('' on a command line) must still show.
  auto cannotOpen = [&](std::error_code ec) {
    return makeError("cannot open '" + path + "': " + ec.message());
  };

  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(path, status))
    return cannotOpen(ec);
  if (sys::fs::is_directory(status))
    return fail("is a directory");
  // Mapped, not read: a link reads a few members of large archives.
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return cannotOpen(buffer.getError());
  file->buffer = std::move(*buffer);
  MemoryBufferRef ref = file->buffer->getMemBufferRef();
  if (ref.getBufferSize() == 0)
    return fail("file is empty");

  switch (identify_magic(ref.getBuffer())) {
  case file_magic::archive: {
    file->kind = InputKind::Archive;
    Expected<std::unique_ptr<ArchiveFile>> archive = ArchiveFile::create(ref);
    if (!archive)
      return withFile(path, archive.takeError());
    file->archive = std::move(*archive);
    return file;
  }
  case file_magic::bitcode:
  case file_magic::elf:
  case file_magic::elf_relocatable:
  case file_magic::elf_executable:
  case file_magic::elf_shared_object:
  case file_magic::elf_core: {
    Expected<ObjectInfo> info = readObject(ref, mode);
    if (!info)
      return withFile(path, info.takeError());
    file->kind = info->kind;
    file->object = std::move(*info);
    return file;
  }
  default:
    break;
  }
  // A file with the ELF magic that libObject could not identify is a
  // damaged ELF file: let the ELF reader say what is wrong with it.
  if (ref.getBuffer().startswith("\x7f"
                                 "ELF")) {
    Expected<ObjectInfo> info = readObject(ref, mode);
    if (!info)
      return withFile(path, info.takeError());
    file->kind = info->kind;
    file->object = std::move(*info);
    return file;
  }
  // What is neither object nor archive is a linker script to every linker,
  // but a script is text.
  if (ref.getBuffer().contains('\0'))
    return fail("unknown file format: not an ELF object, archive, LLVM "
                "bitcode or linker script");
  file->kind = InputKind::LinkerScript;
  return file;
}

} // namespace allocsel
