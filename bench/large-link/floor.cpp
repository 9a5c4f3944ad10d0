//===- floor.cpp - bench/large-link.sh: what any model of the link costs --===//
//
// The least a model of a link must do, whatever it does next: read every
// archive's symbol index and the symbol table of every member the linker
// extracts, once, through libObject (as allocsel must: it writes no ELF or
// archive parser of its own), and nothing else: no symbol table, no
// resolution, no decision. bench/large-link.sh times it beside the model
// and the real linkers: its ratio to lld is the least a model built on
// libObject can cost.
//
//   floor WHY_EXTRACT ARCHIVE...   (WHY_EXTRACT: what lld --why-extract wrote)
//
//===----------------------------------------------------------------------===//
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace llvm::object;

int main(int argc, char **argv) {
  if (argc < 3) {
    errs() << "usage: floor WHY_EXTRACT ARCHIVE...\n";
    return 2;
  }
  // "reference<TAB>lib.a(member.o)<TAB>symbol", as lld writes it.
  auto why = MemoryBuffer::getFile(argv[1]);
  if (!why) {
    errs() << argv[1] << ": " << why.getError().message() << "\n";
    return 2;
  }
  StringMap<StringSet<>> wanted; // archive -> members
  SmallVector<StringRef> lines;
  (*why)->getBuffer().split(lines, '\n');
  for (StringRef line : lines) {
    StringRef extracted = line.split('\t').second.split('\t').first;
    size_t open = extracted.rfind('(');
    if (open == StringRef::npos || !extracted.endswith(")"))
      continue;
    wanted[extracted.take_front(open)].insert(
        extracted.drop_front(open + 1).drop_back());
  }
  uint64_t names = 0, bytes = 0, members = 0, symbols = 0, undefined = 0;
  // Kept mapped to the end, as the model keeps its inputs for the link.
  std::vector<std::unique_ptr<MemoryBuffer>> keep;
  for (int i = 2; i < argc; ++i) {
    auto buffer = MemoryBuffer::getFile(argv[i], false, false);
    if (!buffer)
      continue;
    Error err = Error::success();
    Archive archive((*buffer)->getMemBufferRef(), err);
    if (err) {
      consumeError(std::move(err));
      continue;
    }
    for (const Archive::Symbol &sym : archive.symbols()) {
      names++;
      bytes += sym.getName().size();
    }
    auto toRead = wanted.find(argv[i]);
    if (toRead != wanted.end()) {
      Error childErr = Error::success();
      for (const Archive::Child &child : archive.children(childErr)) {
        Expected<StringRef> name = child.getName();
        if (!name || !toRead->second.count(*name)) {
          consumeError(name.takeError());
          continue;
        }
        Expected<MemoryBufferRef> data = child.getMemoryBufferRef();
        if (!data) {
          consumeError(data.takeError());
          continue;
        }
        auto object = ObjectFile::createObjectFile(*data);
        if (!object) {
          consumeError(object.takeError());
          continue;
        }
        members++;
        for (const SymbolRef &sym : (*object)->symbols()) {
          Expected<uint32_t> flags = sym.getFlags();
          Expected<StringRef> symName = sym.getName();
          if (flags && symName) {
            bytes += symName->size();
            undefined += (*flags & SymbolRef::SF_Undefined) != 0;
          } else {
            consumeError(flags.takeError());
            consumeError(symName.takeError());
          }
          symbols++;
        }
      }
      consumeError(std::move(childErr));
    }
    keep.push_back(std::move(*buffer));
  }
  outs() << names << " index names; " << members << " members, " << symbols
         << " symbols (" << undefined << " undefined); " << bytes
         << " bytes of names\n";
  return 0;
}
