//===- Registry.cpp -------------------------------------------------------===//
#include "Registry.h"

#include "Diagnostics.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <map>

using namespace llvm;

namespace allocsel {

std::vector<std::string> allocatorSearchPath(StringRef executableDir) {
  std::vector<std::string> dirs;
  if (Optional<std::string> env =
          sys::Process::GetEnv("ALLOCSEL_ALLOCATOR_PATH")) {
    SmallVector<StringRef, 4> parts;
    StringRef(*env).split(parts, ':', -1, /*KeepEmpty=*/false);
    for (StringRef p : parts)
      dirs.push_back(p.str());
    return dirs;
  }
  SmallString<256> dir(executableDir);
  sys::path::append(dir, "..", "lib", "allocsel");
  sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  dirs.push_back(dir.str().str());
  return dirs;
}

// allocator.json's "origin", or nothing: the file is informative only.
static std::string readOrigin(StringRef dir) {
  SmallString<256> path(dir);
  sys::path::append(path, "allocator.json");
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  Expected<json::Value> value = json::parse((*buffer)->getBuffer());
  if (!value) {
    consumeError(value.takeError());
    return "";
  }
  const json::Object *object = value->getAsObject();
  if (!object)
    return "";
  Optional<StringRef> origin = object->getString("origin");
  return origin ? origin->str() : "";
}

// The allocator in `dir` (`<dir>/liballocsel-<name>.a`), if there is one.
static Expected<std::optional<InstalledAllocator>>
readAllocator(StringRef dir, StringRef name) {
  SmallString<256> archive(dir);
  sys::path::append(archive, "liballocsel-" + name + ".a");
  if (!sys::fs::exists(archive))
    return std::nullopt;
  Expected<std::unique_ptr<InputFile>> file = InputFile::open(archive);
  if (!file)
    return file.takeError();
  Expected<std::vector<AllocatorIdentity>> ids = identifyFile(**file);
  if (!ids)
    return ids.takeError();
  auto tagged = llvm::find_if(*ids, [&](const AllocatorIdentity &id) {
    return id.tagged && id.name == name;
  });
  if (tagged == ids->end())
    return fileError(archive, "no marker of allocator '" + name + "'");
  return InstalledAllocator{name.str(), archive.str().str(), *tagged,
                            readOrigin(dir)};
}

Expected<std::optional<InstalledAllocator>>
findAllocator(StringRef name, ArrayRef<std::string> searchPath) {
  if (!isValidName(name))
    return createStringError(inconvertibleErrorCode(),
                             "invalid allocator name '" + name + "'");
  for (const std::string &root : searchPath) {
    SmallString<256> dir(root);
    sys::path::append(dir, name);
    Expected<std::optional<InstalledAllocator>> a = readAllocator(dir, name);
    if (!a || *a)
      return a;
  }
  return std::nullopt;
}

Expected<std::vector<InstalledAllocator>>
listAllocators(ArrayRef<std::string> searchPath) {
  std::map<std::string, InstalledAllocator> byName;
  for (const std::string &root : searchPath) {
    std::error_code ec;
    for (sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec)) {
      StringRef name = sys::path::filename(it->path());
      if (byName.count(name.str()) || !isValidName(name))
        continue;
      Expected<std::optional<InstalledAllocator>> a =
          readAllocator(it->path(), name);
      if (!a)
        return a.takeError();
      if (*a)
        byName.emplace(name.str(), std::move(**a));
    }
  }
  std::vector<InstalledAllocator> all;
  for (auto &[name, a] : byName)
    all.push_back(std::move(a));
  return all;
}

// "C 10/10, C++ 20/20": how much of the allocation surface it defines.
static std::string surfaceSummary(EntryPointSet surface) {
  unsigned c = 0, cxx = 0;
  surface.forEach([&](EntryPoint e) { ++(e < EP_FirstCxx ? c : cxx); });
  return ("C " + Twine(c) + "/" + Twine(unsigned(EP_FirstCxx)) + ", C++ " +
          Twine(cxx) + "/" + Twine(unsigned(EP_Count - EP_FirstCxx)))
      .str();
}

int printAllocators(ArrayRef<std::string> searchPath, OutputFormat outputFormat,
                    raw_ostream &os) {
  Expected<std::vector<InstalledAllocator>> all = listAllocators(searchPath);
  if (!all) {
    printError(toString(all.takeError()));
    return ExitUsage;
  }
  if (outputFormat == OutputFormat::Json) {
    json::OStream j(os, 2);
    j.array([&] {
      for (const InstalledAllocator &a : *all)
        j.object([&] {
          j.attribute("name", a.name);
          j.attribute("class", className(a.identity.cls));
          j.attribute("abi", a.identity.onAbi);
          j.attributeArray("libs", [&] {
            for (const std::string &lib : a.identity.libs)
              j.value(lib);
          });
          j.attributeArray("surface", [&] {
            a.identity.surface.forEach(
                [&](EntryPoint e) { j.value(entryPointSymbol(e)); });
          });
          j.attribute("origin", a.origin);
          j.attribute("archive", a.archive);
        });
    });
    os << "\n";
    return ExitOk;
  }
  if (all->empty()) {
    os << "no allocators installed in " << join(searchPath, ":") << "\n";
    return ExitOk;
  }
  const char *row = "%-10s %-14s %-4s %-20s %s\n";
  os << llvm::format(row, +"NAME", +"CLASS", +"ABI", +"SURFACE", +"ORIGIN");
  for (const InstalledAllocator &a : *all) {
    std::string cls = className(a.identity.cls).str();
    std::string surface = surfaceSummary(a.identity.surface);
    os << llvm::format(row, a.name.c_str(), cls.c_str(),
                 a.identity.onAbi ? "yes" : "no", surface.c_str(),
                 a.origin.c_str());
  }
  return ExitOk;
}

} // namespace allocsel
