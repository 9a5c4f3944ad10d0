//===- StampTest.cpp - the stamp object, written and read back ------------===//
#include "Inputs.h"
#include "Stamp.h"

#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace allocsel;

namespace {

TEST(StampTest, ObjectCarriesTheStampForEachTarget) {
  SelectionStamp stamp;
  stamp.kind = ArtifactKind::Executable;
  stamp.how = SelectionHow::Default;
  stamp.allocator = "jemalloc";
  stamp.toolVersion = "0.1.0";
  const TargetInfo targets[] = {
      {llvm::ELF::EM_X86_64, true, true, 0},
      {llvm::ELF::EM_386, false, true, 0},
      {llvm::ELF::EM_PPC64, true, false, 2},
      {llvm::ELF::EM_ARM, false, true, 0x5000000},
  };
  for (const TargetInfo &target : targets) {
    llvm::Expected<std::string> bytes = makeStampObject(stamp, target);
    ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
    llvm::Expected<ObjectInfo> info =
        readObject(llvm::MemoryBufferRef(*bytes, "stamp.o"));
    ASSERT_TRUE(bool(info)) << llvm::toString(info.takeError());
    EXPECT_EQ(info->kind, InputKind::Relocatable);
    EXPECT_EQ(info->machine, target.machine);
    EXPECT_EQ(info->is64, target.is64);
    EXPECT_EQ(info->isLittleEndian, target.isLittleEndian);
    EXPECT_TRUE(info->symbols.empty());
    ASSERT_EQ(info->notes.stamps.size(), 1u);
    EXPECT_EQ(info->notes.stamps[0].allocator, "jemalloc");
    EXPECT_EQ(info->notes.stamps[0].how, SelectionHow::Default);
  }
}

TEST(StampTest, SameStampSameBytes) {
  SelectionStamp stamp;
  stamp.allocator = "system";
  TargetInfo target{llvm::ELF::EM_X86_64, true, true, 0};
  EXPECT_EQ(*makeStampObject(stamp, target), *makeStampObject(stamp, target));
}

} // namespace
