//===- VerifyReadTest.cpp - reading for verification loses nothing -------===//
//
// Verification reads a linked output with ReadMode::Verify, which keeps of
// .dynsym and .symtab only the entry points they define and whether they
// hold anything (lib/Verify.cpp asks no more). Over the system's shared
// libraries (libc.so.6 exports malloc, libstdc++ the operators) and the
// unstripped allocsel program (its static libstdc++ defines operator new in
// .symtab only), it must say exactly what the whole tables say.
//
//===----------------------------------------------------------------------===//
#include "Inputs.h"
#include "SystemLibraries.h"

#include "gtest/gtest.h"

using namespace allocsel;
using namespace llvm;

namespace {

EntryPointScan scanOf(const std::vector<Symbol> &symbols) {
  EntryPointScan scan;
  for (const Symbol &s : symbols)
    scan.add(s);
  return scan;
}

TEST(VerifyReadTest, AgreesWithTheWholeSymbolTables) {
  std::vector<std::string> files = systemLibraries();
  files.push_back(ALLOCSEL_TOOL);
  size_t exporting = 0;
  for (const std::string &path : files) {
    Expected<std::unique_ptr<InputFile>> all = InputFile::open(path);
    Expected<std::unique_ptr<InputFile>> verify =
        InputFile::open(path, ReadMode::Verify);
    if (!all || !verify || !(*all)->object) {
      consumeError(all.takeError());
      consumeError(verify.takeError());
      continue;
    }
    const ObjectInfo &whole = *(*all)->object;
    const ObjectInfo &read = *(*verify)->object;
    EntryPointScan symbols = scanOf(whole.symbols);
    EntryPointScan internal = scanOf(whole.internalDefinitions);
    EXPECT_EQ(read.symbolScan.defined, symbols.defined) << path;
    EXPECT_EQ(read.symbolScan.hasSymbols, symbols.hasSymbols) << path;
    EXPECT_EQ(read.internalScan.defined, internal.defined) << path;
    EXPECT_EQ(read.internalScan.hasSymbols, internal.hasSymbols) << path;
    // Nothing is listed: that is the point of the mode.
    EXPECT_TRUE(read.symbols.empty()) << path;
    EXPECT_TRUE(read.internalDefinitions.empty()) << path;
    EXPECT_EQ(read.needed, whole.needed) << path;
    EXPECT_EQ(read.soname, whole.soname) << path;
    if (!read.symbolScan.defined.empty())
      ++exporting;
  }
  EXPECT_GT(exporting, 0u) << "no library exports an entry point";
  Expected<std::unique_ptr<InputFile>> self =
      InputFile::open(ALLOCSEL_TOOL, ReadMode::Verify);
  ASSERT_TRUE(bool(self)) << toString(self.takeError());
  const ObjectInfo &tool = *(*self)->object;
#if defined(__SANITIZE_ADDRESS__)
  // Under ASan allocsel links libstdc++ dynamically and the sanitizer's
  // runtime defines operator new: allocsel itself defines none.
  EXPECT_FALSE(tool.internalScan.defined.contains(*findEntryPoint("_Znwm")));
#else
  // Its static libstdc++ defines operator new in .symtab only.
  EXPECT_TRUE(tool.internalScan.defined.contains(*findEntryPoint("_Znwm")));
#endif
  EXPECT_FALSE(tool.symbolScan.defined.contains(*findEntryPoint("_Znwm")));
}

} // namespace
