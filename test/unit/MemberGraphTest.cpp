//===- MemberGraphTest.cpp - resolution and chains of the member graph ----===//
//
// The graph binds each reference the way the linkers do once the members
// are chosen, and AS003/AS004 print the chain it finds: which definition
// wins and which chain is reported decide what a user reads.
//
//===----------------------------------------------------------------------===//
#include "MemberGraph.h"
#include "Policy.h"

#include "gtest/gtest.h"

#include <deque>

using namespace allocsel;

namespace {

// Objects built from a spelling of their symbols: `+name` a strong
// definition, `~name` a weak one, `-name` a reference.
class Objects {
public:
  const ObjectInfo &make(std::initializer_list<const char *> symbols) {
    ObjectInfo &o = objects.emplace_back();
    for (llvm::StringRef s : symbols) {
      Symbol sym;
      sym.name = s.drop_front();
      sym.isDefined = s[0] != '-';
      sym.isWeak = s[0] == '~';
      o.symbols.push_back(sym);
    }
    return o;
  }

private:
  std::deque<ObjectInfo> objects; // stable addresses
};

using Node = MemberGraph::Node;

TEST(MemberGraphTest, StrongBeatsWeakBeatsShared) {
  Objects objects;
  MemberGraph g;
  Node shared = g.add("libc.so.6", objects.make({"+f", "+g", "+h"}), 0,
                      /*shared=*/true);
  Node weak = g.add("weak.o", objects.make({"~f", "~g"}), 1);
  Node strong = g.add("strong.o", objects.make({"+f"}), 2);
  g.add("later.o", objects.make({"+f"}), 3);
  EXPECT_EQ(g.definer("f"), strong); // not the earlier weak, not the later
  EXPECT_EQ(g.definer("g"), weak);   // a weak one beats a shared one
  EXPECT_EQ(g.definer("h"), shared);
  EXPECT_EQ(g.definer("nowhere"), std::nullopt);
}

TEST(MemberGraphTest, ShortestChainAndWhatMayBeEntered) {
  Objects objects;
  MemberGraph g;
  // a -> b -> d (target) and a -> c -> e -> d: the shorter one is reported.
  Node a = g.add("a.o", objects.make({"+a", "-b", "-c"}), 0);
  Node b = g.add("lib.a(b.o)", objects.make({"+b", "-d"}), 1);
  Node c = g.add("lib.a(c.o)", objects.make({"+c", "-e"}), 1);
  Node e = g.add("lib.a(e.o)", objects.make({"+e", "-d"}), 1);
  Node d = g.add("lib.a(d.o)", objects.make({"+d"}), 1);
  auto isD = [&](Node n) { return n == d; };

  std::optional<std::vector<MemberGraph::Step>> chain = g.findChain({a}, isD);
  ASSERT_TRUE(chain);
  EXPECT_EQ(g.describe(*chain),
            (std::vector<std::string>{
                "a.o references 'b', defined in lib.a(b.o)",
                "lib.a(b.o) references 'd', defined in lib.a(d.o)"}));

  // Without passing through b, the longer way; the target itself need not
  // be enterable.
  chain = g.findChain({a}, isD, [&](Node n) { return n != b && n != d; });
  ASSERT_TRUE(chain);
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[1].to, e);

  // Through neither b nor e: unreachable.
  EXPECT_FALSE(g.findChain({a}, isD, [&](Node n) { return n != b && n != e; }));
  // A source that is a target: the empty chain.
  chain = g.findChain({c, d}, isD);
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->empty());
}

TEST(MemberGraphTest, ReentryIsFoundPastTheAbiMemberButNotThroughTheShim) {
  Objects objects;
  // The ABI member calls a helper that calls aligned_alloc: AS004.
  MemberGraph bad;
  bad.add("a.a(abi.o)",
          objects.make({"+allocsel_alloc", "+allocsel_dealloc", "-grow"}), 0);
  bad.add("a.a(grow.o)", objects.make({"+grow", "-aligned_alloc"}), 0);
  bad.add("a.a(shim.o)",
          objects.make({"+malloc", "+aligned_alloc", "+free", "-allocsel_alloc",
                        "-memset"}),
          0);
  std::optional<Diagnostic> d = checkReentry("a", bad);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule, "AS004");
  EXPECT_EQ(d->message, "allocator 'a' re-enters allocation: its ABI "
                        "functions reach 'aligned_alloc', which the shim "
                        "turns back into the ABI");
  EXPECT_EQ(d->provenance,
            (std::vector<std::string>{
                "a.a(abi.o) defines allocsel_alloc, allocsel_dealloc",
                "a.a(abi.o) references 'grow', defined in a.a(grow.o)",
                "a.a(grow.o) references 'aligned_alloc'"}));

  // The ABI member references a helper the shim happens to define too; the
  // walk stops at the shim, whose members define entry points and
  // reference none: no finding.
  MemberGraph good;
  good.add("b.a(abi.o)", objects.make({"+allocsel_alloc", "-helper", "-mmap"}),
           0);
  good.add("b.a(shim.o)",
           objects.make({"+malloc", "+free", "+helper", "-allocsel_alloc"}), 0);
  EXPECT_FALSE(checkReentry("b", good));
}

TEST(MemberGraphTest, NeedsAllocatorNamesTheTaggedInput) {
  Objects objects;
  MemberGraph g;
  g.add("liballocsel-x.a(x.o)", objects.make({"+allocsel_alloc", "-vec_push"}),
        0);
  g.add("libvec.a(vec.o)", objects.make({"+vec_push", "-realloc"}), 1);
  std::vector<NeedsAllocatorTag> tags = {{1, "vec", "libvec.a(marker.o)"}};
  std::optional<Diagnostic> d = checkNeedsAllocator(
      "x", g, [](size_t input) { return input == 0; }, tags);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->message,
            "allocator 'x' depends on needs-allocator library 'vec'");
  EXPECT_EQ(d->provenance,
            (std::vector<std::string>{
                "liballocsel-x.a(x.o) references 'vec_push', defined in "
                "libvec.a(vec.o)",
                "libvec.a(marker.o): needs-allocator marker of 'vec'"}));
  // An allocator's own input is never its needs-allocator library.
  EXPECT_FALSE(checkNeedsAllocator(
      "x", g, [](size_t) { return true; }, tags));
}

} // namespace
