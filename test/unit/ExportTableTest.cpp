//===- ExportTableTest.cpp - lookups by name agree with the full table ----===//
//
// The system's shared libraries carry every kind of .dynsym the linkers
// make (.gnu.hash and .hash, symbol versions, hidden old versions,
// GNU_UNIQUE, weak definitions): for each, the export table must find
// exactly the definitions that reading the whole table lists as default
// versions, and nothing for a name the library only references.
//
//===----------------------------------------------------------------------===//
#include "ExportTable.h"
#include "Inputs.h"
#include "SystemLibraries.h"

#include "llvm/ADT/StringSet.h"

#include "gtest/gtest.h"

using namespace allocsel;
using namespace llvm;

namespace {

TEST(ExportTableTest, AgreesWithTheWholeDynamicSymbolTable) {
  std::vector<std::string> libraries = systemLibraries();
  if (libraries.empty())
    GTEST_SKIP() << "no shared libraries in /usr/lib/x86_64-linux-gnu";
  size_t checked = 0;
  for (const std::string &path : libraries) {
    Expected<std::unique_ptr<InputFile>> all = InputFile::open(path);
    Expected<std::unique_ptr<InputFile>> link =
        InputFile::open(path, ReadMode::Link);
    if (!all || !link || !(*all)->object || !(*link)->object ||
        !(*link)->object->exports) {
      consumeError(all.takeError());
      consumeError(link.takeError());
      continue;
    }
    const ExportTable &exports = *(*link)->object->exports;
    StringSet<> defined;
    for (const Symbol &s : (*all)->object->symbols) {
      if (!s.isDefined || !s.isDefaultVersion || s.name.empty())
        continue;
      defined.insert(s.name);
      std::optional<Symbol> found = exports.find(s.name);
      ASSERT_TRUE(found) << path << ": " << s.name.str();
      EXPECT_EQ(found->isWeak, s.isWeak) << path << ": " << s.name.str();
      ++checked;
    }
    for (const Symbol &s : (*all)->object->symbols)
      EXPECT_TRUE(defined.count(s.name) || !exports.find(s.name))
          << path << ": " << s.name.str();
    EXPECT_FALSE(exports.find("allocsel_no_such_symbol")) << path;
    // Read for a link, the symbols listed are the undefined ones.
    for (const Symbol &s : (*link)->object->symbols)
      EXPECT_FALSE(s.isDefined) << path << ": " << s.name.str();
  }
  EXPECT_GT(checked, 1000u);
}

} // namespace
