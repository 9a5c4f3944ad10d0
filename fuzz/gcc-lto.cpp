//===- gcc-lto.cpp - fuzz target: GCC's LTO symbol tables ----------------===//
//
// An input that starts with the ELF magic is read as a whole object (the
// seeds are real `gcc -flto -c` objects). Anything else is the contents of
// GCC LTO symbol tables, split into sections at each `\xff\xff\xff\xff`
// (an invalid kind, so no table holds it), wrapped in a small ELF64
// relocatable object that defines `__gnu_lto_slim`: so the mutations reach
// the table reader rather than libObject's header checks.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"
#include "GccLto.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFObjectFile.h"

#include <cstdint>
#include <cstring>
#include <string>

using namespace allocsel;
using namespace llvm;

namespace {

template <typename T> void put(std::string &out, const T &v) {
  out.append(reinterpret_cast<const char *>(&v), sizeof(v));
}

// At most this many tables: a GCC object has one, `ld -r` of a few LTO
// objects one each. Without a cap, an input of repeated `ff ff ff ff` (a
// dictionary entry the fuzzer soon learns) became thousands of sections,
// and building them, not reading them, took most of each run.
constexpr int maxTables = 8;

// A relocatable ELF64LE object: the symbol tables as sections
// `.gnu.lto_.symtab.<i>`, then .symtab/.strtab defining __gnu_lto_slim,
// then .shstrtab. `compressed` marks the first table SHF_COMPRESSED.
std::string wrap(StringRef tables, bool compressed) {
  SmallVector<StringRef, maxTables> parts;
  tables.split(parts, StringRef("\xff\xff\xff\xff", 4), maxTables - 1);
  std::string shstrtab(1, '\0');
  std::string body;
  std::vector<ELF::Elf64_Shdr> headers(1); // the null section
  auto add = [&](StringRef name, uint32_t type, std::string contents) {
    ELF::Elf64_Shdr sh;
    memset(&sh, 0, sizeof(sh));
    sh.sh_name = shstrtab.size();
    shstrtab += name.str() + '\0';
    sh.sh_type = type;
    sh.sh_offset = sizeof(ELF::Elf64_Ehdr) + body.size();
    sh.sh_size = contents.size();
    sh.sh_addralign = 1;
    body += contents;
    body.resize(alignTo(body.size(), 8), '\0');
    headers.push_back(sh);
    return headers.size() - 1;
  };
  for (size_t i = 0; i < parts.size(); ++i) {
    size_t index =
        add((".gnu.lto_.symtab." + Twine(i)).str(), ELF::SHT_PROGBITS,
            parts[i].str());
    if (i == 0 && compressed)
      headers[index].sh_flags |= ELF::SHF_COMPRESSED;
  }
  StringRef strtab("\0__gnu_lto_slim\0", 16);
  std::string symtab;
  ELF::Elf64_Sym sym;
  memset(&sym, 0, sizeof(sym));
  put(symtab, sym);
  sym.st_name = 1;
  sym.st_info = ELF::STB_GLOBAL << 4 | ELF::STT_OBJECT;
  sym.st_shndx = ELF::SHN_COMMON;
  sym.st_value = 1;
  sym.st_size = 1;
  put(symtab, sym);
  size_t strtabIndex = headers.size() + 1;
  size_t symtabIndex = add(".symtab", ELF::SHT_SYMTAB, symtab);
  headers[symtabIndex].sh_link = strtabIndex;
  headers[symtabIndex].sh_info = 1;
  headers[symtabIndex].sh_entsize = sizeof(ELF::Elf64_Sym);
  headers[symtabIndex].sh_addralign = 8;
  add(".strtab", ELF::SHT_STRTAB, strtab.str());
  size_t shstrtabIndex = headers.size();
  shstrtab += std::string(".shstrtab") + '\0';
  add(".shstrtab", ELF::SHT_STRTAB, shstrtab);

  ELF::Elf64_Ehdr eh;
  memset(&eh, 0, sizeof(eh));
  memcpy(eh.e_ident, ELF::ElfMagic, 4);
  eh.e_ident[ELF::EI_CLASS] = ELF::ELFCLASS64;
  eh.e_ident[ELF::EI_DATA] = ELF::ELFDATA2LSB;
  eh.e_ident[ELF::EI_VERSION] = ELF::EV_CURRENT;
  eh.e_type = ELF::ET_REL;
  eh.e_machine = ELF::EM_X86_64;
  eh.e_version = ELF::EV_CURRENT;
  eh.e_shoff = sizeof(eh) + body.size();
  eh.e_ehsize = sizeof(eh);
  eh.e_shentsize = sizeof(ELF::Elf64_Shdr);
  eh.e_shnum = headers.size();
  eh.e_shstrndx = shstrtabIndex;
  std::string out;
  put(out, eh);
  out += body;
  for (const ELF::Elf64_Shdr &sh : headers)
    put(out, sh);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  StringRef input(reinterpret_cast<const char *>(data), size);
  std::string wrapped;
  if (!input.startswith("\x7f"
                        "ELF")) {
    bool compressed = !input.empty() && input.back() == '\x01' &&
                      input.endswith("\xff\xff\xff\xff\x01");
    wrapped = wrap(input, compressed);
    input = wrapped;
  }
  Expected<std::unique_ptr<object::ObjectFile>> obj =
      object::ObjectFile::createELFObjectFile(MemoryBufferRef(input, "fuzz"));
  if (!obj) {
    if (!wrapped.empty())
      abort(); // the wrapper writes a well-formed object
    fuzz::consume(obj);
    return 0;
  }
  // The object as the input layer reads it (whether it is slim, then its
  // table), and the table alone, which a damaged symbol table would hide.
  fuzz::consume(readObject(MemoryBufferRef(input, "fuzz")));
  const auto &elf = cast<object::ELFObjectFileBase>(**obj);
  std::vector<Symbol> symbols;
  if (Error e = readGccLtoSymbols(elf, symbols)) {
    fuzz::consume(std::move(e));
    return 0;
  }
  for (const Symbol &s : symbols) {
    if (s.name.empty())
      abort();
    // Names point into the object, never into a temporary.
    if (s.name.data() < input.data() ||
        s.name.data() + s.name.size() > input.data() + input.size())
      abort();
  }
  return 0;
}
