//===- Closure.h - the DT_NEEDED closure as glibc's ld.so resolves it -----===//
//
// `check --closure` asks which shared objects a program or library brings
// into its process. The answer imitates glibc's dynamic loader (elf/dl-load.c,
// _dl_map_object) rather than a linker's -L search:
//   1. a name with a slash is a path;
//   2. an object already loaded under that name (DT_SONAME) is reused;
//   3. DT_RPATH of the requesting object, then of each object that loaded
//      it up to the program — each only while that object has no
//      DT_RUNPATH (a DT_RUNPATH silences its own DT_RPATH);
//   4. LD_LIBRARY_PATH;
//   5. DT_RUNPATH of the requesting object only (not inherited);
//   6. the directories of /etc/ld.so.conf (with its `include` globs), in
//      file order — what ldconfig puts into ld.so.cache. The cache itself is
//      not read: it is a derived file that may be stale in a staged tree,
//      and its hwcaps subdirectories matter only for optimised copies of
//      the same library;
//   7. the default directories /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu,
//      /lib, /usr/lib (the multiarch triple follows the requester's machine).
// `$ORIGIN` is the directory of the requesting object as it was found (not
// resolved through symlinks), `$LIB` Debian's `lib/<triple>`, `$PLATFORM`
// the machine name (`x86_64`, `aarch64`). A candidate of another ELF class
// or machine is skipped, as ld.so does. With a root directory every
// absolute path — search dirs, ld.so.conf, the defaults — lies under it;
// `$ORIGIN` already does.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_CLOSURE_H
#define ALLOCSEL_CLOSURE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace allocsel {

// What the loader needs to know of one object.
struct LoadedObject {
  std::string path; // as found (host path, under the root)
  std::string soname;
  std::vector<std::string> needed;
  std::string rpath, runpath;
  uint16_t machine = 0;
  bool is64 = true;
};

class LoaderSearch {
public:
  // `root` is "" or a staged tree; `ldLibraryPath` is taken as the
  // environment variable would be (colon-separated, in the tree's terms).
  LoaderSearch(std::string root, std::string ldLibraryPath);

  // Finds `needed` for `requester`, whose loaders (the objects that loaded
  // it, nearest first, the program last) are `loaders`. Returns the host
  // path, or nothing when the loader would fail.
  std::optional<std::string>
  find(llvm::StringRef needed, const LoadedObject &requester,
       llvm::ArrayRef<const LoadedObject *> loaders) const;

  // The root-relative spelling of a host path, for messages.
  std::string display(llvm::StringRef hostPath) const;

private:
  std::optional<std::string> searchList(llvm::StringRef list,
                                        const LoadedObject &owner,
                                        llvm::StringRef needed,
                                        const LoadedObject &requester) const;
  std::optional<std::string> tryDir(llvm::StringRef hostDir,
                                    llvm::StringRef needed,
                                    const LoadedObject &requester) const;
  std::string expand(llvm::StringRef entry, const LoadedObject &owner) const;
  void readLdSoConf(const std::string &path, int depth);

  std::string root;
  std::string ldLibraryPath;
  std::vector<std::string> confDirs; // in the tree's terms
};

// The multiarch triple of an ELF machine: "x86_64-linux-gnu".
llvm::StringRef multiarchTriple(uint16_t machine);

} // namespace allocsel

#endif
