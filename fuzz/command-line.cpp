//===- command-line.cpp - fuzz target: the ld command line ---------------===//
//
// The first byte chooses the flavour. The rest is split into arguments at
// NUL or newline bytes; the arguments after a lone `@@@@` line are written
// to the response file `r.rsp` (GNU quoting applies there), which an
// argument `@r.rsp` expands. Runs in an empty scratch directory; an `@`
// argument naming a path elsewhere (`@/dev/stdin`) is not fuzzed, since the
// linker's own command line is trusted to name readable files.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"
#include "FuzzSupport.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace allocsel;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  fuzz::enterScratchDirectory();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  static const Flavour flavours[] = {Flavour::Bfd, Flavour::Gold,
                                     Flavour::Lld, Flavour::Mold};
  Flavour flavour = flavours[data[0] % 4];
  llvm::StringRef text(reinterpret_cast<const char *>(data) + 1, size - 1);

  llvm::StringRef rsp;
  size_t marker = text.find("\n@@@@\n");
  if (marker != llvm::StringRef::npos) {
    rsp = text.drop_front(marker + 6);
    text = text.take_front(marker);
  }

  std::vector<std::string> args;
  while (!text.empty()) {
    size_t end = text.find_first_of(llvm::StringRef("\0\n", 2));
    llvm::StringRef arg = text.take_front(end);
    if (arg.startswith("@") && arg.contains('/'))
      return 0;
    args.push_back(arg.str());
    text = end == llvm::StringRef::npos ? llvm::StringRef()
                                        : text.drop_front(end + 1);
  }
  // A response file may name another: only r.rsp itself, never a path.
  if (rsp.contains('@') && rsp.find_first_of("/\\\"'") != llvm::StringRef::npos)
    return 0;
  if (FILE *f = fopen("r.rsp", "wb")) {
    fwrite(rsp.data(), 1, rsp.size(), f);
    fclose(f);
  }

  if (!args.empty()) {
    (void)flavourFromName(args[0]);
    (void)flavourFromVersionText(args[0]);
  }
  llvm::Expected<LinkCommand> cmd = parseLinkCommand(args, flavour);
  if (!cmd) {
    fuzz::consume(cmd);
    return 0;
  }
  (void)flavourName(cmd->flavour);
  (void)cmd->outputKind();
  (void)cmd->isStaticPie();
  for (const LinkInput &input : cmd->inputs) {
    if (input.argIndex >= input.argEnd || input.argEnd > cmd->args.size())
      abort(); // [argIndex, argEnd) is a range of args
    (void)input.spelling();
  }
  return 0;
}
