//===- Rewrite.cpp --------------------------------------------------------===//
#include "Rewrite.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

namespace allocsel {

namespace {

// Arguments the decision inserts before `at`, an index into
// LinkCommand::args (its size: at the end), wrapped in `--push-state
// --no-whole-archive … --pop-state` so that they neither inherit
// --whole-archive or -Bstatic state from where they land nor leave any
// behind.
struct Insertion {
  size_t at = 0;
  std::vector<std::string> args;
};

// What the decision adds: `inserted` in command-line order, `appended`
// (options that apply wherever they stand) at the end.
struct Additions {
  std::vector<Insertion> inserted;
  std::vector<std::string> appended;
};

// Where the stamp and the archive go: before the first input that is a
// library (an -l, an archive, a shared object, a script), so before glibc's
// and the C++ runtime's shared definitions; at the end if there is none.
size_t insertionPoint(const LinkModel &model) {
  const LinkCommand &cmd = model.command;
  for (const LinkInput &in : cmd.inputs) {
    if (in.kind != LinkInput::Kind::File)
      return in.argIndex;
    auto it = model.files.find(in.name);
    if (it != model.files.end() && it->second->kind != InputKind::Relocatable &&
        it->second->kind != InputKind::Bitcode &&
        it->second->kind != InputKind::GccLto)
      return in.argIndex;
  }
  return cmd.args.size();
}

// Right after the last place on the command line that names the file the
// allocator was found in (by its path, an -l, or a linker script that
// lists it): every member the linker extracts from it comes before that.
size_t afterFoundAllocator(const LinkModel &model, const Selection &s) {
  size_t after = model.command.args.size();
  for (const LinkedInput &in : model.inputs)
    if (in.path == s.file)
      after = model.command.inputs[in.commandInput].argEnd;
  return after;
}

// Whether the allocator's members come from an archive, the one thing
// --exclude-libs hides: the installed archive allocsel adds, or one the
// command line names.
bool isArchive(const LinkModel &model, const Selection &s) {
  if (s.added)
    return true;
  auto it = model.files.find(s.file);
  return it != model.files.end() && it->second->kind == InputKind::Archive;
}

// Whether the output gets a dynamic symbol table: some shared object is
// linked, or it is a PIE or a shared library.
bool isDynamic(const LinkModel &model) {
  if (model.command.shared || model.command.pie)
    return true;
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (model.resolution.neededShared[i])
      return true;
  return false;
}

// The libraries the allocator's marker names (`libs`), for after its
// archive, whether allocsel adds the archive or the command line names
// it: a static allocator's (jemalloc's -lm, -lpthread) are what its members
// reference, a shared-object backed one's is the allocator itself, which
// must stay in DT_NEEDED. None for an allocator found in a shared object,
// whose own DT_NEEDED names them.
std::vector<std::string> libraryArgs(const Selection &s) {
  std::vector<std::string> args;
  if (s.libs.empty() || !s.sharedObject.empty())
    return args;
  if (s.cls == AllocatorClass::SharedObject)
    args.push_back("--no-as-needed");
  for (const std::string &lib : s.libs)
    args.push_back("-l" + lib);
  return args;
}

Additions additions(const LinkModel &model, const Decision &decision,
                    StringRef stampPath) {
  Additions add;
  std::vector<std::string> inserted;
  if (!stampPath.empty())
    inserted.push_back(stampPath.str());
  std::optional<Insertion> afterAllocator;

  if (const std::optional<Selection> &s = decision.selected) {
    if (s->added)
      inserted.push_back(s->added->archive);
    bool tagged = s->added || any_of(model.allocators, [&](const auto &a) {
                    return a.identity.tagged && a.identity.name == s->name;
                  });
    if (tagged)
      inserted.push_back("--undefined=" ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX +
                         s->name);
    const EntryPointSet &forced = s->forced;
    if (s->cls == AllocatorClass::Overriding)
      forced.forEach([&](EntryPoint e) {
        inserted.push_back(("--undefined=" + entryPointSymbol(e)).str());
      });
    std::vector<std::string> libs = libraryArgs(*s);
    if (s->added)
      append_range(inserted, libs);
    else if (!libs.empty())
      afterAllocator = Insertion{afterFoundAllocator(model, *s), libs};
    if (decision.privateBinding && isArchive(model, *s))
      add.appended.push_back(
          ("--exclude-libs=" + sys::path::filename(s->file)).str());
    if (decision.kind == ArtifactKind::Executable &&
        s->cls == AllocatorClass::Overriding && isDynamic(model))
      forced.forEach([&](EntryPoint e) {
        add.appended.push_back(
            ("--export-dynamic-symbol=" + entryPointSymbol(e)).str());
      });
  }
  add.inserted.push_back({insertionPoint(model), std::move(inserted)});
  if (afterAllocator)
    add.inserted.push_back(std::move(*afterAllocator));
  // In command-line order; at one place, the stamp's block first.
  std::stable_sort(add.inserted.begin(), add.inserted.end(),
                   [](const Insertion &a, const Insertion &b) {
                     return a.at < b.at;
                   });
  for (Insertion &in : add.inserted) {
    in.args.insert(in.args.begin(), {"--push-state", "--no-whole-archive"});
    in.args.push_back("--pop-state");
  }
  return add;
}

// One argument in a response file. The four linkers tokenize response
// files alike for a word in double quotes with `\` escaping `"` and `\`:
// libiberty's buildargv (GNU ld, gold), LLVM's TokenizeGNUCommandLine
// (lld) and mold's read_response_file, which (1.10) takes a quote only at
// the start of a word, and a backslash inside single quotes as an escape.
std::string responseFileWord(StringRef arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\f\r'\"\\") == StringRef::npos)
    return arg.str();
  std::string word = "\"";
  for (char c : arg) {
    if (c == '"' || c == '\\')
      word += '\\';
    word += c;
  }
  return word + "\"";
}

} // namespace

std::vector<std::string> RewrittenCommand::inlined() const {
  std::vector<std::string> out;
  auto rsp = responseFiles.begin();
  for (size_t i = 0; i < args.size(); ++i) {
    if (rsp != responseFiles.end() && rsp->index == i)
      append_range(out, (rsp++)->args);
    else
      out.push_back(args[i]);
  }
  return out;
}

RewrittenCommand rewriteLinkCommand(const LinkModel &model,
                                    const Decision &decision,
                                    StringRef stampPath) {
  const LinkCommand &cmd = model.command;
  Additions add = additions(model, decision, stampPath);
  auto next = add.inserted.begin();
  auto insertedEnd = add.inserted.end();
  RewrittenCommand out;
  // Each argument as given with [begin, end), the arguments of
  // LinkCommand::args that come from it: itself, or a response file's.
  size_t begin = 0;
  for (size_t origin = 0; origin < cmd.originalArgs.size(); ++origin) {
    size_t end = begin;
    while (end < cmd.args.size() && cmd.argOrigins[end] == origin)
      ++end;
    // At an argument as given, or at the first of a response file's: in
    // front of it, the `@file` kept.
    for (; next != insertedEnd && next->at <= begin; ++next)
      append_range(out.args, next->args);
    if (next != insertedEnd && next->at < end) {
      // Inside a response file: one of allocsel's own stands in for it.
      RewrittenCommand::ResponseFile rsp;
      rsp.index = out.args.size();
      for (size_t i = begin; i < end; ++i) {
        for (; next != insertedEnd && next->at == i; ++next)
          append_range(rsp.args, next->args);
        rsp.args.push_back(cmd.args[i]);
      }
      out.responseFiles.push_back(std::move(rsp));
    }
    out.args.push_back(cmd.originalArgs[origin]);
    begin = end;
  }
  for (; next != insertedEnd; ++next)
    append_range(out.args, next->args);
  append_range(out.args, add.appended);
  return out;
}

std::string responseFileText(ArrayRef<std::string> args) {
  std::string text;
  for (const std::string &arg : args)
    text += responseFileWord(arg) + "\n";
  return text;
}

// The random part of a file name of linkFilePattern.
static constexpr StringRef uniquePart = "%%%%%%%%";

std::string linkFilePattern(StringRef output, StringRef stem,
                            StringRef extension) {
  SmallString<256> pattern(sys::path::parent_path(output));
  // The file goes on the command line as an input: in `-o -dir/app` its
  // directory would make it an option.
  if (pattern.empty() || pattern.startswith("-"))
    pattern.insert(pattern.begin(), {'.', '/'});
  sys::path::append(pattern,
                    ".allocsel-" + stem + "-" + uniquePart + extension);
  return pattern.str().str();
}

// `executable 'app': allocator jemalloc (default)`, then what the stamp's
// flags say; `no allocator (none needed)` for an artifact that needs none,
// `no allocator (no default)` for a component that brings none, `no
// allocator` where a rule failed in warn mode.
static std::string decisionLine(const LinkModel &model,
                                const Decision &decision) {
  std::string line =
      (kindName(decision.kind) + " '" + model.command.output + "': ").str();
  if (const std::optional<Selection> &s = decision.selected)
    line += ("allocator " + s->name + " (" + howName(s->how) + ")").str();
  else if (!decision.needsAllocator)
    line += "no allocator (none needed)";
  else if (decision.kind == ArtifactKind::Relocatable)
    line += "no allocator (no default)";
  else
    line += "no allocator";
  if (decision.exportAllocator)
    line += ", exported";
  if (decision.privateBinding)
    line += ", bound privately";
  if (decision.mode == Mode::Warn)
    line += ", warn mode";
  return line;
}

ProcessStatus
dryRunLink(const LinkModel &model, const Decision &decision,
           function_ref<ProcessStatus(ArrayRef<std::string>)> runLinker) {
  outs() << decisionLine(model, decision) << "\n";
  std::string stamp;
  if (decision.kind != ArtifactKind::Relocatable) {
    stamp = linkFilePattern(model.command.output, "stamp", ".o");
    stamp.replace(stamp.rfind(uniquePart), uniquePart.size(), "XXXXXXXX");
  }
  return runLinker(rewriteLinkCommand(model, decision, stamp).inlined());
}

} // namespace allocsel
