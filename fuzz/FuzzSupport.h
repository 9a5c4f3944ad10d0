//===- FuzzSupport.h - what allocsel's fuzz targets share ----------------===//
//
// Parsers that read files (response files, INCLUDE) are fuzzed in a fresh,
// empty working directory of their own, so that a mutated input can only
// find the files the target itself writes there.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_FUZZ_FUZZSUPPORT_H
#define ALLOCSEL_FUZZ_FUZZSUPPORT_H

#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace allocsel::fuzz {

// Makes and enters an empty directory under /dev/shm (memory, when there is
// one) or $TMPDIR, removed with what the target wrote there when the fuzzer
// exits (a crash leaves it, as it was). Called once, from
// LLVMFuzzerInitialize.
inline void enterScratchDirectory() {
  const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nullptr;
  if (!base)
    base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  static std::string dir = std::string(base) + "/allocsel-fuzz-XXXXXX";
  if (!mkdtemp(dir.data()) || chdir(dir.c_str()) != 0) {
    perror("allocsel-fuzz: cannot make a scratch directory");
    abort();
  }
  atexit([] { (void)llvm::sys::fs::remove_directories(dir); });
}

// An error is an answer, not a finding: it is rendered (which exercises
// the message) and dropped.
inline void consume(llvm::Error e) {
  if (e)
    (void)llvm::toString(std::move(e)).size();
}

template <typename T> void consume(llvm::Expected<T> &v) {
  if (!v)
    consume(v.takeError());
}

template <typename T> void consume(llvm::Expected<T> &&v) { consume(v); }

} // namespace allocsel::fuzz

#endif
