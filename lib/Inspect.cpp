//===- Inspect.cpp --------------------------------------------------------===//
//
// `inspect` reads every member of an archive (the link path reads only what
// the linker would extract) and shows only the members that say something
// about allocation: a marker, a stamp, an entry point defined or
// referenced. Text is for people (C++ names demangled); JSON for scripts
// (mangled names, as the linker sees them).
//
//===----------------------------------------------------------------------===//
#include "Inspect.h"

#include "Classify.h"
#include "Diagnostics.h"
#include "LinkerScript.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace allocsel {

namespace {

// One object and what it says.
struct ObjectReport {
  std::string name; // the member's name; empty for the file itself
  const ObjectInfo *object;
  EntryPointUse use;

  bool saysSomething() const {
    return !object->notes.empty() || !use.defined.empty() ||
           !use.referenced.empty();
  }
};

struct FileReport {
  InputFile *file;
  size_t memberCount = 0;
  std::vector<ObjectReport> objects;
  std::vector<AllocatorIdentity> allocators;
  std::optional<LinkerScript> script;
};

Expected<FileReport> analyse(InputFile &file) {
  FileReport report;
  report.file = &file;
  if (file.kind == InputKind::LinkerScript) {
    Expected<LinkerScript> script =
        parseLinkerScript(file.buffer->getBuffer(), file.path);
    if (!script)
      return script.takeError();
    report.script = std::move(*script);
    return report;
  }
  AllocatorEvidence evidence;
  if (file.object) {
    report.objects.push_back({"", &*file.object, entryPointUse(*file.object)});
    evidence.addObject(*file.object, file.path);
  } else {
    Expected<std::vector<uint64_t>> members = file.archive->members();
    if (!members)
      return withFile(file.path, members.takeError());
    report.memberCount = members->size();
    for (uint64_t offset : *members) {
      Expected<const ObjectInfo &> object = file.archive->object(offset);
      if (!object)
        return withFile(file.path, object.takeError());
      Expected<const ArchiveFile::Member &> member =
          file.archive->member(offset);
      if (!member)
        return withFile(file.path, member.takeError());
      ObjectReport r{member->name, &*object, entryPointUse(*object)};
      evidence.addObject(*object, memberName(file.path, r.name));
      if (r.saysSomething())
        report.objects.push_back(std::move(r));
    }
  }
  report.allocators = evidence.identify();
  return report;
}

std::string entryPointList(EntryPointSet set, bool demangled) {
  std::vector<std::string> names;
  set.forEach([&](EntryPoint e) {
    names.push_back(demangled ? entryPointDisplayName(e)
                              : entryPointSymbol(e).str());
  });
  return join(names, ", ");
}

std::string describeProvider(const AllocatorIdentity &id) {
  if (id.tagged)
    return ("tagged, " + className(id.cls) + (id.onAbi ? ", on the allocsel ABI" : ""))
        .str();
  switch (*id.provider) {
  case Provider::System:
    return "system: the C library or the C++ runtime";
  case Provider::Sanitizer:
    return "sanitizer runtime, owns the heap";
  case Provider::Untagged:
    return ("untagged, " + className(id.cls)).str();
  }
  llvm_unreachable("unknown provider");
}

std::string stampFlags(uint32_t flags) {
  std::vector<std::string> names;
  if (flags & ALLOCSEL_STAMP_EXPORT_ALLOCATOR)
    names.push_back("export-allocator");
  if (flags & ALLOCSEL_STAMP_PRIVATE)
    names.push_back("private");
  if (flags & ALLOCSEL_STAMP_WARN_MODE)
    names.push_back("warn-mode");
  return join(names, " ");
}

//===- Text ---------------------------------------------------------------===//

void printNotesText(raw_ostream &os, const NoteSet &notes, StringRef indent) {
  for (const AllocatorMarker &m : notes.allocators) {
    os << indent << "marker: allocator " << m.name << ", " << className(m.cls);
    if (m.onAbi)
      os << ", on the allocsel ABI";
    if (!m.libs.empty())
      os << ", needs -l" << join(m.libs, " -l");
    os << "\n";
  }
  for (const NeedsAllocatorMarker &m : notes.needsAllocator)
    os << indent << "marker: needs-allocator " << m.name << "\n";
  for (const SelectionStamp &s : notes.stamps) {
    os << indent << "stamp: " << kindName(s.kind) << ", allocator "
       << (s.allocator.empty() ? "none" : s.allocator) << " ("
       << howName(s.how) << ")";
    if (s.flags)
      os << ", " << stampFlags(s.flags);
    os << ", allocsel " << s.toolVersion << "\n";
  }
}

void printObjectText(raw_ostream &os, const ObjectReport &r,
                     StringRef indent) {
  printNotesText(os, r.object->notes, indent);
  if (!r.use.defined.empty())
    os << indent << "defines: " << entryPointList(r.use.defined, true) << "\n";
  if (!r.use.referenced.empty())
    os << indent << "references: " << entryPointList(r.use.referenced, true)
       << "\n";
}

void printText(raw_ostream &os, const FileReport &r) {
  const InputFile &file = *r.file;
  os << file.path << ": " << inputKindName(file.kind);
  if (file.archive)
    os << ", " << r.memberCount << " members"
       << (file.archive->isThin() ? " (thin)" : "");
  if (file.object && !file.object->soname.empty())
    os << ", soname " << file.object->soname;
  os << "\n";
  if (r.script) {
    for (const ScriptInput &in : r.script->inputs)
      os << "  input: " << (in.isLibrary ? "-l" : "") << in.name
         << (in.asNeeded ? " (as needed)" : "") << "\n";
    for (const std::string &dir : r.script->searchDirs)
      os << "  search dir: " << dir << "\n";
    return;
  }
  for (const AllocatorIdentity &id : r.allocators) {
    os << "  allocator: " << id.name << " (" << describeProvider(id) << ")";
    if (id.evidence == "anchor")
      os << ", by its anchor (LLVM bitcode shows no note before code "
            "generation)";
    else if (id.evidence != "marker")
      os << ", recognised by '" << id.evidence << "'";
    os << " in " << id.source << "\n";
    if (!id.surface.empty())
      os << "    surface: " << entryPointList(id.surface, true) << "\n";
  }
  if (file.object) {
    printObjectText(os, r.objects.front(), "  ");
    for (StringRef needed : file.object->needed)
      os << "  needed: " << needed << "\n";
    return;
  }
  for (const ObjectReport &o : r.objects) {
    os << "  " << memberName(file.path, o.name) << ":\n";
    printObjectText(os, o, "    ");
  }
}

//===- JSON ---------------------------------------------------------------===//

void writeEntryPoints(json::OStream &j, StringRef key, EntryPointSet set) {
  j.attributeArray(key, [&] {
    set.forEach([&](EntryPoint e) { j.value(entryPointSymbol(e)); });
  });
}

void writeNotes(json::OStream &j, const NoteSet &notes) {
  j.attributeArray("markers", [&] {
    for (const AllocatorMarker &m : notes.allocators)
      j.object([&] {
        j.attribute("type", "allocator");
        j.attribute("name", m.name);
        j.attribute("class", className(m.cls));
        j.attribute("abi", m.onAbi);
        j.attributeArray("libs", [&] {
          for (const std::string &lib : m.libs)
            j.value(lib);
        });
      });
    for (const NeedsAllocatorMarker &m : notes.needsAllocator)
      j.object([&] {
        j.attribute("type", "needs-allocator");
        j.attribute("name", m.name);
      });
  });
  j.attributeArray("stamps", [&] {
    for (const SelectionStamp &s : notes.stamps)
      j.object([&] {
        j.attribute("kind", kindName(s.kind));
        j.attribute("allocator", s.allocator.empty() ? json::Value(nullptr)
                                                     : json::Value(s.allocator));
        j.attribute("how", howName(s.how));
        j.attribute("flags", stampFlags(s.flags));
        j.attribute("tool_version", s.toolVersion);
      });
  });
}

void writeObject(json::OStream &j, const ObjectReport &r) {
  j.attribute("kind", inputKindName(r.object->kind));
  writeNotes(j, r.object->notes);
  writeEntryPoints(j, "defines", r.use.defined);
  writeEntryPoints(j, "references", r.use.referenced);
}

void writeJson(json::OStream &j, const FileReport &r) {
  const InputFile &file = *r.file;
  j.object([&] {
    j.attribute("path", file.path);
    j.attribute("kind", inputKindName(file.kind));
    if (r.script) {
      j.attributeArray("inputs", [&] {
        for (const ScriptInput &in : r.script->inputs)
          j.object([&] {
            j.attribute("name", in.name);
            j.attribute("library", in.isLibrary);
            j.attribute("as_needed", in.asNeeded);
          });
      });
      return;
    }
    j.attributeArray("allocators", [&] {
      for (const AllocatorIdentity &id : r.allocators)
        j.object([&] {
          j.attribute("name", id.name);
          j.attribute("class", className(id.cls));
          j.attribute("tagged", id.tagged);
          j.attribute("system", id.provider == Provider::System);
          j.attribute("evidence", id.evidence);
          j.attribute("source", id.source);
          writeEntryPoints(j, "surface", id.surface);
        });
    });
    if (file.object) {
      writeObject(j, r.objects.front());
      j.attribute("soname", file.object->soname);
      j.attributeArray("needed", [&] {
        for (StringRef needed : file.object->needed)
          j.value(needed);
      });
      return;
    }
    j.attribute("member_count", r.memberCount);
    j.attributeArray("members", [&] {
      for (const ObjectReport &o : r.objects)
        j.object([&] {
          j.attribute("name", o.name);
          writeObject(j, o);
        });
    });
  });
}

} // namespace

int inspectFiles(ArrayRef<std::string> paths, OutputFormat format,
                 raw_ostream &os) {
  int status = ExitOk;
  std::vector<std::unique_ptr<InputFile>> files;
  std::vector<FileReport> reports;
  for (const std::string &path : paths) {
    Expected<std::unique_ptr<InputFile>> file = InputFile::open(path);
    if (!file) {
      printError(toString(file.takeError()));
      status = ExitUsage;
      continue;
    }
    Expected<FileReport> report = analyse(**file);
    if (!report) {
      printError(toString(report.takeError()));
      status = ExitUsage;
      continue;
    }
    files.push_back(std::move(*file));
    reports.push_back(std::move(*report));
  }
  if (format == OutputFormat::Text) {
    for (const FileReport &r : reports)
      printText(os, r);
    return status;
  }
  json::OStream j(os, 2);
  j.object([&] {
    j.attributeArray("files", [&] {
      for (const FileReport &r : reports)
        writeJson(j, r);
    });
  });
  os << "\n";
  return status;
}

} // namespace allocsel
