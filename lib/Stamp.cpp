//===- Stamp.cpp ----------------------------------------------------------===//
//
// The object is described in yaml2obj's language and emitted by LLVM's ELF
// emitter (ObjectYAML), so allocsel writes no ELF by hand. The note's bytes
// come from Notes.cpp's encodeStamp: the one writer of the note layout.
//
//===----------------------------------------------------------------------===//
#include "Stamp.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ObjectYAML/ELFYAML.h"
#include "llvm/ObjectYAML/yaml2obj.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace allocsel {

Expected<std::string> makeStampObject(const SelectionStamp &stamp,
                                      const TargetInfo &target) {
  std::vector<uint8_t> note = encodeStamp(stamp, target.isLittleEndian);
  std::string text;
  raw_string_ostream yaml(text);
  yaml << "--- !ELF\n"
       << "FileHeader:\n"
       << "  Class: " << (target.is64 ? "ELFCLASS64" : "ELFCLASS32") << "\n"
       << "  Data: " << (target.isLittleEndian ? "ELFDATA2LSB" : "ELFDATA2MSB")
       << "\n"
       << "  Type: ET_REL\n"
       << "  Machine: 0x" << utohexstr(target.machine) << "\n"
       << "Sections:\n"
       << "  - Name: " ALLOCSEL_NOTE_SECTION "\n"
       << "    Type: SHT_NOTE\n"
       << "    Flags: [ SHF_ALLOC ]\n"
       << "    AddressAlign: 4\n"
       << "    Content: " << toHex(note, /*LowerCase=*/true) << "\n"
       // A stamp needs no executable stack; without this note bfd warns.
       << "  - Name: .note.GNU-stack\n"
       << "    Type: SHT_PROGBITS\n";
  yaml.flush();

  std::string error;
  auto onError = [&](const Twine &message) { error = message.str(); };
  yaml::Input input(text, nullptr, [](const SMDiagnostic &, void *) {});
  ELFYAML::Object doc;
  input >> doc;
  // e_flags is a set of named bits in yaml2obj's language; any value is
  // meant here, so it is set on the parsed description.
  doc.Header.Flags = ELFYAML::ELF_EF(target.flags);
  std::string bytes;
  raw_string_ostream out(bytes);
  if (input.error() || !yaml::yaml2elf(doc, out, onError, UINT64_MAX))
    return createStringError(inconvertibleErrorCode(),
                             "cannot write the selection stamp object: " +
                                 (error.empty() ? "invalid description" : error));
  out.flush();
  return bytes;
}

} // namespace allocsel
