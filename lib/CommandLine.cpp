//===- CommandLine.cpp - the ld command line as the linker reads it -------===//
//
// A state machine over the ordered arguments, in the spirit of lld's
// `createFiles`: each argument is matched against the option table of
// LinkerOptions.def for the linker in use; a value-taking option swallows its
// value (so the value is never taken for an input), positional options change
// the state that every later input records, and everything that is not an
// option is an input.
//
// Matching imitates the linkers' own parsers closely enough for every
// command line gcc, clang and build systems produce:
//  1. `--name`, `-name`, `--name=value`, `-name=value`: a long option, when
//     the table knows the name with that number of dashes for this linker.
//  2. A row of Prefix form whose spelling starts the argument (`--lto-O3`).
//  3. `-xVALUE`, `-x VALUE`: a short option (`-lc`, `-L/usr/lib`, `-zrelro`).
// Long before short is what GNU ld's getopt_long_only, gold, lld's OptTable
// (longest match) and mold do: `-static` is not `-s -t ...`, `-soname x` is
// not `-s`, `-Ttext=0x1000` is not a script named `text=0x1000`.
//
// Not modelled: GNU ld also accepts unambiguous abbreviations of long options
// (`--whole-arch`); an unknown option that abbreviates one the table knows for
// bfd is reported as not modellable rather than guessed.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/StringSaver.h"

#include <algorithm>
#include <array>
#include <string_view>

using namespace llvm;

namespace allocsel {

namespace {

enum class Dashes : uint8_t { One, Two, Any };
enum class Form : uint8_t { Flag, Separate, Joined, Prefix };

// What an option does to the model; see LinkerOptions.def.
enum class Action : uint8_t {
  Ignore,
  // inputs and search
  Library, LibraryPath, Sysroot, NoStdlib, Output, Emulation, Format,
  // positional state
  AsNeeded, NoAsNeeded, Bstatic, Bdynamic, WholeArchive, NoWholeArchive,
  StartGroup, EndGroup, StartLib, EndLib, PushState, PopState,
  // output kind
  Shared, Relocatable, Pie, NoPie, DynamicLinker, NoDynamicLinker,
  // symbols
  Entry, Undefined, Init, Fini, Defsym, Wrap, ExportDynamic, NoExportDynamic,
  ExportDynamicSymbol, GcSections, NoGcSections, FortranCommon,
  NoFortranCommon, DependentLibraries, NoDependentLibraries,
  // LTO
  Plugin, PluginOpt,
  // what the model cannot follow
  Script, MriScript, ChangeDirectory, CopyDtNeeded, RpathOrJustSymbols,
  CannotModel,
};

enum FlavourMask : uint8_t { B = 1, G = 2, L = 4, M = 8, All = B | G | L | M };

struct OptionInfo {
  std::string_view spelling; // constexpr-constructible, unlike StringRef
  Dashes dashes;
  Form form;
  Action action;
  uint8_t flavours;
};

constexpr OptionInfo optionTable[] = {
#define OPTION(Spelling, D, F, A, Flavours)                                    \
  {Spelling, Dashes::D, Form::F, Action::A, Flavours},
#include "LinkerOptions.def"
};

uint8_t maskOf(Flavour f) {
  switch (f) {
  case Flavour::Bfd:
    return B;
  case Flavour::Gold:
    return G;
  case Flavour::Lld:
    return L;
  case Flavour::Mold:
    return M;
  }
  llvm_unreachable("unknown flavour");
}

// The table by spelling, rows of one spelling in table order, sorted on
// first use: a few thousand comparisons and no allocation, where a
// StringMap of every row cost ~330K instructions and its pages on every
// link, the ones that turn out to need no model included.
ArrayRef<const OptionInfo *> optionsBySpelling() {
  static const auto index = [] {
    std::array<const OptionInfo *, std::size(optionTable)> index{};
    for (size_t i = 0; i < index.size(); ++i)
      index[i] = &optionTable[i];
    // Pointers into one array compare by position: a stable sort.
    std::sort(index.begin(), index.end(),
              [](const OptionInfo *a, const OptionInfo *b) {
                return a->spelling != b->spelling ? a->spelling < b->spelling
                                                  : a < b;
              });
    return index;
  }();
  return index;
}

// The rows of one spelling, for std::equal_range.
struct BySpelling {
  bool operator()(const OptionInfo *o, std::string_view s) const {
    return o->spelling < s;
  }
  bool operator()(std::string_view s, const OptionInfo *o) const {
    return s < o->spelling;
  }
};

ArrayRef<const OptionInfo *> lookup(StringRef spelling) {
  ArrayRef<const OptionInfo *> index = optionsBySpelling();
  auto [first, last] = std::equal_range(index.begin(), index.end(),
                                        std::string_view(spelling),
                                        BySpelling());
  return ArrayRef(first, last);
}

bool accepts(const OptionInfo &o, Flavour f, int dashes) {
  if (!(o.flavours & maskOf(f)))
    return false;
  switch (o.dashes) {
  case Dashes::One:
    return dashes == 1;
  case Dashes::Two:
    return dashes == 2;
  case Dashes::Any:
    return true;
  }
  llvm_unreachable("unknown dashes");
}

// One argument recognised as an option.
struct Match {
  const OptionInfo *info = nullptr;
  std::optional<StringRef> value; // given in the same argument
  bool valueFollows = false;      // the next argument is the value
};

std::optional<Match> matchLong(StringRef body, int dashes, Flavour f) {
  auto [name, joined] = body.split('=');
  bool hasEquals = body.contains('=');
  for (const OptionInfo *o : lookup(name)) {
    if (!accepts(*o, f, dashes))
      continue;
    switch (o->form) {
    case Form::Flag:
      if (!hasEquals)
        return Match{o, std::nullopt, false};
      break;
    case Form::Separate:
      if (hasEquals)
        return Match{o, joined, false};
      return Match{o, std::nullopt, true};
    case Form::Joined:
      return Match{o, hasEquals ? std::optional<StringRef>(joined)
                                : std::nullopt,
                   false};
    case Form::Prefix:
      break;
    }
  }
  return std::nullopt;
}

// The rows of form Prefix, in table order: an argument that matches no
// spelling whole is tried against these few alone, not the whole table.
constexpr size_t prefixRowCount() {
  size_t n = 0;
  for (const OptionInfo &o : optionTable)
    n += o.form == Form::Prefix;
  return n;
}

constexpr auto prefixRows = [] {
  std::array<const OptionInfo *, prefixRowCount()> rows{};
  size_t n = 0;
  for (const OptionInfo &o : optionTable)
    if (o.form == Form::Prefix)
      rows[n++] = &o;
  return rows;
}();

std::optional<Match> matchPrefix(StringRef body, int dashes, Flavour f) {
  for (const OptionInfo *o : prefixRows)
    if (accepts(*o, f, dashes) && body.size() > o->spelling.size() &&
        body.startswith(o->spelling))
      return Match{o, body.drop_front(o->spelling.size()), false};
  return std::nullopt;
}

std::optional<Match> matchShort(StringRef body, Flavour f) {
  for (const OptionInfo *o : lookup(body.take_front(1))) {
    if (!accepts(*o, f, 1))
      continue;
    if (o->form == Form::Separate)
      return body.size() > 1 ? Match{o, body.drop_front(1), false}
                             : Match{o, std::nullopt, true};
    if (o->form == Form::Flag && body.size() == 1)
      return Match{o, std::nullopt, false};
  }
  return std::nullopt;
}

// `arg` starts with a dash and is not "-" or "--".
std::optional<Match> matchOption(StringRef arg, Flavour f) {
  int dashes = arg.startswith("--") ? 2 : 1;
  StringRef body = arg.drop_front(dashes);
  // A one-letter option's value is the rest of the argument, `=` included:
  // `-L=/lib` is -L with the sysroot-relative `=/lib`, not `--L=/lib`.
  bool isShortWithValue = dashes == 1 && body.split('=').first.size() == 1;
  if (body.size() > 1 && !isShortWithValue)
    if (std::optional<Match> m = matchLong(body, dashes, f))
      return m;
  if (std::optional<Match> m = matchPrefix(body, dashes, f))
    return m;
  if (dashes == 1)
    return matchShort(body, f);
  return std::nullopt;
}

// GNU ld reads options with getopt_long_only, which also takes any
// unambiguous abbreviation of a long option (`--whole-arch`). The model does
// not guess what an abbreviation meant; it only notices one.
bool abbreviatesBfdOption(StringRef arg) {
  StringRef name = arg.ltrim('-').split('=').first;
  if (name.size() < 2)
    return false;
  // The spellings that start with `name` follow it in sorted order.
  ArrayRef<const OptionInfo *> index = optionsBySpelling();
  for (auto it = std::lower_bound(index.begin(), index.end(),
                                  std::string_view(name), BySpelling());
       it != index.end() && StringRef((*it)->spelling).startswith(name); ++it)
    if (((*it)->flavours & B) && (*it)->spelling.size() > name.size())
      return true;
  return false;
}

Error commandLineError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

// A --defsym expression the resolution can follow: a number, or a symbol
// whose reference it then sees.
bool isSimpleExpression(StringRef e) {
  if (e.empty())
    return false;
  unsigned long long number;
  if (!e.getAsInteger(0, number))
    return true;
  auto isSymbolChar = [](char c) {
    return isAlnum(c) || c == '_' || c == '.' || c == '$';
  };
  return !isDigit(e.front()) && llvm::all_of(e, isSymbolChar);
}

// The state machine.
class Parser {
public:
  Parser(LinkCommand &cmd) : cmd(cmd) {}
  Error run();

private:
  // What --push-state saves: the state each input records.
  struct State {
    bool asNeeded = false;
    bool isStatic = false;
    bool wholeArchive = false;
  };

  Error handleOption(const OptionInfo &o, StringRef value, StringRef written);
  Error handleState(Action a, StringRef written);
  Error handleDefsym(StringRef value, StringRef written);
  void addInput(LinkInput::Kind kind, StringRef name);
  void cannotModel(StringRef written) {
    cmd.warnings.push_back(cannotModelWarning(written));
  }

  LinkCommand &cmd;
  size_t index = 0;       // of the argument being read
  size_t optionStart = 0; // of the first argument of the option being read
  State state;
  std::vector<State> savedStates;
  int group = 0, groupCount = 0;
  int lib = 0, libCount = 0;
};

void Parser::addInput(LinkInput::Kind kind, StringRef name) {
  LinkInput in;
  in.kind = kind;
  in.name = name.str();
  in.asNeeded = state.asNeeded;
  in.isStatic = state.isStatic;
  in.wholeArchive = state.wholeArchive;
  in.group = group;
  in.lib = lib;
  in.argIndex = optionStart;
  in.argEnd = index + 1;
  cmd.inputs.push_back(std::move(in));
}

Error Parser::run() {
  const std::vector<std::string> &args = cmd.args;
  bool optionsEnded = false;
  for (; index < args.size(); ++index) {
    optionStart = index;
    StringRef arg = args[index];
    // lld's option parser skips an empty argument; the other linkers take it
    // for an input and fail to open it.
    if (arg.empty() && cmd.flavour == Flavour::Lld)
      continue;
    // After `--` (getopt's end of options) everything is an input.
    if (optionsEnded || arg.size() < 2 || arg.front() != '-') {
      addInput(LinkInput::Kind::File, arg);
      continue;
    }
    if (arg == "--") {
      optionsEnded = true;
      continue;
    }
    std::optional<Match> m = matchOption(arg, cmd.flavour);
    if (!m) {
      // Unknown options pass through untouched.
      if (cmd.flavour == Flavour::Bfd && abbreviatesBfdOption(arg))
        cannotModel(arg);
      continue;
    }
    StringRef value = m->value.value_or("");
    std::string written = arg.str();
    if (m->valueFollows) {
      if (index + 1 >= args.size())
        return commandLineError("missing value for option '" + arg + "'");
      value = args[++index];
      written = (arg + " " + shellQuote(value)).str();
    }
    if (Error e = handleOption(*m->info, value, written))
      return e;
  }
  if (cmd.relocatable && cmd.shared)
    return commandLineError("-r and -shared may not be used together");
  if (cmd.relocatable && cmd.pie)
    return commandLineError("-r and -pie may not be used together");
  cmd.isStatic = state.isStatic;
  // An unterminated group ends with the command line: GNU ld adds the
  // missing --end-group ("missing --end-group; added as last command line
  // option"), lld never needed it.
  return Error::success();
}

Error Parser::handleOption(const OptionInfo &o, StringRef value,
                           StringRef written) {
  switch (o.action) {
  case Action::Ignore:
    return Error::success();
  case Action::Library:
    if (value.startswith(":"))
      addInput(LinkInput::Kind::LibraryFile, value.drop_front());
    else
      addInput(LinkInput::Kind::Library, value);
    return Error::success();
  case Action::LibraryPath:
    cmd.searchDirs.push_back(value.str());
    return Error::success();
  case Action::Sysroot:
    cmd.sysroot = value.str();
    return Error::success();
  case Action::NoStdlib:
    cmd.noStdlib = true;
    return Error::success();
  case Action::Output:
    cmd.output = value.str();
    return Error::success();
  case Action::Emulation:
    cmd.emulation = value.str();
    return Error::success();
  case Action::Format:
    // `-b binary` makes the following inputs raw data, not ELF.
    if (value == "binary")
      cannotModel(written);
    return Error::success();
  case Action::Shared:
    cmd.shared = true;
    return Error::success();
  case Action::Relocatable:
    cmd.relocatable = true;
    return Error::success();
  case Action::Pie:
    cmd.pie = true;
    return Error::success();
  case Action::NoPie:
    cmd.pie = false;
    return Error::success();
  case Action::DynamicLinker:
    cmd.dynamicLinker = value.str();
    cmd.noDynamicLinker = false;
    return Error::success();
  case Action::NoDynamicLinker:
    cmd.noDynamicLinker = true;
    return Error::success();
  case Action::Entry:
    cmd.entry = value.str();
    return Error::success();
  case Action::Undefined:
    cmd.undefined.push_back(value.str());
    return Error::success();
  case Action::Init:
    cmd.initSymbol = value.str();
    return Error::success();
  case Action::Fini:
    cmd.finiSymbol = value.str();
    return Error::success();
  case Action::Defsym:
    return handleDefsym(value, written);
  case Action::Wrap:
    cmd.wrapped.push_back(value.str());
    return Error::success();
  case Action::ExportDynamic:
    cmd.exportDynamic = true;
    return Error::success();
  case Action::NoExportDynamic:
    cmd.exportDynamic = false;
    return Error::success();
  case Action::ExportDynamicSymbol:
    cmd.exportedSymbols.push_back(value.str());
    return Error::success();
  case Action::GcSections:
    cmd.gcSections = true;
    return Error::success();
  case Action::NoGcSections:
    cmd.gcSections = false;
    return Error::success();
  case Action::FortranCommon:
    cmd.fortranCommon = true;
    return Error::success();
  case Action::NoFortranCommon:
    cmd.fortranCommon = false;
    return Error::success();
  case Action::DependentLibraries:
    cmd.dependentLibraries = true;
    return Error::success();
  case Action::NoDependentLibraries:
    cmd.dependentLibraries = false;
    return Error::success();
  case Action::Plugin:
    cmd.plugin = value.str();
    return Error::success();
  case Action::PluginOpt:
    cmd.pluginOpts.push_back(value.str());
    return Error::success();
  case Action::RpathOrJustSymbols:
    // GNU ld: "-R FILE: just link symbols (if directory, same as --rpath)".
    if (!sys::fs::is_directory(value))
      cannotModel(written);
    return Error::success();
  case Action::Script:
  case Action::MriScript:
  case Action::ChangeDirectory:
  case Action::CopyDtNeeded:
  case Action::CannotModel:
    cannotModel(written);
    return Error::success();
  default:
    return handleState(o.action, written);
  }
}

Error Parser::handleState(Action a, StringRef written) {
  switch (a) {
  case Action::AsNeeded:
    state.asNeeded = true;
    break;
  case Action::NoAsNeeded:
    state.asNeeded = false;
    break;
  case Action::Bstatic:
    // -static, -dn, -non_shared are -Bstatic in all four linkers; GNU ld and
    // lld also let -n/-N (--nmagic/--omagic) stop shared-library search.
    state.isStatic = true;
    break;
  case Action::Bdynamic:
    state.isStatic = false;
    break;
  case Action::WholeArchive:
    state.wholeArchive = true;
    break;
  case Action::NoWholeArchive:
    state.wholeArchive = false;
    break;
  case Action::StartGroup:
    if (group)
      return commandLineError("nested group: " + written +
                              " inside an open --start-group");
    group = ++groupCount;
    break;
  case Action::EndGroup:
    if (!group)
      return commandLineError(written + " without --start-group");
    group = 0;
    break;
  case Action::StartLib:
    if (lib)
      return commandLineError("nested " + written);
    lib = ++libCount;
    break;
  case Action::EndLib:
    if (!lib)
      return commandLineError(written + " without --start-lib");
    lib = 0;
    break;
  case Action::PushState:
    savedStates.push_back(state);
    break;
  case Action::PopState:
    if (savedStates.empty())
      return commandLineError(written + " without --push-state");
    state = savedStates.back();
    savedStates.pop_back();
    break;
  default:
    llvm_unreachable("not a positional option");
  }
  return Error::success();
}

// `--defsym sym=expr` defines `sym`, which can satisfy a reference that would
// otherwise extract an archive member, and references the symbols of `expr`.
// Both are visible to the resolution when `expr` is a number or one symbol;
// a larger expression is reported instead of parsed.
Error Parser::handleDefsym(StringRef value, StringRef written) {
  auto [symbol, expression] = value.split('=');
  if (!value.contains('=') || symbol.trim().empty())
    return commandLineError(written + ": expected symbol=expression");
  expression = expression.trim();
  if (!isSimpleExpression(expression))
    cannotModel(written);
  cmd.defsyms.push_back({symbol.trim().str(), expression.str()});
  return Error::success();
}

// Strips a version suffix (`ld.lld-14`, `lld-14.0`).
StringRef withoutVersion(StringRef name) {
  size_t dash = name.find_last_of('-');
  if (dash == StringRef::npos || dash + 1 == name.size())
    return name;
  StringRef suffix = name.drop_front(dash + 1);
  if (llvm::all_of(suffix, [](char c) { return isDigit(c) || c == '.'; }))
    return name.take_front(dash);
  return name;
}

} // namespace

StringRef flavourName(Flavour f) {
  switch (f) {
  case Flavour::Bfd:
    return "bfd";
  case Flavour::Gold:
    return "gold";
  case Flavour::Lld:
    return "lld";
  case Flavour::Mold:
    return "mold";
  }
  llvm_unreachable("unknown flavour");
}

std::optional<Flavour> flavourFromName(StringRef program) {
  StringRef name = withoutVersion(sys::path::filename(program));
  static constexpr std::pair<StringRef, Flavour> names[] = {
      {"ld.bfd", Flavour::Bfd},   {"ld.gold", Flavour::Gold},
      {"ld.lld", Flavour::Lld},   {"ld.mold", Flavour::Mold},
      {"bfd", Flavour::Bfd},      {"gold", Flavour::Gold},
      {"lld", Flavour::Lld},      {"mold", Flavour::Mold},
      {"ld", Flavour::Bfd},
  };
  // A cross linker carries the target in front: x86_64-linux-gnu-ld.gold.
  for (const auto &[known, flavour] : names)
    if (name == known || (name.endswith(known) &&
                          name.drop_back(known.size()).endswith("-")))
      return flavour;
  return std::nullopt;
}

std::optional<Flavour> flavourFromVersionText(StringRef versionText) {
  StringRef first = versionText.split('\n').first;
  // lld and mold say "compatible with GNU ld/linkers": look for them first.
  if (first.startswith("mold ") || first.contains(" mold "))
    return Flavour::Mold;
  if (first.contains("LLD "))
    return Flavour::Lld;
  if (first.startswith("GNU gold"))
    return Flavour::Gold;
  if (first.startswith("GNU ld"))
    return Flavour::Bfd;
  return std::nullopt;
}

std::string LinkInput::spelling() const {
  switch (kind) {
  case Kind::File:
    return name;
  case Kind::Library:
    return "-l" + name;
  case Kind::LibraryFile:
    return "-l:" + name;
  }
  llvm_unreachable("unknown input kind");
}

LinkCommand::OutputKind LinkCommand::outputKind() const {
  if (relocatable)
    return OutputKind::Relocatable;
  if (shared)
    return OutputKind::SharedLibrary;
  return OutputKind::Executable;
}

std::string cannotModelWarning(StringRef option) {
  return ("cannot model option " + option +
          "; the decision may be incomplete")
      .str();
}

std::string shellQuote(StringRef arg) {
  if (!arg.empty() &&
      arg.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~") == StringRef::npos)
    return arg.str();
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

// Each top-level `@file` is expanded on its own, so that every argument is
// known to come from it.
//
// A `@file` that does not exist is left as a literal argument, as libiberty
// and lld do; it then reads as an input named `@file`, and the linker (and the
// input layer) reports that it cannot open it. A file that exists but was not
// expanded is an error: either it includes itself, which LLVM's expansion
// detects and leaves unexpanded, or it cannot be read.
Expected<std::vector<std::string>>
expandResponseFiles(ArrayRef<std::string> args, std::vector<size_t> *origins) {
  BumpPtrAllocator allocator;
  StringSaver saver(allocator);
  std::vector<std::string> expanded;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!StringRef(args[i]).startswith("@")) {
      expanded.push_back(args[i]);
    } else {
      SmallVector<const char *, 64> argv = {saver.save(args[i]).data()};
      if (!cl::ExpandResponseFiles(saver, cl::TokenizeGNUCommandLine, argv)) {
        for (StringRef a : argv) {
          if (!a.startswith("@") || !sys::fs::exists(a.drop_front()))
            continue;
          if (!MemoryBuffer::getFile(a.drop_front()))
            return commandLineError("cannot read response file " + a);
          return commandLineError("response file includes itself: " + a);
        }
      }
      expanded.insert(expanded.end(), argv.begin(), argv.end());
    }
    if (origins)
      origins->resize(expanded.size(), i);
  }
  return expanded;
}

std::string shellCommand(StringRef program, ArrayRef<std::string> args) {
  std::string command = shellQuote(program);
  for (const std::string &arg : args)
    command += " " + shellQuote(arg);
  return command;
}

Expected<LinkCommand> parseLinkCommand(ArrayRef<std::string> args,
                                       Flavour flavour) {
  LinkCommand cmd;
  cmd.flavour = flavour;
  cmd.originalArgs.assign(args.begin(), args.end());
  Expected<std::vector<std::string>> expanded =
      expandResponseFiles(args, &cmd.argOrigins);
  if (!expanded)
    return expanded.takeError();
  cmd.args = std::move(*expanded);
  if (Error e = Parser(cmd).run())
    return e;
  return cmd;
}

} // namespace allocsel
