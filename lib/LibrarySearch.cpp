//===- LibrarySearch.cpp --------------------------------------------------===//
//
// The search itself is small; what matters is the order, which each
// function states and cites.
//
//===----------------------------------------------------------------------===//
#include "LibrarySearch.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace allocsel {

std::vector<std::string> defaultSearchDirs(Flavour flavour) {
  if (flavour == Flavour::Lld || flavour == Flavour::Mold)
    return {};
  // `ld --verbose`, Debian binutils 2.40, x86-64; every entry is `=dir`.
  return {"/usr/local/lib/x86_64-linux-gnu",
          "/lib/x86_64-linux-gnu",
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/x86_64-linux-gnu64",
          "/usr/local/lib64",
          "/lib64",
          "/usr/lib64",
          "/usr/local/lib",
          "/lib",
          "/usr/lib",
          "/usr/x86_64-linux-gnu/lib64",
          "/usr/x86_64-linux-gnu/lib"};
}

static bool isRegularFile(const Twine &path) {
  return sys::fs::is_regular_file(path);
}

LibrarySearch::LibrarySearch(const LinkCommand &cmd)
    : flavour(cmd.flavour), sysroot(cmd.sysroot) {
  for (const std::string &dir : cmd.searchDirs)
    userDirs.push_back(underSysroot(dir));
  if (!cmd.noStdlib)
    for (const std::string &dir : defaultSearchDirs(flavour))
      builtinDirs.push_back(sysroot + dir);
}

// `=dir` and `$SYSROOT/dir` name a directory under --sysroot, in -L as in
// scripts (GNU ld's ldfile_add_library_path, lld's searchLibraryBaseName).
std::string LibrarySearch::underSysroot(StringRef dir) const {
  if (dir.consume_front("="))
    return sysroot + dir.str();
  if (dir.consume_front("$SYSROOT"))
    return sysroot + dir.str();
  return dir.str();
}

std::string LibrarySearch::resolvePath(StringRef path) const {
  return underSysroot(path);
}

void LibrarySearch::addSearchDir(StringRef dir) {
  userDirs.push_back(underSysroot(dir));
}

std::vector<std::string> LibrarySearch::dirs() const {
  std::vector<std::string> all = userDirs;
  all.insert(all.end(), builtinDirs.begin(), builtinDirs.end());
  return all;
}

std::optional<std::string> LibrarySearch::findInDirs(StringRef fileName) const {
  for (const std::vector<std::string> *list : {&userDirs, &builtinDirs})
    for (const std::string &dir : *list) {
      SmallString<256> path(dir);
      sys::path::append(path, fileName);
      if (isRegularFile(path))
        return std::string(path);
    }
  return std::nullopt;
}

// Each directory is tried for `libNAME.so` then `libNAME.a` before the next
// directory: a `.a` early in the path beats a `.so` later (GNU ld's
// ldfile_open_file_search, lld's searchLibraryBaseName). -Bstatic drops
// the `.so`.
Expected<std::string> LibrarySearch::findLibrary(StringRef name,
                                                 bool isStatic) const {
  auto notFound = [&] {
    return createStringError(inconvertibleErrorCode(),
                             "unable to find library -l" + name);
  };
  if (name.startswith(":")) {
    if (std::optional<std::string> path = findInDirs(name.drop_front()))
      return *path;
    return notFound();
  }
  for (const std::vector<std::string> *list : {&userDirs, &builtinDirs})
    for (const std::string &dir : *list) {
      if (!isStatic) {
        SmallString<256> so(dir);
        sys::path::append(so, "lib" + name + ".so");
        if (isRegularFile(so))
          return std::string(so);
      }
      SmallString<256> a(dir);
      sys::path::append(a, "lib" + name + ".a");
      if (isRegularFile(a))
        return std::string(a);
    }
  return notFound();
}

// lld's LinkerScript::addFile: an absolute path in a script that itself
// lies under the sysroot is first looked for under the sysroot; `=path`
// is under it; `-lNAME` is a library; then the path as written (relative
// to the current directory); lld then tries the script's directory, GNU
// ld does not; last, the -L directories.
Expected<std::string>
LibrarySearch::findScriptInput(StringRef name, bool isLibrary, bool isStatic,
                               StringRef scriptPath) const {
  if (isLibrary)
    return findLibrary(name, isStatic);
  if (!sysroot.empty() && sys::path::is_absolute(name) &&
      scriptPath.startswith(sysroot) && isRegularFile(sysroot + name))
    return sysroot + name.str();
  if (name.startswith("=") || name.startswith("$SYSROOT"))
    return underSysroot(name);
  if (isRegularFile(name))
    return name.str();
  if (flavour == Flavour::Lld && !sys::path::is_absolute(name)) {
    SmallString<256> beside = sys::path::parent_path(scriptPath);
    sys::path::append(beside, name);
    if (isRegularFile(beside))
      return std::string(beside);
  }
  if (!sys::path::is_absolute(name))
    if (std::optional<std::string> path = findInDirs(name))
      return *path;
  return createStringError(inconvertibleErrorCode(),
                           scriptPath + ": cannot find '" + name +
                               "' inside the script");
}

} // namespace allocsel
