//===- ExportTable.cpp ----------------------------------------------------===//
//
// The lookups follow the dynamic loader's (glibc elf/dl-lookup.c): the
// bloom filter, the bucket, then the chain of .gnu.hash; or .hash's bucket
// and chain. Every index read from the file is checked against the arrays
// before use, and a table that does not fit its section is not used.
//
//===----------------------------------------------------------------------===//
#include "ExportTable.h"

#include "llvm/ADT/DenseMap.h"

using namespace llvm;
using namespace llvm::object;

namespace allocsel {

namespace {

// The hash functions of the two tables, over unsigned bytes as ld.so
// computes them (LLVM 14's hashSysV sign-extends bytes above 0x7f).
uint32_t gnuHash(StringRef name) {
  uint32_t h = 5381;
  for (unsigned char c : name)
    h = h * 33 + c;
  return h;
}

uint32_t sysvHash(StringRef name) {
  uint32_t h = 0;
  for (unsigned char c : name) {
    h = (h << 4) + c;
    uint32_t g = h & 0xf0000000;
    h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

template <class ELFT> class ElfExportTable final : public ExportTable {
public:
  using Elf_Shdr = typename ELFT::Shdr;
  using Elf_Sym = typename ELFT::Sym;
  using Word = typename ELFT::Word;

  ElfExportTable(ArrayRef<Elf_Sym> syms, StringRef strtab,
                 ArrayRef<typename ELFT::Versym> versions)
      : syms(syms), strtab(strtab), versions(versions) {}

  // Uses the first usable hash table among `sections` for the symbols,
  // else indexes them.
  void index(const ELFFile<ELFT> &elf, typename ELFT::ShdrRange sections,
             const Elf_Shdr &dynsym) {
    uint32_t dynsymIndex = &dynsym - sections.begin();
    for (unsigned type : {ELF::SHT_GNU_HASH, ELF::SHT_HASH})
      for (const Elf_Shdr &sec : sections) {
        if (sec.sh_type != type || sec.sh_link != dynsymIndex)
          continue;
        Expected<ArrayRef<uint8_t>> data = elf.getSectionContents(sec);
        if (!data) {
          consumeError(data.takeError());
          continue;
        }
        if (type == ELF::SHT_GNU_HASH ? useGnuHash(*data) : useSysvHash(*data))
          return;
      }
    for (uint32_t i = 0; i < syms.size(); ++i)
      if (std::optional<Symbol> s = definitionAt(i))
        byName.try_emplace(s->name, i);
  }

  std::optional<Symbol> find(StringRef name) const override {
    if (gnu.buckets.size())
      return findGnu(name);
    if (sysv.buckets.size())
      return findSysv(name);
    auto it = byName.find(name);
    if (it == byName.end())
      return std::nullopt;
    return definitionAt(it->second);
  }

private:
  // Symbol `i` if it is a definition a plain reference binds to.
  std::optional<Symbol> definitionAt(uint32_t i) const {
    if (i >= syms.size())
      return std::nullopt;
    std::optional<Symbol> s = linkerSymbol<ELFT>(syms[i], strtab);
    if (!s || !s->isDefined || s->name.empty())
      return std::nullopt;
    if (!versions.empty()) {
      if (i >= versions.size())
        return std::nullopt;
      uint16_t entry = versions[i].vs_index;
      if ((entry & ELF::VERSYM_VERSION) > ELF::VER_NDX_GLOBAL &&
          (entry & ELF::VERSYM_HIDDEN))
        return std::nullopt;
    }
    return s;
  }

  std::optional<Symbol> match(uint32_t i, StringRef name) const {
    std::optional<Symbol> s = definitionAt(i);
    if (s && s->name == name)
      return s;
    return std::nullopt;
  }

  // .gnu.hash: nbuckets, symoffset, bloom size, bloom shift, the bloom
  // words (of the ELF class's size), the buckets, then one hash value for
  // each symbol from symoffset on, the last of a chain with bit 0 set.
  bool useGnuHash(ArrayRef<uint8_t> data) {
    using GnuHash = typename ELFT::GnuHash;
    if (data.size() < sizeof(GnuHash))
      return false;
    auto *table = reinterpret_cast<const GnuHash *>(data.data());
    uint64_t nsyms = syms.size();
    uint64_t words = table->maskwords;
    uint64_t needed = sizeof(GnuHash) + words * sizeof(typename ELFT::Off) +
                      (uint64_t(table->nbuckets) + nsyms - table->symndx) * 4;
    if (table->nbuckets == 0 || words == 0 || table->shift2 >= 32 ||
        table->symndx > nsyms || needed > data.size())
      return false;
    gnu.filter = table->filter();
    gnu.buckets = table->buckets();
    gnu.values = ArrayRef<Word>(gnu.buckets.end(), nsyms - table->symndx);
    gnu.symOffset = table->symndx;
    gnu.shift = table->shift2;
    return true;
  }

  std::optional<Symbol> findGnu(StringRef name) const {
    constexpr unsigned bits = ELFT::Is64Bits ? 64 : 32;
    uint32_t h = gnuHash(name);
    uint64_t word = gnu.filter[(h / bits) % gnu.filter.size()];
    uint64_t mask = (uint64_t(1) << (h % bits)) |
                    (uint64_t(1) << ((h >> gnu.shift) % bits));
    if ((word & mask) != mask)
      return std::nullopt;
    for (uint64_t i = gnu.buckets[h % gnu.buckets.size()];
         i >= gnu.symOffset && i - gnu.symOffset < gnu.values.size(); ++i) {
      uint32_t value = gnu.values[i - gnu.symOffset];
      if ((value | 1) == (h | 1))
        if (std::optional<Symbol> s = match(i, name))
          return s;
      if (value & 1)
        break;
    }
    return std::nullopt;
  }

  // .hash: nbucket, nchain, the buckets, then a chain link per symbol.
  bool useSysvHash(ArrayRef<uint8_t> data) {
    if (data.size() < 8)
      return false;
    auto *table = reinterpret_cast<const typename ELFT::Hash *>(data.data());
    if (table->nbucket == 0 ||
        8 + (uint64_t(table->nbucket) + table->nchain) * 4 > data.size())
      return false;
    sysv.buckets = table->buckets();
    sysv.chains = table->chains();
    return true;
  }

  std::optional<Symbol> findSysv(StringRef name) const {
    uint64_t i = sysv.buckets[sysvHash(name) % sysv.buckets.size()];
    // A chain longer than the table loops: stop there.
    for (size_t steps = 0; i != 0 && i < sysv.chains.size() &&
                           steps < sysv.chains.size();
         i = sysv.chains[i], ++steps)
      if (std::optional<Symbol> s = match(i, name))
        return s;
    return std::nullopt;
  }

  ArrayRef<Elf_Sym> syms;
  StringRef strtab;
  ArrayRef<typename ELFT::Versym> versions;
  struct {
    ArrayRef<typename ELFT::Off> filter;
    ArrayRef<Word> buckets, values;
    uint32_t symOffset = 0, shift = 0;
  } gnu;
  struct {
    ArrayRef<Word> buckets, chains;
  } sysv;
  DenseMap<StringRef, uint32_t> byName;
};

} // namespace

template <class ELFT>
std::shared_ptr<const ExportTable>
makeExportTable(const ELFFile<ELFT> &elf, typename ELFT::ShdrRange sections,
                const typename ELFT::Shdr &dynsym,
                ArrayRef<typename ELFT::Sym> syms, StringRef strtab,
                ArrayRef<typename ELFT::Versym> versions) {
  auto table = std::make_shared<ElfExportTable<ELFT>>(syms, strtab, versions);
  table->index(elf, sections, dynsym);
  return table;
}

// For each ELF class and byte order.
#define INSTANTIATE(ELFT)                                                      \
  template std::shared_ptr<const ExportTable> makeExportTable<ELFT>(           \
      const ELFFile<ELFT> &, ELFT::ShdrRange, const ELFT::Shdr &,              \
      ArrayRef<ELFT::Sym>, StringRef, ArrayRef<ELFT::Versym>);
INSTANTIATE(ELF32LE)
INSTANTIATE(ELF32BE)
INSTANTIATE(ELF64LE)
INSTANTIATE(ELF64BE)
#undef INSTANTIATE

} // namespace allocsel
