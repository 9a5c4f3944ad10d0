//===- LinkModel.cpp ------------------------------------------------------===//
//
// Glue between the command line, library search, linker scripts, the
// resolution simulation and allocator classification, and the printers of
// `allocsel link --explain`. Each step is a short function named after
// what the linker does at that point.
//
//===----------------------------------------------------------------------===//
#include "LinkModel.h"

#include "EntryPoints.h"
#include "ExportTable.h"
#include "LinkerScript.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace llvm;

namespace allocsel {

static Error makeError(const Twine &what) {
  return createStringError(inconvertibleErrorCode(), what);
}

//===- The linker line of a driver command --------------------------------===//

std::vector<std::string> splitDriverLine(StringRef line) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false, quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '\\' && i + 1 < line.size())
        word += line[++i];
      else if (c == '"')
        quoted = false;
      else
        word += c;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (inWord)
        words.push_back(std::move(word));
      word.clear();
      inWord = false;
      continue;
    }
    inWord = true;
    if (c == '"')
      quoted = true;
    else if (c == '\\' && i + 1 < line.size())
      word += line[++i];
    else
      word += c;
  }
  if (inWord)
    words.push_back(std::move(word));
  return words;
}

static bool isDriverName(StringRef name) {
  return name.contains("gcc") || name.contains("g++") ||
         name.contains("clang") || name == "cc" || name == "c++" ||
         name.endswith("-cc") || name.endswith("-c++");
}

// Runs `driver -### args...` and returns what it prints on stderr.
static Expected<std::string> runDriverDryRun(ArrayRef<std::string> argv) {
  ErrorOr<std::string> program =
      argv[0].find('/') == std::string::npos
          ? sys::findProgramByName(argv[0])
          : ErrorOr<std::string>(argv[0]);
  if (!program)
    return makeError(argv[0] + ": program not found");
  SmallString<128> errPath;
  if (std::error_code ec =
          sys::fs::createTemporaryFile("allocsel-driver", "txt", errPath))
    return makeError("cannot create a temporary file: " + ec.message());
  FileRemover remover(errPath);
  std::vector<StringRef> args = {*program, "-###"};
  for (size_t i = 1; i < argv.size(); ++i)
    args.push_back(argv[i]);
  Optional<StringRef> redirects[] = {None, StringRef(""), StringRef(errPath)};
  std::string message;
  int status = sys::ExecuteAndWait(*program, args, None, redirects,
                                   0, 0, &message);
  ErrorOr<std::unique_ptr<MemoryBuffer>> text =
      MemoryBuffer::getFile(errPath);
  if (status != 0 || !text) {
    StringRef printed = text ? (*text)->getBuffer().trim() : "";
    return makeError(argv[0] + " -### failed" +
                     (message.empty() ? "" : ": " + message) +
                     (printed.empty() ? "" : ": " + printed));
  }
  return (*text)->getBuffer().str();
}

// The linker gcc's collect2 runs: the last -fuse-ld= of the driver command.
static Flavour collect2Flavour(ArrayRef<std::string> driverArgs) {
  Flavour flavour = Flavour::Bfd;
  for (StringRef arg : driverArgs)
    if (arg.consume_front("-fuse-ld="))
      if (std::optional<Flavour> f = flavourFromName(arg))
        flavour = *f;
  return flavour;
}

Expected<LinkerInvocation> linkerCommand(ArrayRef<std::string> argv) {
  if (argv.empty())
    return makeError("no command given after --");
  StringRef name = sys::path::filename(argv[0]);
  LinkerInvocation inv;
  if (std::optional<Flavour> f = flavourFromName(name)) {
    inv.flavour = *f;
    inv.program = argv[0];
    inv.args.assign(argv.begin() + 1, argv.end());
    return inv;
  }
  if (!isDriverName(name))
    return makeError(argv[0] + ": neither a linker (ld, ld.bfd, ld.gold, "
                               "ld.lld, ld.mold) nor a compiler driver");
  // The driver's own response files, expanded as gcc and clang expand them:
  // gcc given a `@file` hands collect2 its inputs in a response file of its
  // own that it deletes on exit, so the `-###` line would name a file that
  // is gone (and a -fuse-ld= may be inside).
  Expected<std::vector<std::string>> driver = expandResponseFiles(argv);
  if (!driver)
    return driver.takeError();
  argv = *driver;
  Expected<std::string> text = runDriverDryRun(argv);
  if (!text)
    return text.takeError();
  // Commands are the lines that start with a space; the linker runs last.
  StringRef linkLine;
  SmallVector<StringRef, 16> lines;
  StringRef(*text).split(lines, '\n');
  for (StringRef line : lines)
    if (line.startswith(" "))
      linkLine = line;
  std::vector<std::string> words = splitDriverLine(linkLine);
  if (words.empty())
    return makeError(argv[0] + " -### printed no command");
  StringRef program = sys::path::filename(words[0]);
  if (program == "collect2") {
    inv.flavour = collect2Flavour(argv);
  } else if (std::optional<Flavour> f = flavourFromName(program)) {
    inv.flavour = *f;
  } else {
    return makeError("the command does not link: " + argv[0] +
                     " -### runs " + words[0] + " last");
  }
  inv.program = words[0];
  inv.args.assign(words.begin() + 1, words.end());
  return inv;
}

//===- Inputs: library search and linker scripts --------------------------===//

namespace {

class InputCollector {
public:
  InputCollector(LinkModel &model)
      : model(model), search(model.command) {}

  Error collect();

private:
  Expected<InputFile *> open(const std::string &path);
  Error add(LinkedInput input, int depth);
  Error expandScript(const LinkedInput &scriptInput, InputFile &file,
                     int depth);

  LinkModel &model;
  LibrarySearch search;
  int nextGroup = 1 << 20; // script GROUPs, above the command line's
};

// A shared object is read for a link by its undefined symbols and an
// export table (Inputs.h); of its definitions, the model's classification
// (Classify.h) needs the ones that name an entry point or a signature, and
// only those are listed.
static void listAllocatorExports(ObjectInfo &object) {
  forEachAllocatorSymbol([&](StringRef name) {
    if (std::optional<Symbol> s = object.exports->find(name))
      object.symbols.push_back(*s);
  });
}

Expected<InputFile *> InputCollector::open(const std::string &path) {
  if (model.base)
    if (auto it = model.base->files.find(path); it != model.base->files.end())
      return it->second.get();
  std::unique_ptr<InputFile> &slot = model.files[path];
  if (slot)
    return slot.get();
  Expected<std::unique_ptr<InputFile>> file =
      InputFile::open(path, ReadMode::Link);
  if (!file) {
    model.files.erase(path);
    return file.takeError();
  }
  slot = std::move(*file);
  if (slot->object && slot->object->exports)
    listAllocatorExports(*slot->object);
  return slot.get();
}

Error InputCollector::add(LinkedInput input, int depth) {
  Expected<InputFile *> file = open(input.path);
  if (!file)
    return file.takeError();
  input.file = *file;
  if (input.file->kind == InputKind::LinkerScript)
    return expandScript(input, *input.file, depth);
  model.inputs.push_back(std::move(input));
  return Error::success();
}

// A script given as an input names more inputs, taken where the script
// stands (GNU ld: ldlang.c, lld: ScriptParser::readGroup/readInput). Its
// GROUP is a group for GNU ld's archive search; AS_NEEDED adds
// --as-needed to the files inside.
Error InputCollector::expandScript(const LinkedInput &scriptInput,
                                   InputFile &file, int depth) {
  if (depth > 16)
    return fileError(scriptInput.path, "linker scripts nested too deep");
  Expected<LinkerScript> script = parseLinkerScript(
      file.buffer->getBuffer(), scriptInput.path, search.dirs());
  if (!script) {
    Error rest = handleErrors(
        script.takeError(), [&](const UnsupportedScriptError &e) {
          model.diagnostics.push_back(
              {"", Severity::Warning,
               cannotModelWarning(scriptInput.path), {e.message()}});
        });
    return rest;
  }
  for (const std::string &dir : script->searchDirs)
    search.addSearchDir(dir);
  int scriptGroup = 0;
  for (const ScriptInput &in : script->inputs) {
    Expected<std::string> path = search.findScriptInput(
        in.name, in.isLibrary, false, scriptInput.path);
    if (!path)
      return path.takeError();
    LinkedInput child;
    child.spelling = in.isLibrary ? "-l" + in.name : in.name;
    child.path = *path;
    child.asNeeded = scriptInput.asNeeded || in.asNeeded;
    child.wholeArchive = scriptInput.wholeArchive;
    child.viaScript = scriptInput.path;
    child.commandInput = scriptInput.commandInput;
    child.group = scriptInput.group;
    if (!child.group && in.inGroup) {
      if (!scriptGroup)
        scriptGroup = nextGroup++;
      child.group = scriptGroup;
    }
    if (Error e = add(std::move(child), depth + 1))
      return e;
  }
  return Error::success();
}

Error InputCollector::collect() {
  for (size_t i = 0; i < model.command.inputs.size(); ++i) {
    const LinkInput &in = model.command.inputs[i];
    LinkedInput input;
    input.spelling = in.spelling();
    input.commandInput = i;
    input.asNeeded = in.asNeeded;
    input.wholeArchive = in.wholeArchive;
    input.group = in.group;
    if (in.kind == LinkInput::Kind::File) {
      input.path = search.resolvePath(in.name);
    } else {
      std::string name =
          in.kind == LinkInput::Kind::LibraryFile ? ":" + in.name : in.name;
      Expected<std::string> path = search.findLibrary(name, in.isStatic);
      if (!path)
        return path.takeError();
      input.path = *path;
    }
    if (Error e = add(std::move(input), 0))
      return e;
  }
  return Error::success();
}

} // namespace

//===- Allocators ---------------------------------------------------------===//

// An untagged "system" identity (glibc, the C++ runtime) is the default
// every link has, not an allocator found: it is not listed.
static void addFound(LinkModel &model, std::vector<AllocatorIdentity> ids) {
  for (AllocatorIdentity &id : ids) {
    if (!id.tagged && id.provider == Provider::System)
      continue;
    model.allocators.push_back({std::move(id), "input"});
  }
}

// Tagged allocators count when named (a requested allocator, DESIGN §1);
// an untagged one in an archive only by the members the linker extracts.
static Error findAllocators(LinkModel &model) {
  llvm::DenseSet<const InputFile *> seen;
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    InputFile &file = *model.inputs[i].file;
    if (!seen.insert(&file).second)
      continue;
    if (!file.archive) {
      if (file.object) {
        AllocatorEvidence evidence;
        if (file.object->kind == InputKind::SharedObject)
          evidence.addExports(*file.object, model.inputs[i].path);
        else
          evidence.addObject(*file.object, model.inputs[i].path);
        addFound(model, evidence.identify());
      }
      continue;
    }
    // A tagged allocator in an archive has its anchor in the index; an
    // archive without one (every archive of most links, 140,000 symbols for
    // LLVM's) needs no closer look.
    StringRef anchor = ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX;
    if (llvm::any_of(file.archive->index(),
                     [&](const ArchiveFile::IndexEntry &entry) {
                       return entry.symbol.startswith(anchor);
                     })) {
      Expected<std::vector<AllocatorIdentity>> ids = identifyFile(file);
      if (!ids)
        return ids.takeError();
      std::vector<AllocatorIdentity> tagged;
      for (AllocatorIdentity &id : *ids)
        if (id.tagged)
          tagged.push_back(std::move(id));
      addFound(model, std::move(tagged));
    }
    AllocatorEvidence extracted;
    for (const Extraction &e : model.resolution.extracted) {
      if (model.inputs[e.input].file != &file)
        continue;
      Expected<const ObjectInfo &> object = file.archive->object(e.member);
      if (!object)
        return withFile(file.path, object.takeError());
      extracted.addObject(*object, memberName(file.path, e.memberName));
    }
    std::vector<AllocatorIdentity> untagged;
    for (AllocatorIdentity &id : extracted.identify())
      if (!id.tagged)
        untagged.push_back(std::move(id));
    addFound(model, std::move(untagged));
  }
  return Error::success();
}

// An artifact needs an allocator when anything it links references an
// entry point (DESIGN §1): its objects, extracted members and the shared
// objects it gets a DT_NEEDED for.
static bool needsAllocator(const LinkModel &model) {
  for (const LinkedObject &o : model.resolution.objects)
    if (!entryPointUse(*o.object).referenced.empty())
      return true;
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (model.resolution.neededShared[i] && model.inputs[i].file->object &&
        !entryPointUse(*model.inputs[i].file->object).referenced.empty())
      return true;
  return false;
}

Expected<std::unique_ptr<LinkModel>>
modelLink(const LinkerInvocation &invocation, const LinkModel *base) {
  auto model = std::make_unique<LinkModel>();
  model->program = invocation.program;
  model->base = base;
  Expected<LinkCommand> cmd =
      parseLinkCommand(invocation.args, invocation.flavour);
  if (!cmd)
    return cmd.takeError();
  model->command = std::move(*cmd);
  for (const std::string &w : model->command.warnings)
    model->diagnostics.push_back({"", Severity::Warning, w, {}});
  if (Error e = InputCollector(*model).collect())
    return e;
  Expected<Resolution> resolution =
      resolveLink(model->command, model->inputs);
  if (!resolution)
    return resolution.takeError();
  model->resolution = std::move(*resolution);
  if (Error e = findAllocators(*model))
    return e;
  model->needsAllocator = needsAllocator(*model);
  return model;
}

//===- Printing -----------------------------------------------------------===//

static StringRef outputKindName(LinkCommand::OutputKind k) {
  switch (k) {
  case LinkCommand::OutputKind::Executable:
    return "executable";
  case LinkCommand::OutputKind::SharedLibrary:
    return "shared-library";
  case LinkCommand::OutputKind::Relocatable:
    return "relocatable";
  }
  llvm_unreachable("unknown output kind");
}

// What became of one input: `linked`, `needed`, `not needed`,
// `3 members extracted`, ...
static std::string inputState(const LinkModel &model, size_t i) {
  const InputFile &file = *model.inputs[i].file;
  switch (file.kind) {
  case InputKind::SharedObject:
  case InputKind::Executable:
    return model.resolution.neededShared[i] ? "needed"
                                            : "not needed (--as-needed)";
  case InputKind::Archive: {
    if (model.inputs[i].wholeArchive)
      return "whole archive";
    size_t n = 0;
    for (const Extraction &e : model.resolution.extracted)
      n += e.input == i;
    return std::to_string(n) + (n == 1 ? " member" : " members") +
           " extracted";
  }
  default:
    return "linked";
  }
}

static const FoundAllocator *selectedAllocator(const LinkModel &model) {
  return model.allocators.size() == 1 ? &model.allocators[0] : nullptr;
}

static void printJson(const LinkModel &model, raw_ostream &os) {
  json::OStream j(os, 2);
  const LinkCommand &cmd = model.command;
  j.object([&] {
    j.attribute("kind", outputKindName(cmd.outputKind()));
    j.attribute("needs_allocator", model.needsAllocator);
    j.attribute("linker", flavourName(cmd.flavour));
    j.attribute("output", cmd.output);
    j.attributeArray("inputs", [&] {
      for (size_t i = 0; i < model.inputs.size(); ++i) {
        const LinkedInput &in = model.inputs[i];
        j.object([&] {
          j.attribute("name", in.spelling);
          j.attribute("path", in.path);
          j.attribute("kind", inputKindName(in.file->kind));
          j.attribute("state", inputState(model, i));
          if (in.group)
            j.attribute("group", in.group);
          if (in.asNeeded)
            j.attribute("as_needed", true);
          if (!in.viaScript.empty())
            j.attribute("script", in.viaScript);
        });
      }
    });
    j.attributeArray("extracted", [&] {
      for (const Extraction &e : model.resolution.extracted)
        j.object([&] {
          j.attribute("archive", model.inputs[e.input].path);
          j.attribute("member", e.memberName);
          if (e.whole)
            j.attribute("symbol", nullptr);
          else
            j.attribute("symbol", e.symbol);
          j.attribute("referenced_from", e.referencedFrom);
        });
    });
    j.attributeArray("allocators", [&] {
      for (const FoundAllocator &a : model.allocators)
        j.object([&] {
          j.attribute("name", a.identity.name);
          j.attribute("class", className(a.identity.cls));
          j.attribute("tagged", a.identity.tagged);
          j.attribute("source", a.identity.source);
          j.attribute("via", a.via);
        });
    });
    if (const FoundAllocator *a = selectedAllocator(model))
      j.attributeObject("selected", [&] {
        j.attribute("name", a->identity.name);
        j.attribute("how", "found");
      });
    else
      j.attribute("selected", nullptr);
    j.attributeArray("diagnostics", [&] {
      for (const Diagnostic &d : model.diagnostics)
        writeDiagnosticJson(j, d);
    });
  });
  os << "\n";
}

static void printText(const LinkModel &model, raw_ostream &os) {
  const LinkCommand &cmd = model.command;
  os << "link: " << outputKindName(cmd.outputKind()) << " '" << cmd.output
     << "' by " << flavourName(cmd.flavour) << " (" << model.program << ")\n";
  os << "needs an allocator: " << (model.needsAllocator ? "yes" : "no")
     << "\n";
  os << "inputs:\n";
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const LinkedInput &in = model.inputs[i];
    os << "  " << in.path << ": " << inputKindName(in.file->kind) << ", "
       << inputState(model, i);
    if (in.group)
      os << ", in a group";
    if (in.spelling != in.path)
      os << " [" << in.spelling << "]";
    if (!in.viaScript.empty())
      os << " [from " << in.viaScript << "]";
    os << "\n";
  }
  os << "extracted:\n";
  for (const Extraction &e : model.resolution.extracted) {
    os << "  " << memberName(model.inputs[e.input].path, e.memberName);
    if (e.whole)
      os << ": --whole-archive\n";
    else
      os << ": " << e.symbol << ", referenced by " << e.referencedFrom
         << "\n";
  }
  os << "allocators:\n";
  for (const FoundAllocator &a : model.allocators)
    os << "  " << a.identity.name << " (" << className(a.identity.cls)
       << (a.identity.tagged ? ", tagged" : ", untagged")
       << "): " << a.identity.source << ", via " << a.via << "\n";
  const FoundAllocator *selected = selectedAllocator(model);
  os << "selected: " << (selected ? selected->identity.name + " (found)"
                                  : std::string("none"))
     << "\n";
  for (const Diagnostic &d : model.diagnostics)
    printDiagnostic(os, d);
}

void printLinkModel(const LinkModel &model, OutputFormat format,
                    raw_ostream &os) {
  if (format == OutputFormat::Json)
    printJson(model, os);
  else
    printText(model, os);
}

int explainLink(ArrayRef<std::string> argv, OutputFormat format,
                raw_ostream &os) {
  Expected<LinkerInvocation> inv = linkerCommand(argv);
  if (!inv) {
    printError(toString(inv.takeError()));
    return ExitUsage;
  }
  Expected<std::unique_ptr<LinkModel>> model = modelLink(*inv);
  if (!model) {
    printError(toString(model.takeError()));
    return ExitUsage;
  }
  printLinkModel(**model, format, os);
  return ExitOk;
}

} // namespace allocsel
