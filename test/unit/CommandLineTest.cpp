//===- CommandLineTest.cpp - the ld command-line model --------------------===//
//
// The command lines here are the ones gcc 12 (collect2) and clang 14 hand to
// the linker on this platform, captured with `gcc -###` / `clang -###`, plus
// the corner cases of each linker's option parser, measured by running the
// real linker.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace allocsel;
using namespace llvm;

namespace {

using Args = std::vector<std::string>;

LinkCommand parse(const Args &args, Flavour f = Flavour::Bfd) {
  Expected<LinkCommand> cmd = parseLinkCommand(args, f);
  if (!cmd) {
    ADD_FAILURE() << toString(cmd.takeError());
    return LinkCommand();
  }
  return std::move(*cmd);
}

std::string parseError(const Args &args, Flavour f = Flavour::Bfd) {
  Expected<LinkCommand> cmd = parseLinkCommand(args, f);
  if (cmd) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return toString(cmd.takeError());
}

std::vector<std::string> spellings(const LinkCommand &cmd) {
  std::vector<std::string> out;
  for (const LinkInput &in : cmd.inputs)
    out.push_back(in.spelling());
  return out;
}

const LinkInput *findInput(const LinkCommand &cmd, StringRef spelling) {
  for (const LinkInput &in : cmd.inputs)
    if (in.spelling() == spelling)
      return &in;
  return nullptr;
}

const char *const gccDir = "/usr/lib/gcc/x86_64-linux-gnu/12";
const char *const plugin = "/usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so";

// `gcc -v -Wl,-v m.o -o m` on Debian 12: a PIE, ld.bfd, --as-needed first.
Args gccPieLine() {
  std::string g = gccDir;
  std::string crt = g + "/../../../x86_64-linux-gnu/";
  return {"-plugin", plugin, "-plugin-opt=" + g + "/lto-wrapper",
          "-plugin-opt=-fresolution=/tmp/cctWiWOE.res",
          "-plugin-opt=-pass-through=-lgcc",
          "-plugin-opt=-pass-through=-lgcc_s", "-plugin-opt=-pass-through=-lc",
          "-plugin-opt=-pass-through=-lgcc",
          "-plugin-opt=-pass-through=-lgcc_s", "--build-id", "--eh-frame-hdr",
          "-m", "elf_x86_64", "--hash-style=gnu", "--as-needed",
          "-dynamic-linker", "/lib64/ld-linux-x86-64.so.2", "-pie", "-o", "m",
          crt + "Scrt1.o", crt + "crti.o", g + "/crtbeginS.o", "-L" + g,
          "-L" + g + "/../../../x86_64-linux-gnu", "-L/lib/x86_64-linux-gnu",
          "-L/usr/lib/x86_64-linux-gnu", "-v", "m.o", "-lgcc",
          "--push-state", "--as-needed", "-lgcc_s", "--pop-state", "-lc",
          "-lgcc", "--push-state", "--as-needed", "-lgcc_s", "--pop-state",
          g + "/crtendS.o", crt + "crtn.o"};
}

// `gcc -static` / `gcc -static-pie`: the libraries in a group.
Args gccStaticLine(bool pie) {
  std::string g = gccDir;
  Args a = {"-plugin", plugin, "-plugin-opt=-pass-through=-lgcc_eh",
            "--build-id", "-m", "elf_x86_64", "--hash-style=gnu",
            "--as-needed", "-static"};
  if (pie)
    a.insert(a.end(), {"-pie", "--no-dynamic-linker", "-z", "text", "-pie"});
  a.insert(a.end(), {"-o", "m", pie ? "rcrt1.o" : "crt1.o", "crti.o",
                     "-L" + g, "m.o", "--start-group", "-lgcc", "-lgcc_eh",
                     "-lc", "--end-group", "crtend.o", "crtn.o"});
  return a;
}

TEST(CommandLineTest, GccPieLinkWithBfd) {
  LinkCommand cmd = parse(gccPieLine());
  EXPECT_EQ(cmd.plugin, plugin);
  ASSERT_EQ(cmd.pluginOpts.size(), 7u);
  EXPECT_EQ(cmd.pluginOpts[1], "-fresolution=/tmp/cctWiWOE.res");
  EXPECT_EQ(cmd.emulation, "elf_x86_64");
  EXPECT_EQ(cmd.dynamicLinker, "/lib64/ld-linux-x86-64.so.2");
  EXPECT_EQ(cmd.output, "m");
  EXPECT_TRUE(cmd.pie);
  EXPECT_FALSE(cmd.isStatic);
  EXPECT_EQ(cmd.outputKind(), LinkCommand::OutputKind::Executable);
  EXPECT_EQ(cmd.searchDirs.size(), 4u);
  EXPECT_EQ(cmd.searchDirs[0], gccDir);
  std::vector<std::string> want = {"Scrt1.o", "crti.o", "crtbeginS.o", "m.o",
                                   "-lgcc", "-lgcc_s", "-lc", "-lgcc",
                                   "-lgcc_s", "crtendS.o", "crtn.o"};
  std::vector<std::string> got;
  for (const LinkInput &in : cmd.inputs)
    got.push_back(in.kind == LinkInput::Kind::File
                      ? sys::path::filename(in.name).str()
                      : in.spelling());
  EXPECT_EQ(got, want);
  // --as-needed comes before every input; --pop-state restores it, on.
  for (const LinkInput &in : cmd.inputs) {
    EXPECT_TRUE(in.asNeeded) << in.name;
    EXPECT_FALSE(in.isStatic) << in.name;
    EXPECT_EQ(in.group, 0);
  }
  // Kept exactly as given, and argIndex points into args.
  EXPECT_EQ(cmd.originalArgs, gccPieLine());
  for (const LinkInput &in : cmd.inputs)
    EXPECT_EQ(cmd.args[in.argIndex].find(in.name) != std::string::npos, true);
  EXPECT_TRUE(cmd.warnings.empty());
}

TEST(CommandLineTest, GccStaticLink) {
  LinkCommand cmd = parse(gccStaticLine(false));
  EXPECT_TRUE(cmd.isStatic);
  EXPECT_FALSE(cmd.pie);
  EXPECT_FALSE(cmd.isStaticPie());
  EXPECT_TRUE(cmd.dynamicLinker.empty());
  for (const LinkInput &in : cmd.inputs)
    EXPECT_TRUE(in.isStatic) << in.name;
  EXPECT_EQ(findInput(cmd, "-lgcc")->group, 1);
  EXPECT_EQ(findInput(cmd, "-lc")->group, 1);
  EXPECT_EQ(findInput(cmd, "m.o")->group, 0);
  EXPECT_EQ(findInput(cmd, "crtend.o")->group, 0);
}

TEST(CommandLineTest, GccStaticPieLink) {
  LinkCommand cmd = parse(gccStaticLine(true));
  EXPECT_TRUE(cmd.isStaticPie());
  EXPECT_EQ(cmd.outputKind(), LinkCommand::OutputKind::Executable);
  EXPECT_EQ(spellings(cmd).front(), "rcrt1.o"); // `-z text` took its value
}

TEST(CommandLineTest, GccSharedLink) {
  LinkCommand cmd = parse({"--as-needed", "-shared", "-o", "libx.so",
                           "crti.o", "x.o", "-lc", "crtn.o"});
  EXPECT_EQ(cmd.outputKind(), LinkCommand::OutputKind::SharedLibrary);
  EXPECT_EQ(spellings(cmd), (std::vector<std::string>{"crti.o", "x.o", "-lc",
                                                      "crtn.o"}));
}

// `clang -fuse-ld=lld -###`: lld spells state changes without push/pop.
TEST(CommandLineTest, ClangLinkWithLld) {
  LinkCommand cmd = parse(
      {"-pie", "--hash-style=both", "--build-id", "--eh-frame-hdr", "-m",
       "elf_x86_64", "-dynamic-linker", "/lib64/ld-linux-x86-64.so.2", "-o",
       "m", "Scrt1.o", "crti.o", "crtbeginS.o",
       "-L/usr/bin/../lib/gcc/x86_64-linux-gnu/12", "-L/lib/x86_64-linux-gnu",
       "m-65a8ea.o", "-lgcc", "--as-needed", "-lgcc_s", "--no-as-needed",
       "-lc", "crtendS.o", "crtn.o"},
      Flavour::Lld);
  EXPECT_EQ(cmd.flavour, Flavour::Lld);
  EXPECT_EQ(cmd.emulation, "elf_x86_64");
  EXPECT_EQ(spellings(cmd),
            (std::vector<std::string>{"Scrt1.o", "crti.o", "crtbeginS.o",
                                      "m-65a8ea.o", "-lgcc", "-lgcc_s", "-lc",
                                      "crtendS.o", "crtn.o"}));
  EXPECT_FALSE(findInput(cmd, "-lgcc")->asNeeded);
  EXPECT_TRUE(findInput(cmd, "-lgcc_s")->asNeeded);
  EXPECT_FALSE(findInput(cmd, "-lc")->asNeeded);
}

// Each option takes a value; the value must not become an input. The list is
// the brief's plus whatever gcc, clang and build systems commonly pass.
TEST(CommandLineTest, ValuesAreNeverInputs) {
  struct Case {
    std::vector<const char *> option; // the option and its value
    unsigned flavours;                // 1 bfd, 2 gold, 4 lld, 8 mold
  };
  const Case cases[] = {
      {{"-o", "V"}, 15}, {{"--output", "V"}, 15}, {{"--output=V"}, 15},
      {{"-z", "now"}, 15}, {{"-plugin", "V"}, 15}, {{"--plugin", "V"}, 15},
      {{"-plugin-opt", "V"}, 15}, {{"--plugin-opt=V"}, 15},
      {{"-m", "elf_x86_64"}, 15}, {{"-soname", "V"}, 15},
      {{"--soname", "V"}, 15}, {{"-h", "V"}, 15}, {{"-rpath", "V"}, 15},
      {{"--rpath=V"}, 15}, {{"-rpath-link", "V"}, 15},
      {{"--dynamic-linker", "V"}, 15}, {{"-dynamic-linker", "V"}, 15},
      {{"-y", "V"}, 15}, {{"--trace-symbol", "V"}, 7},
      {{"--version-script", "V"}, 15}, {{"--dynamic-list", "V"}, 15},
      {{"-Map", "V"}, 15}, {{"--Map=V"}, 15}, {{"--hash-style", "gnu"}, 15},
      {{"-e", "V"}, 15}, {{"--entry", "V"}, 15}, {{"-u", "V"}, 15},
      {{"--undefined", "V"}, 15}, {{"--undefined=V"}, 15},
      {{"--defsym", "a=1"}, 15}, {{"--wrap", "V"}, 15},
      {{"--sysroot", "V"}, 15}, {{"--sysroot=V"}, 15}, {{"-L", "V"}, 15},
      {{"--library-path", "V"}, 15}, {{"--exclude-libs", "V"}, 15},
      {{"-O", "1"}, 15}, {{"--icf", "all"}, 2 | 8}, {{"--icf=all"}, 15},
      {{"--thread-count", "4"}, 2 | 8}, {{"--threads", "4"}, 4},
      {{"-R", "/usr/lib"}, 15}, {{"--section-start", ".text=0x1000"}, 15},
      {{"--section-start=.text=0x1000"}, 15}, {{"-Ttext", "0x1000"}, 15},
      {{"-Ttext=0x1000"}, 15}, {{"-Tbss", "0x1000"}, 15},
      {{"-Ttext-segment", "0x1000"}, 7}, {{"--retain-symbols-file", "V"}, 15},
      {{"--out-implib", "V"}, 5}, {{"-fini", "V"}, 15},
      {{"-init", "V"}, 15}, {{"--init=V"}, 15},
      {{"--export-dynamic-symbol", "V"}, 15},
      {{"--require-defined", "V"}, 1 | 8}, {{"-f", "V"}, 15},
      {{"-F", "V"}, 15}, {{"--auxiliary", "V"}, 15}, {{"--filter", "V"}, 15},
      {{"-I", "V"}, 11}, {{"--unresolved-symbols", "ignore-all"}, 15},
      {{"--sort-section", "name"}, 15}, {{"--orphan-handling", "warn"}, 7},
      {{"--compress-debug-sections", "zlib"}, 15},
      {{"--dependency-file", "V"}, 15}, {{"-b", "elf64-x86-64"}, 7},
      {{"--format", "elf"}, 7}, {{"-Y", "V"}, 3}, {{"-G", "8"}, 1 | 4},
      {{"--spare-dynamic-tags", "5"}, 11}, {{"-A", "V"}, 1},
      {{"-a", "V"}, 1}, {{"-P", "V"}, 1}, {{"--audit", "V"}, 1},
      {{"--image-base", "0x1000"}, 12}, {{"--mllvm", "V"}, 4},
      {{"-mllvm", "V"}, 4}, {{"--package-metadata", "V"}, 8},
      {{"--unique", "V"}, 8}, {{"--chroot", "V"}, 12},
      {{"-fuse-ld", "gold"}, 2}, {{"-optimize", "1"}, 2},
      {{"--keep-unique", "V"}, 6}, {{"--symbol-ordering-file", "V"}, 4},
      {{"--error-limit", "0"}, 4}, {{"--print-symbol-counts", "V"}, 2},
      {{"--call-graph-ordering-file", "V"}, 4}, {{"--lto-O3"}, 4},
      {{"--why-extract=V"}, 4}, {{"-T", "V"}, 15}, {{"--script", "V"}, 15},
      {{"-dT", "V"}, 3}, {{"--just-symbols", "V"}, 7},
      {{"-c", "V"}, 1}, {{"-C", "V"}, 8}, {{"--oformat", "V"}, 15},
  };
  const Flavour flavours[] = {Flavour::Bfd, Flavour::Gold, Flavour::Lld,
                              Flavour::Mold};
  for (const Case &c : cases)
    for (unsigned i = 0; i < 4; ++i) {
      if (!(c.flavours & (1u << i)))
        continue;
      Args args(c.option.begin(), c.option.end());
      args.push_back("in.o");
      LinkCommand cmd = parse(args, flavours[i]);
      EXPECT_EQ(spellings(cmd), Args{"in.o"})
          << c.option[0] << " with " << flavourName(flavours[i]).str();
    }
}

// Options whose value is optional take it only after `=`: the next argument
// stays an input (measured with each linker: `--build-id x` opens x).
TEST(CommandLineTest, OptionalValuesOnlyJoined) {
  for (Flavour f : {Flavour::Bfd, Flavour::Gold, Flavour::Lld, Flavour::Mold})
    EXPECT_EQ(spellings(parse({"--build-id", "a.o", "--build-id=sha1"}, f)),
              Args{"a.o"});
  EXPECT_EQ(spellings(parse({"--demangle", "a.o"})), Args{"a.o"});
  EXPECT_EQ(spellings(parse({"--sort-common", "a.o"}, Flavour::Gold)),
            Args{"a.o"});
  // mold's --unique takes a pattern; bfd's only `--unique=SECTION`.
  EXPECT_EQ(spellings(parse({"--unique", "a.o"}, Flavour::Bfd)), Args{"a.o"});
  EXPECT_TRUE(parse({"--unique", "a.o"}, Flavour::Mold).inputs.empty());
}

TEST(CommandLineTest, JoinedAndSeparateForms) {
  LinkCommand cmd = parse({"-Lone", "-L", "two", "--library-path=three",
                           "-lfoo", "-l", "bar", "-l:libbaz.a",
                           "--library=qux", "--library", "quux", "-oout",
                           "-melf_i386", "-znow", "-eentry"});
  EXPECT_EQ(cmd.searchDirs, (Args{"one", "two", "three"}));
  EXPECT_EQ(spellings(cmd),
            (Args{"-lfoo", "-lbar", "-l:libbaz.a", "-lqux", "-lquux"}));
  EXPECT_EQ(cmd.inputs[2].kind, LinkInput::Kind::LibraryFile);
  EXPECT_EQ(cmd.inputs[2].name, "libbaz.a");
  EXPECT_EQ(cmd.inputs[3].kind, LinkInput::Kind::Library);
  EXPECT_EQ(cmd.output, "out");
  EXPECT_EQ(cmd.emulation, "elf_i386");
  EXPECT_EQ(cmd.entry, "entry");
  // A library's place on the line spans both words of `-l bar`: the
  // rewrite inserts before and after it, never between them.
  EXPECT_EQ(cmd.inputs[0].argIndex, 4u);
  EXPECT_EQ(cmd.inputs[0].argEnd, 5u);
  EXPECT_EQ(cmd.inputs[1].argIndex, 5u);
  EXPECT_EQ(cmd.inputs[1].argEnd, 7u);
  EXPECT_EQ(cmd.inputs[4].argIndex, 9u);
  EXPECT_EQ(cmd.inputs[4].argEnd, 11u);
}

// Long options win over a short option with a joined value, except where the
// linker itself reads the short one (measured).
TEST(CommandLineTest, LongBeforeShort) {
  LinkCommand cmd = parse({"-static", "-soname", "x", "-eh-frame-hdr",
                           "-export-dynamic", "a.o"});
  EXPECT_TRUE(cmd.isStatic);
  EXPECT_TRUE(cmd.entry.empty()); // -eh-frame-hdr is not -e h-frame-hdr
  EXPECT_TRUE(cmd.exportDynamic);
  EXPECT_EQ(spellings(cmd), Args{"a.o"});

  // `ld.bfd -library x` is -l ibrary; lld and gold read --library.
  EXPECT_EQ(spellings(parse({"-library", "x"}, Flavour::Bfd)),
            (Args{"-library", "x"}));
  EXPECT_EQ(spellings(parse({"-library", "x"}, Flavour::Lld)), Args{"-lx"});
  EXPECT_EQ(spellings(parse({"-library", "x"}, Flavour::Gold)), Args{"-lx"});

  // `-output x` is -o utput for bfd, lld and mold, --output for gold.
  LinkCommand bfd = parse({"-output", "x"}, Flavour::Bfd);
  EXPECT_EQ(bfd.output, "utput");
  EXPECT_EQ(spellings(bfd), Args{"x"});
  EXPECT_EQ(parse({"-output", "x"}, Flavour::Gold).output, "x");
  EXPECT_EQ(parse({"-output", "x"}, Flavour::Mold).output, "utput");

  // -T with a joined name is a script, -Ttext a section address.
  LinkCommand t = parse({"-Ttext=0x1000", "-Tbss", "0x2000", "a.o"});
  EXPECT_TRUE(t.warnings.empty());
  EXPECT_EQ(spellings(t), Args{"a.o"});

  // -G: a size for bfd, -shared for gold.
  EXPECT_EQ(spellings(parse({"-G", "a.o"}, Flavour::Bfd)), Args{});
  LinkCommand gold = parse({"-G", "a.o"}, Flavour::Gold);
  EXPECT_TRUE(gold.shared);
  EXPECT_EQ(spellings(gold), Args{"a.o"});
}

TEST(CommandLineTest, PushAndPopState) {
  LinkCommand cmd =
      parse({"--as-needed", "--push-state", "--no-as-needed", "-Bstatic",
             "--whole-archive", "a.a", "--pop-state", "b.a", "-dn", "c.a",
             "-dy", "d.so", "-non_shared", "e.a", "-call_shared", "f.so"});
  const LinkInput &a = cmd.inputs[0], &b = cmd.inputs[1];
  EXPECT_FALSE(a.asNeeded);
  EXPECT_TRUE(a.isStatic);
  EXPECT_TRUE(a.wholeArchive);
  EXPECT_TRUE(b.asNeeded);
  EXPECT_FALSE(b.isStatic);
  EXPECT_FALSE(b.wholeArchive);
  EXPECT_TRUE(findInput(cmd, "c.a")->isStatic);
  EXPECT_FALSE(findInput(cmd, "d.so")->isStatic);
  EXPECT_TRUE(findInput(cmd, "e.a")->isStatic);
  EXPECT_FALSE(findInput(cmd, "f.so")->isStatic);
  EXPECT_FALSE(cmd.isStatic); // -Bdynamic last
}

TEST(CommandLineTest, GroupsAndLibsAreNumbered) {
  LinkCommand cmd = parse({"-(", "a.a", "-)", "--start-group", "b.a",
                           "-lc", "--end-group", "c.o", "--start-lib", "d.o",
                           "--end-lib"},
                          Flavour::Lld);
  EXPECT_EQ(findInput(cmd, "a.a")->group, 1);
  EXPECT_EQ(findInput(cmd, "b.a")->group, 2);
  EXPECT_EQ(findInput(cmd, "-lc")->group, 2);
  EXPECT_EQ(findInput(cmd, "c.o")->group, 0);
  EXPECT_EQ(findInput(cmd, "d.o")->lib, 1);
  EXPECT_EQ(findInput(cmd, "c.o")->lib, 0);
  // An unterminated group ends with the command line, as GNU ld adds it.
  EXPECT_EQ(parse({"--start-group", "x.a"}).inputs[0].group, 1);
}

TEST(CommandLineTest, GlobalFacts) {
  LinkCommand cmd = parse(
      {"-u", "one", "--undefined=two", "--require-defined", "three", "-e",
       "start", "--export-dynamic", "--gc-sections", "-nostdlib",
       "--sysroot=/sys", "--wrap=malloc", "--defsym", "alias=target",
       "--export-dynamic-symbol=malloc", "-init", "myinit", "--fini=myfini"},
      Flavour::Bfd);
  EXPECT_EQ(cmd.undefined, (Args{"one", "two", "three"}));
  EXPECT_EQ(cmd.entry, "start");
  EXPECT_TRUE(cmd.exportDynamic);
  EXPECT_TRUE(cmd.gcSections);
  EXPECT_TRUE(cmd.noStdlib);
  EXPECT_EQ(cmd.sysroot, "/sys");
  EXPECT_EQ(cmd.wrapped, Args{"malloc"});
  ASSERT_EQ(cmd.defsyms.size(), 1u);
  EXPECT_EQ(cmd.defsyms[0].symbol, "alias");
  EXPECT_EQ(cmd.defsyms[0].expression, "target");
  EXPECT_EQ(cmd.exportedSymbols, Args{"malloc"});
  EXPECT_EQ(cmd.initSymbol, "myinit");
  EXPECT_EQ(cmd.finiSymbol, "myfini");
  EXPECT_EQ(cmd.output, "a.out");
  EXPECT_TRUE(cmd.warnings.empty());

  EXPECT_FALSE(parse({"--no-fortran-common"}, Flavour::Lld).fortranCommon);
  EXPECT_TRUE(parse({}, Flavour::Lld).fortranCommon);
  EXPECT_EQ(parse({"-i", "a.o"}, Flavour::Bfd).outputKind(),
            LinkCommand::OutputKind::Relocatable);
  EXPECT_EQ(parse({"--relocatable", "a.o"}, Flavour::Mold).outputKind(),
            LinkCommand::OutputKind::Relocatable);
  EXPECT_FALSE(parse({"-pie", "-no-pie"}).pie);
  EXPECT_TRUE(parse({"--pic-executable"}).pie);
  EXPECT_TRUE(parse({"-Bshareable"}).shared);
}

TEST(CommandLineTest, UnmodellableOptionsWarn) {
  EXPECT_EQ(parse({"-T", "script.ld", "a.o"}).warnings,
            Args{"cannot model option -T script.ld; the decision may be "
                 "incomplete"});
  EXPECT_EQ(parse({"-Tscript.ld"}).warnings.size(), 1u);
  EXPECT_EQ(parse({"--script=s.ld"}, Flavour::Lld).warnings.size(), 1u);
  EXPECT_EQ(parse({"--just-symbols=syms.o"}).warnings,
            Args{"cannot model option --just-symbols=syms.o; the decision "
                 "may be incomplete"});
  EXPECT_EQ(parse({"-b", "binary", "blob"}).warnings.size(), 1u);
  EXPECT_EQ(parse({"--defsym", "a=b+1"}).warnings.size(), 1u);
  EXPECT_EQ(parse({"--defsym", "a=0x10"}).warnings.size(), 0u);
  EXPECT_EQ(parse({"--copy-dt-needed-entries"}).warnings.size(), 1u);
  EXPECT_EQ(parse({"--undefined-glob", "m*"}, Flavour::Lld).warnings.size(),
            1u);
  EXPECT_EQ(parse({"-C", "dir"}, Flavour::Mold).warnings.size(), 1u);
  // bfd's -R: a directory is -rpath, a file is --just-symbols.
  SmallString<128> dir;
  ASSERT_FALSE(sys::fs::current_path(dir));
  EXPECT_TRUE(parse({"-R", std::string(dir)}).warnings.empty());
  EXPECT_EQ(parse({"-R", "no-such-file.o"}).warnings.size(), 1u);
  EXPECT_TRUE(parse({"-R", "syms.o"}, Flavour::Lld).warnings.empty());
  // GNU ld takes abbreviations of long options; the model does not guess.
  EXPECT_EQ(parse({"--whole-arch", "a.a"}).warnings,
            Args{"cannot model option --whole-arch; the decision may be "
                 "incomplete"});
}

TEST(CommandLineTest, UnknownOptionsPassThrough) {
  Args args = {"--frobnicate", "a.o", "-Bsymbolic", "--no-undefined",
               "-X", "-sx", "--", "-weird.o"};
  LinkCommand cmd = parse(args);
  EXPECT_EQ(spellings(cmd), (Args{"a.o", "-weird.o"}));
  EXPECT_EQ(cmd.args, args);
  EXPECT_TRUE(cmd.warnings.empty());
}

class CommandLineResponseFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("allocsel-rsp", dir));
  }
  void TearDown() override { sys::fs::remove_directories(dir); }
  std::string write(StringRef name, const Twine &text) {
    SmallString<128> path(dir);
    sys::path::append(path, name);
    std::error_code ec;
    raw_fd_ostream os(path, ec);
    EXPECT_FALSE(ec);
    os << text;
    return std::string(path);
  }
  SmallString<128> dir;
};

TEST_F(CommandLineResponseFileTest, NestedWithGnuQuoting) {
  std::string inner = write("inner.rsp", "-lfoo \"with space.o\"\n"
                                         "'single quoted.o' back\\ slash.o\n");
  std::string outer = write("outer.rsp", "-o \"out file\"\n--as-needed @" +
                                             inner + "\nlast.o\n");
  LinkCommand cmd = parse({"first.o", "@" + outer});
  EXPECT_EQ(cmd.output, "out file");
  EXPECT_EQ(spellings(cmd), (Args{"first.o", "-lfoo", "with space.o",
                                  "single quoted.o", "back slash.o",
                                  "last.o"}));
  EXPECT_TRUE(findInput(cmd, "with space.o")->asNeeded);
  EXPECT_EQ(cmd.originalArgs, (Args{"first.o", "@" + outer}));
  EXPECT_EQ(cmd.args[cmd.inputs.back().argIndex], "last.o");
}

TEST_F(CommandLineResponseFileTest, ValueInsideResponseFile) {
  // An option at the end of a response file takes the next argument.
  std::string rsp = write("o.rsp", "-o");
  LinkCommand cmd = parse({"@" + rsp, "out", "a.o"});
  EXPECT_EQ(cmd.output, "out");
  EXPECT_EQ(spellings(cmd), Args{"a.o"});
}

TEST_F(CommandLineResponseFileTest, MissingFileIsALiteralArgument) {
  // GNU ld (libiberty) and lld leave an unreadable @file as it is; it is
  // then an input, which the linker fails to open.
  LinkCommand cmd = parse({"@/no/such/file.rsp", "a.o"});
  EXPECT_EQ(spellings(cmd), (Args{"@/no/such/file.rsp", "a.o"}));
}

TEST_F(CommandLineResponseFileTest, LoopIsAnError) {
  SmallString<128> a(dir);
  sys::path::append(a, "a.rsp");
  std::string b = write("b.rsp", "x.o @" + a);
  write("a.rsp", Twine("y.o @") + b);
  std::string message = parseError({(Twine("@") + a).str()});
  EXPECT_NE(message.find("response file includes itself"), std::string::npos)
      << message;
}

TEST(CommandLineTest, Errors) {
  EXPECT_EQ(parseError({"a.o", "-o"}), "missing value for option '-o'");
  EXPECT_EQ(parseError({"-plugin-opt"}),
            "missing value for option '-plugin-opt'");
  EXPECT_EQ(parseError({"--sysroot"}, Flavour::Lld),
            "missing value for option '--sysroot'");
  EXPECT_EQ(parseError({"a.o", "--end-group"}),
            "--end-group without --start-group");
  EXPECT_EQ(parseError({"-)"}), "-) without --start-group");
  EXPECT_EQ(parseError({"--pop-state"}), "--pop-state without --push-state");
  EXPECT_EQ(parseError({"--push-state", "--pop-state", "--pop-state"}),
            "--pop-state without --push-state");
  EXPECT_EQ(parseError({"--start-group", "-("}),
            "nested group: -( inside an open --start-group");
  EXPECT_EQ(parseError({"--end-lib"}, Flavour::Lld),
            "--end-lib without --start-lib");
  EXPECT_EQ(parseError({"-r", "-shared"}),
            "-r and -shared may not be used together");
  EXPECT_EQ(parseError({"-pie", "-r"}),
            "-r and -pie may not be used together");
  EXPECT_EQ(parseError({"--defsym", "nosign"}),
            "--defsym nosign: expected symbol=expression");
}

TEST(CommandLineTest, FlavourFromName) {
  EXPECT_EQ(flavourFromName("ld"), Flavour::Bfd);
  EXPECT_EQ(flavourFromName("/usr/bin/ld.bfd"), Flavour::Bfd);
  EXPECT_EQ(flavourFromName("ld.gold"), Flavour::Gold);
  EXPECT_EQ(flavourFromName("gold"), Flavour::Gold);
  EXPECT_EQ(flavourFromName("ld.lld"), Flavour::Lld);
  EXPECT_EQ(flavourFromName("lld"), Flavour::Lld);
  EXPECT_EQ(flavourFromName("ld.lld-14"), Flavour::Lld);
  EXPECT_EQ(flavourFromName("ld.mold"), Flavour::Mold);
  EXPECT_EQ(flavourFromName("/usr/bin/mold"), Flavour::Mold);
  EXPECT_EQ(flavourFromName("x86_64-linux-gnu-ld.gold"), Flavour::Gold);
  EXPECT_EQ(flavourFromName("x86_64-linux-gnu-ld"), Flavour::Bfd);
  EXPECT_EQ(flavourFromName("gcc"), std::nullopt);
  EXPECT_EQ(flavourFromName("old"), std::nullopt);
  EXPECT_EQ(flavourFromVersionText("GNU ld (GNU Binutils for Debian) 2.40\n"),
            Flavour::Bfd);
  EXPECT_EQ(flavourFromVersionText("GNU gold (GNU Binutils 2.40) 1.16"),
            Flavour::Gold);
  EXPECT_EQ(flavourFromVersionText("Debian LLD 14.0.6 (compatible with GNU "
                                   "linkers)"),
            Flavour::Lld);
  EXPECT_EQ(flavourFromVersionText("mold 1.10.1 (compatible with GNU ld)"),
            Flavour::Mold);
  EXPECT_EQ(flavourName(Flavour::Mold), "mold");
}

} // namespace
