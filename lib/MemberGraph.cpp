//===- MemberGraph.cpp ----------------------------------------------------===//
#include "MemberGraph.h"

#include "Diagnostics.h"
#include "ExportTable.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

using namespace llvm;

namespace allocsel {

namespace {
enum Rank { SharedDefinition, WeakDefinition, StrongDefinition };
} // namespace

void MemberGraph::define(StringRef symbol, Node n, int rank) {
  auto [it, inserted] = definitions.try_emplace(symbol, Definition{n, rank});
  if (!inserted && rank > it->second.rank)
    it->second = {n, rank};
}

MemberGraph::Node MemberGraph::add(std::string name, const ObjectInfo &object,
                                   size_t input, bool shared) {
  Node n = nodes.size();
  nodes.push_back({std::move(name), &object, input});
  if (shared && object.exports) {
    sharedByName.push_back(n);
    return n;
  }
  for (const Symbol &s : object.symbols) {
    if (!s.isDefined || (shared && !s.isDefaultVersion))
      continue;
    define(s.name, n,
           shared     ? SharedDefinition
           : s.isWeak ? WeakDefinition
                      : StrongDefinition);
  }
  return n;
}

std::optional<MemberGraph::Node> MemberGraph::definer(StringRef symbol) const {
  std::optional<Node> first;
  auto it = definitions.find(symbol);
  if (it != definitions.end()) {
    if (it->second.rank != SharedDefinition)
      return it->second.node;
    first = it->second.node;
  }
  // The shared objects asked by name, in the order they were added, up to
  // the first one that lists the name among its definitions.
  for (Node n : sharedByName) {
    if (first && *first < n)
      break;
    if (nodes[n].object->exports->find(symbol))
      return n;
  }
  return first;
}

std::optional<std::vector<MemberGraph::Step>>
MemberGraph::findChain(ArrayRef<Node> from, function_ref<bool(Node)> isTarget,
                       function_ref<bool(Node)> mayEnter) const {
  // Breadth first from every source at once; `via` records the step that
  // first reached each node.
  std::vector<std::optional<Step>> via(nodes.size());
  std::vector<bool> seen(nodes.size());
  std::vector<Node> queue;
  for (Node n : from) {
    if (isTarget(n))
      return std::vector<Step>();
    if (!seen[n]) {
      seen[n] = true;
      queue.push_back(n);
    }
  }
  for (size_t next = 0; next < queue.size(); ++next) {
    Node n = queue[next];
    for (const Symbol &s : nodes[n].object->symbols) {
      if (s.isDefined)
        continue;
      std::optional<Node> to = definer(s.name);
      if (!to || *to == n || seen[*to])
        continue;
      seen[*to] = true;
      via[*to] = Step{n, s.name, *to};
      if (isTarget(*to)) {
        std::vector<Step> chain;
        for (Node at = *to; via[at]; at = via[at]->from)
          chain.insert(chain.begin(), *via[at]);
        return chain;
      }
      if (!mayEnter || mayEnter(*to))
        queue.push_back(*to);
    }
  }
  return std::nullopt;
}

std::vector<std::string> MemberGraph::describe(ArrayRef<Step> chain) const {
  std::vector<std::string> lines;
  for (const Step &s : chain)
    lines.push_back((name(s.from) + " references '" + s.symbol +
                     "', defined in " + name(s.to))
                        .str());
  return lines;
}

Expected<MemberGraph> linkGraph(const LinkModel &model) {
  // Resolution names its objects; the input each came from is found by
  // the object itself, which the files and archives own.
  DenseMap<const ObjectInfo *, size_t> inputOf;
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (const std::optional<ObjectInfo> &object = model.inputs[i].file->object)
      inputOf.try_emplace(&*object, i);
  for (const Extraction &e : model.resolution.extracted) {
    const LinkedInput &in = model.inputs[e.input];
    Expected<const ObjectInfo &> object = in.file->archive->object(e.member);
    if (!object)
      return withFile(in.path, object.takeError());
    inputOf.try_emplace(&*object, e.input);
  }
  MemberGraph graph;
  for (const LinkedObject &o : model.resolution.objects)
    graph.add(o.name, *o.object, inputOf.lookup(o.object));
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (model.resolution.neededShared[i] && model.inputs[i].file->object)
      graph.add(model.inputs[i].path, *model.inputs[i].file->object, i,
                /*shared=*/true);
  return graph;
}

Expected<MemberGraph> fileGraph(InputFile &file) {
  MemberGraph graph;
  if (file.object) {
    graph.add(file.path, *file.object, 0,
              file.kind == InputKind::SharedObject);
    return graph;
  }
  if (!file.archive)
    return graph;
  Expected<std::vector<uint64_t>> members = file.archive->members();
  if (!members)
    return withFile(file.path, members.takeError());
  for (uint64_t m : *members) {
    Expected<const ArchiveFile::Member &> member = file.archive->member(m);
    if (!member)
      return withFile(file.path, member.takeError());
    std::string name = memberName(file.path, member->name);
    Expected<const ObjectInfo &> object = file.archive->object(m);
    if (!object)
      return withFile(name, object.takeError());
    graph.add(std::move(name), *object, 0);
  }
  return graph;
}

std::vector<const Extraction *> extractionChain(const LinkModel &model,
                                                const Extraction &member) {
  // Each extraction names who referenced the symbol; that name is a file,
  // an option, or a member extracted earlier.
  StringMap<const Extraction *> byName;
  for (const Extraction &e : model.resolution.extracted)
    byName.try_emplace(memberName(model.inputs[e.input].path, e.memberName),
                       &e);
  std::vector<const Extraction *> chain;
  DenseSet<const Extraction *> seen;
  for (const Extraction *e = &member; e && seen.insert(e).second;
       e = byName.lookup(e->referencedFrom))
    chain.push_back(e);
  return chain;
}

std::string describeExtraction(const LinkModel &model, const Extraction &e) {
  std::string member = memberName(model.inputs[e.input].path, e.memberName);
  if (e.whole)
    return member + ", linked by --whole-archive";
  return member + ", extracted for '" + e.symbol.str() + "' referenced by " +
         e.referencedFrom;
}

} // namespace allocsel
