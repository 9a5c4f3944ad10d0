//===- LinkerScriptTest.cpp - GNU linker scripts given as inputs ----------===//
//
// The scripts Debian ships as libraries, verbatim; the syntax around them
// (comments anywhere, quotes, commas, nesting); INCLUDE on real files; and
// every error message, asserted exactly, since users read them.
//
//===----------------------------------------------------------------------===//
#include "LinkerScript.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace allocsel;

namespace {

LinkerScript parseOk(StringRef text,
                     const std::vector<std::string> &includeDirs = {}) {
  Expected<LinkerScript> script = parseLinkerScript(text, "t.ld", includeDirs);
  if (!script) {
    ADD_FAILURE() << toString(script.takeError());
    return {};
  }
  return std::move(*script);
}

std::string parseError(StringRef text, StringRef path = "t.ld") {
  Expected<LinkerScript> script = parseLinkerScript(text, path);
  if (script)
    return "(no error)";
  return toString(script.takeError());
}

// Whether the failure is the "cannot model" kind, and its message.
std::string unsupported(StringRef text) {
  Expected<LinkerScript> script = parseLinkerScript(text, "t.ld");
  if (script)
    return "(no error)";
  std::string message;
  Error rest = handleErrors(script.takeError(),
                            [&](const UnsupportedScriptError &e) {
                              message = e.message();
                            });
  if (rest)
    return "(other error) " + toString(std::move(rest));
  return message;
}

void expectInput(const ScriptInput &in, StringRef name, bool isLibrary,
                 bool asNeeded, bool inGroup) {
  EXPECT_EQ(in.name, name);
  EXPECT_EQ(in.isLibrary, isLibrary) << name.str();
  EXPECT_EQ(in.asNeeded, asNeeded) << name.str();
  EXPECT_EQ(in.inGroup, inGroup) << name.str();
}

// Debian 12's /usr/lib/x86_64-linux-gnu/libc.so, byte for byte.
const char debianLibcSo[] =
    "/* GNU ld script\n"
    "   Use the shared library, but some functions are only in\n"
    "   the static library, so try that secondarily.  */\n"
    "OUTPUT_FORMAT(elf64-x86-64)\n"
    "GROUP ( /lib/x86_64-linux-gnu/libc.so.6 "
    "/usr/lib/x86_64-linux-gnu/libc_nonshared.a  AS_NEEDED ( "
    "/lib64/ld-linux-x86-64.so.2 ) )\n";

TEST(LinkerScript, DebianLibcSo) {
  LinkerScript s = parseOk(debianLibcSo);
  ASSERT_EQ(s.inputs.size(), 3u);
  expectInput(s.inputs[0], "/lib/x86_64-linux-gnu/libc.so.6", false, false,
              true);
  expectInput(s.inputs[1], "/usr/lib/x86_64-linux-gnu/libc_nonshared.a",
              false, false, true);
  expectInput(s.inputs[2], "/lib64/ld-linux-x86-64.so.2", false, true, true);
  EXPECT_TRUE(s.searchDirs.empty());
}

TEST(LinkerScript, DebianLibmSo) {
  LinkerScript s = parseOk("/* GNU ld script\n*/\n"
                           "OUTPUT_FORMAT(elf64-x86-64)\n"
                           "GROUP ( /lib/x86_64-linux-gnu/libm.so.6  "
                           "AS_NEEDED ( /lib/x86_64-linux-gnu/libmvec.so.1 "
                           ") )\n");
  ASSERT_EQ(s.inputs.size(), 2u);
  expectInput(s.inputs[0], "/lib/x86_64-linux-gnu/libm.so.6", false, false,
              true);
  expectInput(s.inputs[1], "/lib/x86_64-linux-gnu/libmvec.so.1", false, true,
              true);
}

// libncurses.so, libncursesw.so and libtermcap.so: INPUT with -l, and a
// GROUP written without a space before its parenthesis.
TEST(LinkerScript, DebianNcursesAndTermcap) {
  LinkerScript s = parseOk("INPUT(libncurses.so.6 -ltinfo)\n");
  ASSERT_EQ(s.inputs.size(), 2u);
  expectInput(s.inputs[0], "libncurses.so.6", false, false, false);
  expectInput(s.inputs[1], "tinfo", true, false, false);

  s = parseOk("/* We use a linker script rather than a symlink to work "
              "around\n   an ldconfig bug, see "
              "http://bugs.debian.org/249122. */\nGROUP( libtinfo.so )\n");
  ASSERT_EQ(s.inputs.size(), 1u);
  expectInput(s.inputs[0], "libtinfo.so", false, false, true);
}

// Every text script in the system's library directory parses as an input
// script: whatever Debian adds later is caught here.
TEST(LinkerScript, EverySystemScript) {
  std::error_code ec;
  int seen = 0;
  for (sys::fs::directory_iterator it("/usr/lib/x86_64-linux-gnu", ec), end;
       !ec && it != end; it.increment(ec)) {
    StringRef path = it->path();
    if (!path.endswith(".so"))
      continue;
    auto buffer = MemoryBuffer::getFile(path);
    if (!buffer)
      continue;
    StringRef text = (*buffer)->getBuffer();
    // A script starts with text: a comment or a command.
    if (text.size() > 4096 || text.startswith("\x7f" "ELF") ||
        text.find('\0') != StringRef::npos)
      continue;
    Expected<LinkerScript> s = parseLinkerScript(text, path);
    EXPECT_TRUE(bool(s)) << path.str() << ": "
                         << (s ? "" : toString(s.takeError()));
    if (s) {
      EXPECT_FALSE(s->inputs.empty()) << path.str();
    }
    ++seen;
  }
  if (seen == 0)
    GTEST_SKIP() << "no linker scripts in /usr/lib/x86_64-linux-gnu";
}

TEST(LinkerScript, CommentsEverywhereCommasAndQuotes) {
  LinkerScript s = parseOk(
      "/*a*/GROUP/*b*/(/*c*/a.o/*d*/,b.o,,\"with space.a\" , /*e*/\n"
      "  AS_NEEDED(/*f*/-lm,\"-lnot-a-lib\")/*g*/-lz)/*h*/;;\n"
      "INPUT(\"AS_NEEDED\" c.o)/* last */");
  ASSERT_EQ(s.inputs.size(), 8u);
  expectInput(s.inputs[0], "a.o", false, false, true);
  expectInput(s.inputs[1], "b.o", false, false, true);
  expectInput(s.inputs[2], "with space.a", false, false, true);
  expectInput(s.inputs[3], "m", true, true, true);
  // Quoted: a path, even when it looks like -l or a keyword.
  expectInput(s.inputs[4], "-lnot-a-lib", false, true, true);
  expectInput(s.inputs[5], "z", true, false, true);
  expectInput(s.inputs[6], "AS_NEEDED", false, false, false);
  expectInput(s.inputs[7], "c.o", false, false, false);
}

TEST(LinkerScript, NestedAsNeeded) {
  LinkerScript s =
      parseOk("INPUT(a AS_NEEDED(b AS_NEEDED(c) d) e)\nGROUP(AS_NEEDED(f))");
  ASSERT_EQ(s.inputs.size(), 6u);
  expectInput(s.inputs[0], "a", false, false, false);
  expectInput(s.inputs[1], "b", false, true, false);
  expectInput(s.inputs[2], "c", false, true, false);
  expectInput(s.inputs[3], "d", false, true, false);
  expectInput(s.inputs[4], "e", false, false, false);
  expectInput(s.inputs[5], "f", false, true, true);
}

TEST(LinkerScript, SearchDirAndSkippedCommands) {
  LinkerScript s = parseOk(
      "SEARCH_DIR(/opt/lib) SEARCH_DIR(\"=/usr/local/lib\");\n"
      "OUTPUT_FORMAT(\"elf64-x86-64\", \"elf64-x86-64\", \"elf64-x86-64\")\n"
      "OUTPUT_ARCH(i386:x86-64) TARGET(elf64-x86-64)\n"
      "INPUT(=/usr/lib/crt1.o -l:libfoo.a)\n");
  ASSERT_EQ(s.searchDirs.size(), 2u);
  EXPECT_EQ(s.searchDirs[0], "/opt/lib");
  EXPECT_EQ(s.searchDirs[1], "=/usr/local/lib");
  ASSERT_EQ(s.inputs.size(), 2u);
  // Sysroot prefixes and -l:file stay for the caller to resolve.
  expectInput(s.inputs[0], "=/usr/lib/crt1.o", false, false, false);
  expectInput(s.inputs[1], ":libfoo.a", true, false, false);
}

TEST(LinkerScript, EmptyScripts) {
  EXPECT_TRUE(parseOk("").inputs.empty());
  EXPECT_TRUE(parseOk("  /* nothing */ \n ;").inputs.empty());
  EXPECT_TRUE(parseOk("GROUP()").inputs.empty());
}

TEST(LinkerScript, SyntaxErrors) {
  EXPECT_EQ(parseError("GROUP(a.o"),
            "t.ld:1: unexpected end of file, expected ')'");
  EXPECT_EQ(parseError("GROUP(a.o\n AS_NEEDED(b.o)\n"),
            "t.ld:3: unexpected end of file, expected ')'");
  EXPECT_EQ(parseError("\nFOO(a.o)"), "t.ld:2: unknown command 'FOO'");
  EXPECT_EQ(parseError("\"GROUP\"(a.o)"),
            "t.ld:1: unknown command '\"GROUP\"'");
  EXPECT_EQ(parseError("GROUP a.o"), "t.ld:1: expected '(', got 'a.o'");
  EXPECT_EQ(parseError("GROUP"),
            "t.ld:1: unexpected end of file, expected '('");
  EXPECT_EQ(parseError("GROUP(a.o ( b.o)"),
            "t.ld:1: expected a file name or ')' in GROUP, got '('");
  EXPECT_EQ(parseError("INPUT(AS_NEEDED(a.o;))"),
            "t.ld:1: expected a file name or ')' in AS_NEEDED, got ';'");
  EXPECT_EQ(parseError("INPUT(-l)"),
            "t.ld:1: expected a library name after '-l'");
  EXPECT_EQ(parseError("AS_NEEDED(a.o)"),
            "t.ld:1: AS_NEEDED outside INPUT or GROUP");
  EXPECT_EQ(parseError(")"), "t.ld:1: unexpected ')'");
  EXPECT_EQ(parseError("/* a\n\n b"), "t.ld:1: unclosed comment");
  EXPECT_EQ(parseError("\nINPUT(\"a.o)"), "t.ld:2: unclosed quote");
  EXPECT_EQ(parseError("SEARCH_DIR()"),
            "t.ld:1: expected an argument of SEARCH_DIR, got ')'");
  EXPECT_EQ(parseError("SEARCH_DIR(a, b)"),
            "t.ld:1: SEARCH_DIR takes 1 argument");
  EXPECT_EQ(parseError("SEARCH_DIR(a b)"),
            "t.ld:1: expected ',', got 'b'");
  EXPECT_EQ(parseError("SEARCH_DIR(a"),
            "t.ld:1: unexpected end of file, expected ')'");
  EXPECT_EQ(parseError("OUTPUT_FORMAT(a, b)"),
            "t.ld:1: OUTPUT_FORMAT takes 1 or 3 arguments");
  EXPECT_EQ(parseError("OUTPUT_FORMAT(a,)"),
            "t.ld:1: expected an argument of OUTPUT_FORMAT, got ')'");
  EXPECT_EQ(parseError("OUTPUT_ARCH(a, b)"),
            "t.ld:1: OUTPUT_ARCH takes 1 argument");
  EXPECT_EQ(parseError("TARGET()"),
            "t.ld:1: expected an argument of TARGET, got ')'");
  EXPECT_EQ(parseError("INCLUDE"),
            "t.ld:1: unexpected end of file, expected a file name after "
            "INCLUDE");
  EXPECT_EQ(parseError("INCLUDE ;"),
            "t.ld:1: expected a file name after INCLUDE, got ';'");
}

TEST(LinkerScript, FullScriptsCannotBeModelled) {
  const char *tail =
      ": not an input script; allocsel cannot model a full linker script";
  EXPECT_EQ(unsupported("GROUP(a.o)\n\nSECTIONS { .text : { *(.text) } }"),
            std::string("t.ld:3: SECTIONS") + tail);
  EXPECT_EQ(unsupported("MEMORY { rom : ORIGIN = 0, LENGTH = 4K }"),
            std::string("t.ld:1: MEMORY") + tail);
  EXPECT_EQ(unsupported("PHDRS { text PT_LOAD; }"),
            std::string("t.ld:1: PHDRS") + tail);
  EXPECT_EQ(unsupported("ENTRY(_start)"), std::string("t.ld:1: ENTRY") + tail);
  EXPECT_EQ(unsupported("EXTERN(malloc)"),
            std::string("t.ld:1: EXTERN") + tail);
  EXPECT_EQ(unsupported("PROVIDE(foo = 1);"),
            std::string("t.ld:1: PROVIDE") + tail);
  EXPECT_EQ(unsupported("foo = 1;"),
            std::string("t.ld:1: symbol assignment") + tail);
  EXPECT_EQ(unsupported("foo=1;"),
            std::string("t.ld:1: symbol assignment") + tail);
  EXPECT_EQ(unsupported(". += 0x1000;"),
            std::string("t.ld:1: symbol assignment") + tail);
  // A plain syntax error is not the "cannot model" kind.
  EXPECT_EQ(unsupported("FOO"), "(other error) t.ld:1: unknown command 'FOO'");
}

// INCLUDE reads real files, so these tests write them.
class LinkerScriptInclude : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("allocsel-ld", dir));
  }
  void TearDown() override { sys::fs::remove_directories(dir); }

  std::string write(StringRef relPath, StringRef text) {
    SmallString<256> path(dir);
    sys::path::append(path, relPath);
    sys::fs::create_directories(sys::path::parent_path(path));
    std::error_code ec;
    raw_fd_ostream os(path, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << text;
    return std::string(path);
  }
  std::string read(StringRef path) {
    auto buffer = MemoryBuffer::getFile(path);
    EXPECT_TRUE(bool(buffer));
    return buffer ? (*buffer)->getBuffer().str() : "";
  }

  SmallString<256> dir;
};

TEST_F(LinkerScriptInclude, FoundInScriptDirThenIncludeDirs) {
  std::string top = write("top.ld", "INPUT(first.o)\nINCLUDE sub.ld\n"
                                    "INCLUDE \"other.ld\" INPUT(last.o)");
  write("sub.ld", "/* sub */ GROUP(sub.o) SEARCH_DIR(/sub)");
  write("inc/other.ld", "INPUT(-lother)");
  SmallString<256> incDir(dir);
  sys::path::append(incDir, "inc");

  Expected<LinkerScript> s =
      parseLinkerScript(read(top), top, {std::string(incDir)});
  ASSERT_TRUE(bool(s)) << toString(s.takeError());
  ASSERT_EQ(s->inputs.size(), 4u);
  expectInput(s->inputs[0], "first.o", false, false, false);
  expectInput(s->inputs[1], "sub.o", false, false, true);
  expectInput(s->inputs[2], "other", true, false, false);
  expectInput(s->inputs[3], "last.o", false, false, false);
  ASSERT_EQ(s->searchDirs.size(), 1u);
  EXPECT_EQ(s->searchDirs[0], "/sub");
}

TEST_F(LinkerScriptInclude, ErrorsNameTheIncludedFile) {
  std::string top = write("top.ld", "INPUT(a.o)\nINCLUDE bad.ld");
  std::string bad = write("bad.ld", "\n\nINPUT(b.o");
  Expected<LinkerScript> s = parseLinkerScript(read(top), top);
  ASSERT_FALSE(bool(s));
  EXPECT_EQ(toString(s.takeError()),
            bad + ":3: unexpected end of file, expected ')'");
}

TEST_F(LinkerScriptInclude, Missing) {
  std::string top = write("top.ld", "\nINCLUDE nowhere.ld");
  Expected<LinkerScript> s = parseLinkerScript(read(top), top);
  ASSERT_FALSE(bool(s));
  EXPECT_EQ(toString(s.takeError()),
            top + ":2: cannot find script file 'nowhere.ld'");
}

TEST_F(LinkerScriptInclude, Loop) {
  std::string a = write("a.ld", "INPUT(a.o)\nINCLUDE b.ld");
  std::string b = write("b.ld", "INCLUDE a.ld");
  Expected<LinkerScript> s = parseLinkerScript(read(a), a);
  ASSERT_FALSE(bool(s));
  SmallString<256> realA, realB;
  ASSERT_FALSE(sys::fs::real_path(a, realA));
  ASSERT_FALSE(sys::fs::real_path(b, realB));
  EXPECT_EQ(toString(s.takeError()),
            b + ":1: INCLUDE loop: " + std::string(realA) + " -> " +
                std::string(realB) + " -> " + std::string(realA));

  std::string self = write("self.ld", "INCLUDE self.ld");
  s = parseLinkerScript(read(self), self);
  ASSERT_FALSE(bool(s));
  SmallString<256> realSelf;
  ASSERT_FALSE(sys::fs::real_path(self, realSelf));
  EXPECT_EQ(toString(s.takeError()),
            self + ":1: INCLUDE loop: " + std::string(realSelf) + " -> " +
                std::string(realSelf));
}

// Including one file twice, not nested, is no loop.
TEST_F(LinkerScriptInclude, SameFileTwiceIsNoLoop) {
  std::string top = write("top.ld", "INCLUDE x.ld INCLUDE x.ld");
  write("x.ld", "INPUT(x.o)");
  Expected<LinkerScript> s = parseLinkerScript(read(top), top);
  ASSERT_TRUE(bool(s)) << toString(s.takeError());
  EXPECT_EQ(s->inputs.size(), 2u);
}

TEST_F(LinkerScriptInclude, FullScriptInsideInclude) {
  std::string top = write("top.ld", "INCLUDE full.ld");
  std::string full = write("full.ld", "\nSECTIONS {}");
  Expected<LinkerScript> s = parseLinkerScript(read(top), top);
  ASSERT_FALSE(bool(s));
  Error e = s.takeError();
  EXPECT_TRUE(e.isA<UnsupportedScriptError>());
  EXPECT_EQ(toString(std::move(e)),
            full + ":2: SECTIONS: not an input script; allocsel cannot model "
                   "a full linker script");
}

} // namespace
