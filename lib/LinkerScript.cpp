//===- LinkerScript.cpp - GNU linker scripts given as link inputs --------===//
//
// A small lexer and a recursive-descent parser, after lld's ScriptLexer and
// ScriptParser but for the input commands only.
//
// The lexer splits the text into words, quoted strings and the punctuation
// `( ) , ; { }`. A word is anything else up to whitespace or punctuation, so
// file names keep their `=` (sysroot) prefix, `-l:` and the like, exactly as
// lld reads them. Only `/* */` comments exist: GNU ld has no `#` comment in
// scripts (that is MRI and version-script syntax), and `#` is a legal
// character in a file name.
//
// The grammar is GNU ld's for the commands that name inputs:
//
//   script   := { command [';'] }
//   command  := (GROUP | INPUT) '(' list ')'
//             | SEARCH_DIR '(' word ')'
//             | INCLUDE word
//             | OUTPUT_FORMAT '(' word [',' word ',' word] ')'
//             | (OUTPUT_ARCH | TARGET) '(' word ')'
//   list     := { entry [','] }
//   entry    := AS_NEEDED '(' list ')' | '-l'NAME | file
//
// Any other command GNU ld knows (SECTIONS, MEMORY, ENTRY, PROVIDE, ...) and
// any symbol assignment make the file a full linker script, which lays out
// the output or defines symbols: allocsel cannot tell what such a link does,
// so that is an UnsupportedScriptError, which the caller turns into a
// "cannot model" warning rather than a hard error. A word that is no command
// at all is a syntax error, as in GNU ld.
//
//===----------------------------------------------------------------------===//
#include "LinkerScript.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <optional>

using namespace llvm;

namespace allocsel {

char UnsupportedScriptError::ID = 0;

void UnsupportedScriptError::log(raw_ostream &os) const {
  os << path << ":" << line << ": " << command
     << ": not an input script; allocsel cannot model a full linker script";
}

std::error_code UnsupportedScriptError::convertToErrorCode() const {
  return inconvertibleErrorCode();
}

namespace {

// `<path>:<line>: <what>`, the form of GNU ld's and lld's script errors (and
// of compilers'), which editors jump to; fileError's `<path>: ` has no line.
Error lineError(StringRef path, unsigned line, const Twine &what) {
  return createStringError(inconvertibleErrorCode(),
                           path + ":" + Twine(line) + ": " + what);
}

struct Token {
  StringRef text;     // without the quotes of a quoted string
  unsigned line = 0;  // 1-based
  bool quoted = false;
  bool isEof = false;
};

// Why a token is shown the way it is in messages: a quoted name keeps its
// quotes so that `"GROUP"` and GROUP can be told apart.
std::string describe(const Token &tok) {
  if (tok.isEof)
    return "end of file";
  if (tok.quoted)
    return ("'\"" + tok.text + "\"'").str();
  return ("'" + tok.text + "'").str();
}

bool isPunctuation(char c) {
  return c == '(' || c == ')' || c == ',' || c == ';' || c == '{' ||
         c == '}';
}

// Splits `text` into tokens, all at once: scripts given as inputs are a few
// lines, and a token vector makes one-token look-ahead trivial.
Error tokenize(StringRef text, StringRef path, std::vector<Token> &out) {
  unsigned line = 1;
  size_t i = 0, n = text.size();
  while (true) {
    // Whitespace and comments.
    while (i < n) {
      char c = text[i];
      if (c == '\n') {
        ++line;
        ++i;
      } else if (isSpace(c)) {
        ++i;
      } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
        unsigned start = line;
        size_t end = text.find("*/", i + 2);
        if (end == StringRef::npos)
          return lineError(path, start, "unclosed comment");
        line += text.slice(i, end).count('\n');
        i = end + 2;
      } else {
        break;
      }
    }
    if (i == n) {
      Token eof;
      eof.line = line;
      eof.isEof = true;
      out.push_back(eof);
      return Error::success();
    }

    Token tok;
    tok.line = line;
    char c = text[i];
    if (c == '"') {
      // GNU ld takes everything up to the next quote, escapes and all.
      size_t end = text.find('"', i + 1);
      if (end == StringRef::npos)
        return lineError(path, line, "unclosed quote");
      tok.text = text.slice(i + 1, end);
      tok.quoted = true;
      line += tok.text.count('\n');
      i = end + 1;
    } else if (isPunctuation(c)) {
      tok.text = text.substr(i, 1);
      ++i;
    } else {
      size_t start = i;
      while (i < n && !isSpace(text[i]) && !isPunctuation(text[i]) &&
             text[i] != '"' && !text.substr(i).startswith("/*"))
        ++i;
      tok.text = text.slice(start, i);
    }
    out.push_back(tok);
  }
}

// Every other command of GNU ld's script language (ld/ldgram.y, ld/ldlex.l).
// Meeting one means the file is a full linker script.
bool isOtherCommand(StringRef word) {
  return StringSwitch<bool>(word)
      .Cases("SECTIONS", "MEMORY", "PHDRS", "ENTRY", "VERSION", true)
      .Cases("OUTPUT", "STARTUP", "PROVIDE", "PROVIDE_HIDDEN", "HIDDEN", true)
      .Cases("ASSERT", "EXTERN", "INSERT", "NOCROSSREFS", "NOCROSSREFS_TO",
             true)
      .Cases("REGION_ALIAS", "FORCE_COMMON_ALLOCATION", "FORCE_GROUP_ALLOCATION",
             "INHIBIT_COMMON_ALLOCATION", "LD_FEATURE", true)
      .Cases("CONSTRUCTORS", "SEARCH_DIR_END", "MAP", "FLOAT", "NOFLOAT", true)
      .Cases("OUTPUT_SECTION", "HLL", "SYSLIB", "OVERLAY", "CREATE_OBJECT_SYMBOLS",
             true)
      .Default(false);
}

bool isAssignmentOperator(StringRef word) {
  return StringSwitch<bool>(word)
      .Cases("=", "+=", "-=", "*=", "/=", true)
      .Cases("<<=", ">>=", "&=", "|=", "^=", true)
      .Default(false);
}

class Parser {
public:
  Parser(LinkerScript &script, const std::vector<std::string> &includeDirs,
         std::vector<std::string> &includeStack)
      : script(script), includeDirs(includeDirs), includeStack(includeStack) {}

  Error parse(StringRef text, StringRef path);

private:
  const Token &peek() const { return tokens[pos]; }
  const Token &next() {
    const Token &tok = tokens[pos];
    if (!tok.isEof)
      ++pos;
    return tok;
  }
  bool consume(StringRef punct) {
    if (peek().isEof || peek().quoted || peek().text != punct)
      return false;
    ++pos;
    return true;
  }

  Error error(const Token &at, const Twine &what) const {
    return lineError(path, at.line, what);
  }
  Error expect(StringRef punct);
  Expected<StringRef> expectWord(const Twine &what);

  Error parseCommand();
  Error parseList(StringRef command, bool inGroup, bool asNeeded);
  Error parseParenthesizedArgs(StringRef command,
                               SmallVectorImpl<StringRef> &args);
  Error parseInclude(const Token &cmd);
  Error unsupported(const Token &at, StringRef command) const {
    return make_error<UnsupportedScriptError>(path.str(), at.line,
                                              command.str());
  }

  LinkerScript &script;
  const std::vector<std::string> &includeDirs;
  std::vector<std::string> &includeStack;
  StringRef path;
  std::vector<Token> tokens;
  size_t pos = 0;
};

Error Parser::expect(StringRef punct) {
  const Token &tok = peek();
  if (tok.isEof)
    return error(tok, "unexpected end of file, expected '" + punct + "'");
  if (!consume(punct))
    return error(tok, "expected '" + punct + "', got " + describe(tok));
  return Error::success();
}

// A name: a word or a quoted string, never punctuation.
Expected<StringRef> Parser::expectWord(const Twine &what) {
  const Token &tok = peek();
  if (tok.isEof)
    return error(tok, "unexpected end of file, expected " + what);
  if (!tok.quoted && tok.text.size() == 1 && isPunctuation(tok.text[0]))
    return error(tok, "expected " + what + ", got " + describe(tok));
  return next().text;
}

Error Parser::parse(StringRef text, StringRef scriptPath) {
  path = scriptPath;
  if (Error e = tokenize(text, path, tokens))
    return e;
  while (!peek().isEof) {
    if (consume(";"))
      continue;
    if (Error e = parseCommand())
      return e;
  }
  return Error::success();
}

Error Parser::parseCommand() {
  const Token &cmd = next();
  if (cmd.quoted)
    return error(cmd, "unknown command " + describe(cmd));
  // An assignment is `sym = expr`; lld's lexer would also split `sym=1`, ours
  // keeps it one word, so look inside the word too.
  if (isAssignmentOperator(peek().text) && !peek().quoted)
    return unsupported(cmd, "symbol assignment");
  if (cmd.text.contains('='))
    return unsupported(cmd, "symbol assignment");

  if (cmd.text == "GROUP" || cmd.text == "INPUT") {
    if (Error e = expect("("))
      return e;
    return parseList(cmd.text, cmd.text == "GROUP", /*asNeeded=*/false);
  }
  if (cmd.text == "SEARCH_DIR") {
    SmallVector<StringRef, 1> args;
    if (Error e = parseParenthesizedArgs(cmd.text, args))
      return e;
    if (args.size() != 1)
      return error(cmd, "SEARCH_DIR takes 1 argument");
    script.searchDirs.push_back(args[0].str());
    return Error::success();
  }
  if (cmd.text == "OUTPUT_FORMAT") {
    // Either one BFD target name or three (default, big-endian,
    // little-endian). Which one the linker picks does not change which files
    // it takes, so the names are checked and dropped.
    SmallVector<StringRef, 3> args;
    if (Error e = parseParenthesizedArgs(cmd.text, args))
      return e;
    if (args.size() != 1 && args.size() != 3)
      return error(cmd, "OUTPUT_FORMAT takes 1 or 3 arguments");
    return Error::success();
  }
  if (cmd.text == "OUTPUT_ARCH" || cmd.text == "TARGET") {
    SmallVector<StringRef, 1> args;
    if (Error e = parseParenthesizedArgs(cmd.text, args))
      return e;
    if (args.size() != 1)
      return error(cmd, cmd.text + " takes 1 argument");
    return Error::success();
  }
  if (cmd.text == "INCLUDE")
    return parseInclude(cmd);
  if (cmd.text == "AS_NEEDED")
    return error(cmd, "AS_NEEDED outside INPUT or GROUP");
  if (isOtherCommand(cmd.text))
    return unsupported(cmd, cmd.text);
  if (cmd.text.size() == 1 && isPunctuation(cmd.text[0]))
    return error(cmd, "unexpected " + describe(cmd));
  return error(cmd, "unknown command " + describe(cmd));
}

// The entries of GROUP, INPUT or AS_NEEDED, after the '(' and through the
// ')'. GNU ld allows commas between entries, and AS_NEEDED nests.
Error Parser::parseList(StringRef command, bool inGroup, bool asNeeded) {
  while (true) {
    const Token &tok = peek();
    if (tok.isEof)
      return error(tok, "unexpected end of file, expected ')'");
    if (consume(")"))
      return Error::success();
    if (consume(","))
      continue;
    if (!tok.quoted && tok.text == "AS_NEEDED") {
      next();
      if (Error e = expect("("))
        return e;
      if (Error e = parseList(tok.text, inGroup, /*asNeeded=*/true))
        return e;
      continue;
    }
    if (!tok.quoted && tok.text.size() == 1 && isPunctuation(tok.text[0]))
      return error(tok, "expected a file name or ')' in " + command +
                            ", got " + describe(tok));

    ScriptInput input;
    input.inGroup = inGroup;
    input.asNeeded = asNeeded;
    // A quoted name is always a path: GNU ld lexes `-l` only unquoted.
    if (!tok.quoted && tok.text.startswith("-l")) {
      if (tok.text.size() == 2)
        return error(tok, "expected a library name after '-l'");
      input.name = tok.text.drop_front(2).str();
      input.isLibrary = true;
    } else {
      input.name = tok.text.str();
    }
    script.inputs.push_back(std::move(input));
    next();
  }
}

// `( word [, word]... )`: the arguments of SEARCH_DIR, OUTPUT_FORMAT, ...
Error Parser::parseParenthesizedArgs(StringRef command,
                                     SmallVectorImpl<StringRef> &args) {
  if (Error e = expect("("))
    return e;
  while (true) {
    Expected<StringRef> arg = expectWord("an argument of " + command);
    if (!arg)
      return arg.takeError();
    args.push_back(*arg);
    if (consume(")"))
      return Error::success();
    if (peek().isEof)
      return error(peek(), "unexpected end of file, expected ')'");
    if (Error e = expect(","))
      return e;
  }
}

// Where INCLUDE finds a file: the including script's directory, the current
// directory, then `includeDirs` (the caller's -L list). GNU ld searches the
// current directory then -L; lld adds the script's own directory first, which
// is what a script shipped next to its includes relies on.
static std::optional<std::string>
findInclude(StringRef name, StringRef scriptPath,
            const std::vector<std::string> &includeDirs) {
  if (sys::path::is_absolute(name)) {
    if (sys::fs::is_regular_file(name))
      return name.str();
    return std::nullopt;
  }
  StringRef scriptDir = sys::path::parent_path(scriptPath);
  if (!scriptDir.empty()) {
    SmallString<256> candidate(scriptDir);
    sys::path::append(candidate, name);
    if (sys::fs::is_regular_file(candidate))
      return std::string(candidate);
  }
  if (sys::fs::is_regular_file(name))
    return name.str();
  for (const std::string &dir : includeDirs) {
    SmallString<256> candidate(dir);
    sys::path::append(candidate, name);
    if (sys::fs::is_regular_file(candidate))
      return std::string(candidate);
  }
  return std::nullopt;
}

// One identity per file for loop detection: its real path when it exists
// (so `./a.ld` and `a.ld` are one file), the name as given otherwise (the
// top-level text need not come from a file).
static std::string identity(StringRef path) {
  SmallString<256> real;
  if (!sys::fs::real_path(path, real))
    return std::string(real);
  return path.str();
}

Error Parser::parseInclude(const Token &cmd) {
  Expected<StringRef> name = expectWord("a file name after INCLUDE");
  if (!name)
    return name.takeError();
  std::optional<std::string> found = findInclude(*name, path, includeDirs);
  if (!found)
    return error(cmd, "cannot find script file '" + *name + "'");

  std::string id = identity(*found);
  if (is_contained(includeStack, id)) {
    std::string chain;
    auto it = find(includeStack, id);
    for (; it != includeStack.end(); ++it)
      chain += *it + " -> ";
    chain += id;
    return error(cmd, "INCLUDE loop: " + chain);
  }

  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(*found, /*IsText=*/true);
  if (!buffer)
    return error(cmd, "cannot read script file " + *found + ": " +
                          buffer.getError().message());

  includeStack.push_back(id);
  Parser nested(script, includeDirs, includeStack);
  Error e = nested.parse((*buffer)->getBuffer(), *found);
  includeStack.pop_back();
  return e;
}

} // namespace

Expected<LinkerScript>
parseLinkerScript(StringRef text, StringRef path,
                  const std::vector<std::string> &includeDirs) {
  LinkerScript script;
  std::vector<std::string> includeStack{identity(path)};
  Parser parser(script, includeDirs, includeStack);
  if (Error e = parser.parse(text, path))
    return e;
  return script;
}

} // namespace allocsel
