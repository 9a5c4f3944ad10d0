//===- Closure.cpp --------------------------------------------------------===//
//
// Path arithmetic only: which file the loader would open. Reading the
// objects found, and walking the closure, is the caller's business (check
// keeps one summary per file, shared between threads).
//
//===----------------------------------------------------------------------===//
#include "Closure.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

using namespace llvm;

namespace allocsel {

StringRef multiarchTriple(uint16_t machine) {
  switch (machine) {
  case ELF::EM_AARCH64:
    return "aarch64-linux-gnu";
  case ELF::EM_386:
    return "i386-linux-gnu";
  case ELF::EM_RISCV:
    return "riscv64-linux-gnu";
  case ELF::EM_PPC64:
    return "powerpc64le-linux-gnu";
  default:
    return "x86_64-linux-gnu";
  }
}

static StringRef platformName(uint16_t machine) {
  switch (machine) {
  case ELF::EM_AARCH64:
    return "aarch64";
  case ELF::EM_386:
    return "i686";
  default:
    return "x86_64";
  }
}

LoaderSearch::LoaderSearch(std::string rootDir, std::string ldPath)
    : root(std::move(rootDir)), ldLibraryPath(std::move(ldPath)) {
  while (StringRef(root).endswith("/"))
    root.pop_back();
  readLdSoConf("/etc/ld.so.conf", 0);
}

// ld.so.conf: one directory per line (or several, separated by spaces,
// commas or colons as ldconfig accepts), `#` comments, `include GLOB`
// relative to the including file's directory, `hwcap` lines (obsolete)
// ignored.
void LoaderSearch::readLdSoConf(const std::string &path, int depth) {
  if (depth > 8)
    return; // an include loop
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
      MemoryBuffer::getFile(root + path, /*IsText=*/true);
  if (!buf)
    return;
  SmallVector<StringRef, 32> lines;
  (*buf)->getBuffer().split(lines, '\n');
  for (StringRef line : lines) {
    line = line.split('#').first.trim();
    if (line.empty() || line.startswith("hwcap "))
      continue;
    if (line.consume_front("include ") || line.consume_front("include\t")) {
      std::string pattern = line.trim().str();
      if (!StringRef(pattern).startswith("/"))
        pattern = (sys::path::parent_path(path) + "/" + pattern).str();
      glob_t g;
      if (::glob((root + pattern).c_str(), 0, nullptr, &g) == 0) {
        std::vector<std::string> files(g.gl_pathv, g.gl_pathv + g.gl_pathc);
        globfree(&g);
        for (const std::string &f : files)
          readLdSoConf(f.substr(root.size()), depth + 1);
      }
      continue;
    }
    SmallVector<StringRef, 4> dirs;
    SplitString(line, dirs, " \t,:");
    for (StringRef d : dirs)
      confDirs.push_back(d.str());
  }
}

std::string LoaderSearch::display(StringRef hostPath) const {
  if (!root.empty() && hostPath.startswith(root + "/"))
    return hostPath.drop_front(root.size()).str();
  return hostPath.str();
}

// $ORIGIN is already a host path; anything else absolute lies under root.
std::string LoaderSearch::expand(StringRef entry,
                                  const LoadedObject &owner) const {
  std::string out;
  bool fromOrigin = false;
  for (size_t i = 0; i < entry.size();) {
    StringRef rest = entry.drop_front(i);
    auto token = [&](StringRef name) {
      std::string braced = ("${" + name + "}").str();
      std::string plain = ("$" + name).str();
      if (rest.startswith(braced))
        return braced.size();
      if (rest.startswith(plain))
        return plain.size();
      return size_t(0);
    };
    if (size_t n = token("ORIGIN")) {
      if (i == 0)
        fromOrigin = true;
      StringRef dir = sys::path::parent_path(owner.path);
      out += dir.empty() ? "." : dir.str();
      i += n;
    } else if (size_t n = token("LIB")) {
      out += ("lib/" + multiarchTriple(owner.machine)).str();
      i += n;
    } else if (size_t n = token("PLATFORM")) {
      out += platformName(owner.machine).str();
      i += n;
    } else {
      out += entry[i++];
    }
  }
  if (!fromOrigin && StringRef(out).startswith("/"))
    return root + out;
  return out;
}

// The loader opens the file and rejects another class or machine.
static bool matchesTarget(const std::string &path, const LoadedObject &req) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  unsigned char header[20];
  ssize_t n = ::pread(fd, header, sizeof(header), 0);
  ::close(fd);
  if (n != ssize_t(sizeof(header)) || memcmp(header, "\x7f"
                                                     "ELF",
                                             4) != 0)
    return false;
  bool is64 = header[ELF::EI_CLASS] == ELF::ELFCLASS64;
  bool little = header[ELF::EI_DATA] == ELF::ELFDATA2LSB;
  uint16_t machine = little ? header[18] | header[19] << 8
                            : header[19] | header[18] << 8;
  return is64 == req.is64 && (req.machine == 0 || machine == req.machine);
}

std::optional<std::string>
LoaderSearch::tryDir(StringRef hostDir, StringRef needed,
                      const LoadedObject &requester) const {
  if (hostDir.empty())
    hostDir = "."; // an empty entry means the current directory
  std::string candidate = (hostDir + "/" + needed).str();
  if (matchesTarget(candidate, requester))
    return candidate;
  return std::nullopt;
}

std::optional<std::string>
LoaderSearch::searchList(StringRef list, const LoadedObject &owner,
                          StringRef needed,
                          const LoadedObject &requester) const {
  SmallVector<StringRef, 8> entries;
  list.split(entries, ':');
  for (StringRef e : entries)
    if (std::optional<std::string> p =
            tryDir(expand(e, owner), needed, requester))
      return p;
  return std::nullopt;
}

std::optional<std::string>
LoaderSearch::find(StringRef needed, const LoadedObject &requester,
                    ArrayRef<const LoadedObject *> loaders) const {
  if (needed.contains('/')) {
    std::string p = needed.startswith("/") ? root + needed.str()
                                           : needed.str();
    if (matchesTarget(p, requester))
      return p;
    return std::nullopt;
  }
  if (requester.runpath.empty()) {
    if (auto p = searchList(requester.rpath, requester, needed, requester))
      return p;
    for (const LoadedObject *l : loaders)
      if (l->runpath.empty() && !l->rpath.empty())
        if (auto p = searchList(l->rpath, *l, needed, requester))
          return p;
  }
  if (!ldLibraryPath.empty())
    if (auto p = searchList(ldLibraryPath, requester, needed, requester))
      return p;
  if (!requester.runpath.empty())
    if (auto p = searchList(requester.runpath, requester, needed, requester))
      return p;
  for (const std::string &d : confDirs)
    if (auto p = tryDir(root + d, needed, requester))
      return p;
  std::string triple = multiarchTriple(requester.machine).str();
  for (const std::string &d : {"/lib/" + triple, "/usr/lib/" + triple,
                               std::string("/lib"), std::string("/usr/lib")})
    if (auto p = tryDir(root + d, needed, requester))
      return p;
  return std::nullopt;
}

} // namespace allocsel
