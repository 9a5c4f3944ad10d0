//===- NotesTest.cpp - the note format, written and read back -------------===//
#include "Notes.h"

#include "gtest/gtest.h"

using namespace allocsel;

namespace {

TEST(NotesTest, StampRoundTripsInEitherByteOrder) {
  SelectionStamp stamp;
  stamp.flags = ALLOCSEL_STAMP_EXPORT_ALLOCATOR | ALLOCSEL_STAMP_WARN_MODE;
  stamp.kind = ArtifactKind::SharedLibrary;
  stamp.how = SelectionHow::Explicit;
  stamp.allocator = "jemalloc";
  stamp.toolVersion = "1.2.3";
  for (bool little : {true, false}) {
    std::vector<uint8_t> bytes = encodeStamp(stamp, little);
    EXPECT_EQ(bytes.size() % 4, 0u);
    NoteSet notes;
    ASSERT_FALSE(bool(parseNotes(bytes, little, true, notes)));
    ASSERT_EQ(notes.stamps.size(), 1u);
    const SelectionStamp &read = notes.stamps.front();
    EXPECT_EQ(read.flags, stamp.flags);
    EXPECT_EQ(read.kind, stamp.kind);
    EXPECT_EQ(read.how, stamp.how);
    EXPECT_EQ(read.allocator, stamp.allocator);
    EXPECT_EQ(read.toolVersion, stamp.toolVersion);
  }
}

TEST(NotesTest, ForeignNotesAreSkippedOnlyOutsideTheSection) {
  // A GNU build-id note, then nothing of ours.
  std::vector<uint8_t> gnu = {4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0,
                              'G', 'N', 'U', 0, 1, 2, 3, 4};
  NoteSet notes;
  EXPECT_FALSE(bool(parseNotes(gnu, true, /*sectionOnly=*/false, notes)));
  EXPECT_TRUE(notes.empty());
  llvm::Error e = parseNotes(gnu, true, /*sectionOnly=*/true, notes);
  EXPECT_EQ(llvm::toString(std::move(e)),
            "malformed note at offset 0x0: wrong owner 'GNU' (expected "
            "'allocsel')");
}

TEST(NotesTest, NamesAreValidated) {
  EXPECT_TRUE(isValidName("jemalloc_5"));
  EXPECT_FALSE(isValidName(""));
  EXPECT_FALSE(isValidName("../evil"));
  EXPECT_FALSE(isValidName("a b"));
  EXPECT_FALSE(isValidName(std::string(ALLOCSEL_NAME_MAX + 1, 'a')));
}

} // namespace
