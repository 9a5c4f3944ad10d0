//===- inputs.cpp - fuzz target: the input layer and classification ------===//
//
// One input file as `InputFile::open` would see it, from memory: an archive
// is opened by its index, then every member and every index entry is read
// and classified; anything else goes to readObject (ELF relocatable
// objects, shared objects, executables, LLVM bitcode, GCC slim LTO
// objects), then to the on-demand readers and Classify. A thin archive's
// members are files of their own; they are not read here (it would read
// the machine's files), but its headers and index are.
//
// Inputs holding LLVM bitcode are skipped: LLVM 14's bitstream reader
// answers some damaged bitcode with report_fatal_error, an abort here that
// would end every run within a few hundred executions. The tool turns it
// into one error and exit 2 (test/inspect/malformed-bitcode.test); the
// reader is LLVM's, not a parser allocsel owns.
//
//===----------------------------------------------------------------------===//
#include "Classify.h"
#include "Diagnostics.h"
#include "FuzzSupport.h"
#include "Inputs.h"

#include "llvm/BinaryFormat/Magic.h"

#include <cstdint>
#include <cstdlib>

using namespace allocsel;
using namespace llvm;

namespace {

bool isBitcode(MemoryBufferRef buffer) {
  return identify_magic(buffer.getBuffer()) == file_magic::bitcode;
}

void classify(const ObjectInfo &object, StringRef source,
              AllocatorEvidence &evidence) {
  (void)inputKindName(object.kind);
  EntryPointUse use = entryPointUse(object);
  (void)use;
  evidence.addObject(object, source);
  AllocatorEvidence alone;
  alone.addObject(object, source);
  (void)alone.identify();
  (void)alone.identifyAll();
}

void readArchive(MemoryBufferRef buffer) {
  Expected<std::unique_ptr<ArchiveFile>> archive = ArchiveFile::create(buffer);
  if (!archive) {
    fuzz::consume(archive);
    return;
  }
  ArchiveFile &ar = **archive;
  Expected<std::vector<uint64_t>> members = ar.members();
  if (!members) {
    fuzz::consume(members);
    return;
  }
  if (ar.isThin())
    return;
  for (uint64_t offset : *members) {
    Expected<const ArchiveFile::Member &> m = ar.member(offset);
    if (m && isBitcode(m->buffer))
      return;
    if (!m)
      fuzz::consume(m);
  }

  // What `inspect` and `check` ask: identifyFile over the index.
  InputFile file;
  file.path = "fuzz.a";
  file.kind = InputKind::Archive;
  file.archive = std::move(*archive);
  Expected<std::vector<AllocatorIdentity>> ids = identifyFile(file);
  fuzz::consume(ids);

  // Then every member and every index entry, as the link model may.
  AllocatorEvidence evidence;
  for (uint64_t offset : *members) {
    Expected<const ArchiveFile::Member &> m = file.archive->member(offset);
    if (!m) {
      fuzz::consume(m);
      continue;
    }
    std::string source = memberName(file.path, m->name);
    Expected<const ObjectInfo &> object = file.archive->object(offset);
    if (!object) {
      fuzz::consume(object);
      continue;
    }
    classify(*object, source, evidence);
    fuzz::consume(usesInitialExecTls(m->buffer));
  }
  for (const ArchiveFile::IndexEntry &entry : file.archive->index()) {
    evidence.addIndexSymbol(entry.symbol, "fuzz.a(index)");
    Expected<const ObjectInfo &> object = file.archive->object(entry.member);
    fuzz::consume(object);
  }
  (void)evidence.identify();
  (void)evidence.identifyAll();
}

void readFile(MemoryBufferRef buffer) {
  if (isBitcode(buffer))
    return;
  Expected<ObjectInfo> info = readObject(buffer);
  if (!info) {
    fuzz::consume(info);
    return;
  }
  AllocatorEvidence evidence;
  classify(*info, "fuzz.o", evidence);

  InputFile file;
  file.path = "fuzz.o";
  file.kind = info->kind;
  file.object = std::move(*info);
  Expected<std::vector<AllocatorIdentity>> ids = identifyFile(file);
  fuzz::consume(ids);

  Expected<bool> tls = usesInitialExecTls(buffer);
  fuzz::consume(tls);
  Expected<std::vector<StringRef>> locals = localFunctions(buffer);
  fuzz::consume(locals);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MemoryBufferRef buffer(
      StringRef(reinterpret_cast<const char *>(data), size), "fuzz");
  if (identify_magic(buffer.getBuffer()) == file_magic::archive)
    readArchive(buffer);
  else
    readFile(buffer);
  return 0;
}
