//===- MemberGraph.h - who depends on whom through symbol resolution ------===//
//
// The objects of a link (its files, the archive members it extracts, the
// shared objects it needs) or the members of an archive, each reference
// bound to the object whose definition the linker would take. Three rules
// ask the same question of it — is there a chain of references from these
// objects to those, and which:
//
// * AS003: from an allocator's members to an input tagged needs-allocator;
// * AS004: from the members implementing the allocsel ABI, through the
//   allocator's own members, to a reference to an entry point;
// * the `-static` clash: why libc.a(malloc.o) is in the link at all, which
//   is the chain of extractions Resolution records (extractionChain).
//
// Resolution follows the linkers: among regular objects, taken in link
// order, the first strong (or common) definition wins, a weak one only
// when no strong one exists; a shared object's definition only when no
// regular object defines the name. That is what every reference binds to
// once the linker has decided which members to take: the graph is built
// over a resolution, it does not make one.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_MEMBERGRAPH_H
#define ALLOCSEL_MEMBERGRAPH_H

#include "LinkModel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace allocsel {

class MemberGraph {
public:
  using Node = uint32_t;

  // One reference of a chain: `from` references `symbol`, which `to`
  // defines.
  struct Step {
    Node from;
    llvm::StringRef symbol;
    Node to;
  };

  // Adds `object`, named `name` (a path or `lib.a(m.o)`), which came from
  // the caller's input number `input`. Objects resolve in the order they
  // are added; a shared object's definitions rank below every regular one.
  // The object must outlive the graph.
  Node add(std::string name, const ObjectInfo &object, size_t input,
           bool shared = false);

  size_t size() const { return nodes.size(); }
  llvm::StringRef name(Node n) const { return nodes[n].name; }
  const ObjectInfo &object(Node n) const { return *nodes[n].object; }
  size_t input(Node n) const { return nodes[n].input; }

  // The node whose definition a reference to `symbol` binds to.
  std::optional<Node> definer(llvm::StringRef symbol) const;

  // The shortest chain of resolved references from a node of `from` to a
  // node `isTarget` accepts, passing only through nodes `mayEnter` accepts
  // (every node when null; a target is reached even where it may not be
  // entered). Empty when a node of `from` is a target itself; none when no
  // target is reachable. Ties go to the earlier node and symbol, so the
  // answer does not depend on hashing.
  std::optional<std::vector<Step>>
  findChain(llvm::ArrayRef<Node> from,
            llvm::function_ref<bool(Node)> isTarget,
            llvm::function_ref<bool(Node)> mayEnter = nullptr) const;

  // The `>>>` lines of a chain: `A references 'S', defined in B`.
  std::vector<std::string> describe(llvm::ArrayRef<Step> chain) const;

private:
  struct NodeInfo {
    std::string name;
    const ObjectInfo *object;
    size_t input;
  };
  // Where a name is defined, and how strongly: a strong regular definition
  // beats a weak one, which beats a shared object's.
  struct Definition {
    Node node;
    int rank;
  };

  void define(llvm::StringRef symbol, Node n, int rank);

  std::vector<NodeInfo> nodes;
  llvm::DenseMap<llvm::StringRef, Definition> definitions;
  // Shared objects read for a link list only their undefined symbols and
  // answer for their definitions by name (ExportTable): asked in order.
  std::vector<Node> sharedByName;
};

// The graph of what `model` links: the objects and extracted members of
// its resolution, in the order the linker takes them, then the shared
// objects it needs. A node's input is its index in `model.inputs`.
llvm::Expected<MemberGraph> linkGraph(const LinkModel &model);

// The graph of one file alone: every member of an archive in its order,
// or the object itself. Every node's input is 0.
llvm::Expected<MemberGraph> fileGraph(InputFile &file);

// The extractions that brought `member` into `model`'s link: its own, then
// that of the member that referenced it, and so on, up to a file or an
// option (`--undefined`, `--whole-archive`).
std::vector<const Extraction *> extractionChain(const LinkModel &model,
                                                const Extraction &member);

// The `>>>` line of one extraction: `lib.a(m.o), extracted for 'S'
// referenced by main.o`.
std::string describeExtraction(const LinkModel &model, const Extraction &e);

} // namespace allocsel

#endif
