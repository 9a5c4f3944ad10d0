//===- Rewrite.cpp --------------------------------------------------------===//
#include "Rewrite.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

namespace allocsel {

namespace {

// What the decision adds: `inserted` goes where the first library is,
// `appended` (options that apply wherever they stand) at the end.
struct Additions {
  std::vector<std::string> inserted;
  std::vector<std::string> appended;
};

// Where the stamp and the archive go: before the first input that is a
// library (an -l, an archive, a shared object, a script), so before glibc's
// and the C++ runtime's shared definitions; at the end if there is none.
// An index into LinkCommand::args.
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

Additions additions(const LinkModel &model, const Decision &decision,
                    StringRef stampPath) {
  Additions add;
  std::vector<std::string> &inserted = add.inserted;
  // The inserted block must not inherit --whole-archive or -Bstatic state
  // from where it lands, nor leave any behind.
  inserted.push_back("--push-state");
  inserted.push_back("--no-whole-archive");
  if (!stampPath.empty())
    inserted.push_back(stampPath.str());

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
    if (s->added) {
      // A shared-object backed allocator's library must stay in DT_NEEDED.
      if (s->cls == AllocatorClass::SharedObject)
        inserted.push_back("--no-as-needed");
      for (const std::string &lib : s->libs)
        inserted.push_back("-l" + lib);
    }
    if (decision.privateBinding && s->added)
      add.appended.push_back(
          ("--exclude-libs=" + sys::path::filename(s->added->archive)).str());
    if (decision.kind == ArtifactKind::Executable &&
        s->cls == AllocatorClass::Overriding && isDynamic(model))
      forced.forEach([&](EntryPoint e) {
        add.appended.push_back(
            ("--export-dynamic-symbol=" + entryPointSymbol(e)).str());
      });
  }
  inserted.push_back("--pop-state");
  return add;
}

template <typename Range>
void append(std::vector<std::string> &to, const Range &range) {
  to.insert(to.end(), std::begin(range), std::end(range));
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
  if (!responseFile)
    return args;
  ArrayRef<std::string> all = args;
  std::vector<std::string> out = all.take_front(responseFile->index).vec();
  append(out, responseFile->args);
  append(out, all.drop_front(responseFile->index + 1));
  return out;
}

RewrittenCommand rewriteLinkCommand(const LinkModel &model,
                                    const Decision &decision,
                                    StringRef stampPath) {
  const LinkCommand &cmd = model.command;
  ArrayRef<std::string> given = cmd.originalArgs;
  Additions add = additions(model, decision, stampPath);
  RewrittenCommand out;
  size_t at = insertionPoint(model);
  if (at == cmd.args.size()) {
    out.args = given.vec();
    append(out.args, add.inserted);
  } else {
    // The argument as given that `at` comes from, and the arguments that
    // come from it: [begin, end) of LinkCommand::args.
    size_t origin = cmd.argOrigins[at];
    auto [first, last] =
        std::equal_range(cmd.argOrigins.begin(), cmd.argOrigins.end(), origin);
    size_t begin = first - cmd.argOrigins.begin();
    size_t end = last - cmd.argOrigins.begin();
    out.args = given.take_front(origin).vec();
    if (at == begin) {
      // At an argument as given, or at the first of a response file's.
      append(out.args, add.inserted);
    } else {
      // Inside a response file: one of allocsel's own stands in for it.
      ArrayRef<std::string> inside =
          ArrayRef(cmd.args).slice(begin, end - begin);
      RewrittenCommand::ResponseFile rsp;
      rsp.index = out.args.size();
      append(rsp.args, inside.take_front(at - begin));
      append(rsp.args, add.inserted);
      append(rsp.args, inside.drop_front(at - begin));
      out.responseFile = std::move(rsp);
    }
    append(out.args, given.drop_front(origin));
  }
  append(out.args, add.appended);
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
