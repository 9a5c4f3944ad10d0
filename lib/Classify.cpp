//===- Classify.cpp -------------------------------------------------------===//
#include "Classify.h"

#include "Diagnostics.h"

using namespace llvm;

namespace allocsel {

EntryPointUse entryPointUse(const ObjectInfo &object) {
  EntryPointUse use;
  auto add = [&](const Symbol &s) {
    if (std::optional<EntryPoint> e = findEntryPoint(s.name))
      (s.isDefined ? use.defined : use.referenced).insert(*e);
  };
  for (const Symbol &s : object.symbols)
    add(s);
  for (const Symbol &s : object.internalDefinitions)
    add(s);
  return use;
}

void AllocatorEvidence::addDefinition(StringRef symbol, StringRef source) {
  if (std::optional<EntryPoint> e = findEntryPoint(symbol)) {
    if (defined.empty()) {
      firstDefinition = symbol.str();
      firstDefinitionSource = source.str();
    }
    defined.insert(*e);
    return;
  }
  const Signature *s = findSignature(symbol);
  if (s && s->provider != Provider::System &&
      llvm::none_of(signatures, [&](const auto &p) {
        return p.first->name == s->name;
      }))
    signatures.push_back({s, source.str()});
  if (s && strongerSignature(signature, s) == s && s != signature) {
    signature = s;
    signatureSource = source.str();
  }
}

void AllocatorEvidence::addObject(const ObjectInfo &object, StringRef source) {
  for (const AllocatorMarker &m : object.notes.allocators) {
    AllocatorIdentity id;
    id.name = m.name;
    id.cls = m.cls;
    id.tagged = true;
    id.onAbi = m.onAbi;
    id.evidence = "marker";
    id.source = source.str();
    id.libs = m.libs;
    tagged.push_back(std::move(id));
  }
  auto addAll = [&](const std::vector<Symbol> &symbols) {
    for (const Symbol &s : symbols)
      if (s.isDefined)
        addDefinition(s.name, source);
  };
  // A marker's note is not visible in LLVM bitcode before code generation;
  // its anchor is. The class is unknown until then: overriding, the class
  // of every allocator that defines entry points.
  if (object.kind == InputKind::Bitcode)
    for (const Symbol &s : object.symbols)
      if (s.isDefined && s.name.startswith(ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX)) {
        AllocatorIdentity id;
        id.name = s.name.drop_front(strlen(ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX)).str();
        id.tagged = true;
        id.evidence = "anchor";
        id.source = source.str();
        tagged.push_back(std::move(id));
      }
  addAll(object.symbols);
  addAll(object.internalDefinitions);
}

void AllocatorEvidence::addExports(const ObjectInfo &object, StringRef source) {
  for (const Symbol &s : object.symbols)
    if (s.isDefined)
      addDefinition(s.name, source);
}

void AllocatorEvidence::addIndexSymbol(StringRef symbol, StringRef source) {
  addDefinition(symbol, source);
}

std::vector<AllocatorIdentity> AllocatorEvidence::identify() const {
  std::vector<AllocatorIdentity> ids;
  // An allocator's name comes from its marker, never from a guess, and one
  // input may carry several (an archive bundling two allocators).
  for (const AllocatorIdentity &t : tagged) {
    bool seen = llvm::any_of(
        ids, [&](const AllocatorIdentity &i) { return i.name == t.name; });
    if (!seen) {
      ids.push_back(t);
      ids.back().surface = defined;
    }
  }
  if (!ids.empty())
    return ids;
  if (!signature && defined.empty())
    return ids;
  // A signature without entry points (a library that merely calls
  // mallctl is no allocator) only names what defines them.
  if (signature && defined.empty() &&
      signature->provider != Provider::Sanitizer)
    return ids;
  AllocatorIdentity id;
  id.surface = defined;
  if (signature) {
    id.name = signature->name.str();
    id.provider = signature->provider;
    id.evidence = signature->symbol.str();
    id.source = signatureSource;
  } else {
    id.name = "unknown";
    id.provider = Provider::Untagged;
    id.evidence = firstDefinition;
    id.source = firstDefinitionSource;
  }
  id.cls = id.provider == Provider::System ? AllocatorClass::Deferring
                                           : AllocatorClass::Overriding;
  ids.push_back(std::move(id));
  return ids;
}

std::vector<AllocatorIdentity> AllocatorEvidence::identifyAll() const {
  std::vector<AllocatorIdentity> ids = identify();
  if (ids.empty() || !ids.front().tagged)
    ids.clear();
  bool anyTagged = !ids.empty();
  for (const auto &[sig, source] : signatures) {
    // A lambda may not capture a structured binding before C++20 (nor
    // in clang before 16): name the signature first.
    llvm::StringRef name = sig->name;
    if (llvm::any_of(ids,
                     [&](const AllocatorIdentity &i) { return i.name == name; }))
      continue;
    // Without a marker a signature names an allocator only beside entry
    // points, as in identify(); a sanitizer runtime always is one.
    if (defined.empty() && sig->provider != Provider::Sanitizer)
      continue;
    AllocatorIdentity id;
    id.name = sig->name.str();
    id.provider = sig->provider;
    id.evidence = sig->symbol.str();
    id.source = source;
    id.surface = defined;
    ids.push_back(std::move(id));
  }
  if (!anyTagged && ids.empty())
    return identify();
  // ASan's runtime carries LSan's: one sanitizer, named by the stronger.
  bool otherSanitizer = llvm::any_of(ids, [](const AllocatorIdentity &i) {
    return i.provider == Provider::Sanitizer && i.name != "lsan";
  });
  if (otherSanitizer)
    llvm::erase_if(ids, [](const AllocatorIdentity &i) {
      return i.provider == Provider::Sanitizer && i.name == "lsan";
    });
  return ids;
}

Expected<std::vector<AllocatorIdentity>> identifyFile(InputFile &file) {
  AllocatorEvidence evidence;
  if (file.object) {
    evidence.addObject(*file.object, file.path);
    return evidence.identify();
  }
  if (!file.archive)
    return std::vector<AllocatorIdentity>();
  // The index names every defined symbol and the member defining it: enough
  // for signatures and surface. Only a marker needs its member's notes.
  StringRef anchor = ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX;
  for (const ArchiveFile::IndexEntry &entry : file.archive->index()) {
    bool isAnchor = entry.symbol.startswith(anchor);
    if (!isAnchor && !findEntryPoint(entry.symbol) &&
        !findSignature(entry.symbol))
      continue;
    Expected<const ArchiveFile::Member &> member =
        file.archive->member(entry.member);
    if (!member)
      return withFile(file.path, member.takeError());
    std::string source = memberName(file.path, member->name);
    if (isAnchor) {
      Expected<const ObjectInfo &> object = file.archive->object(entry.member);
      if (!object)
        return withFile(file.path, object.takeError());
      evidence.addObject(*object, source);
      continue;
    }
    evidence.addIndexSymbol(entry.symbol, source);
  }
  return evidence.identify();
}

} // namespace allocsel
