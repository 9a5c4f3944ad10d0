//===- Resolution.cpp -----------------------------------------------------===//
//
// One symbol table for both semantics. GNU ld's never holds lazy symbols:
// it asks "is this undefined now?" when it reaches an archive. lld's and
// mold's hold them, and a reference meeting one extracts its member at once
// (recursively, as lld's Symbol::resolve does, so `referencedFrom` is the
// file the linker itself would name). Names are StringRefs into the mapped
// inputs; nothing is copied but the names of the objects that reference.
//
// A lazy symbol no object names stays out of that table, in a table of its
// own of twelve bytes a name (LazyTable): a link against LLVM's archives
// has 140,000 of them and uses a few thousand, and a page of memory touched
// costs as much as hashing a few hundred names.
//
// The definitions of shared objects do not enter the table: a shared
// object is asked by name (ExportTable.h) for each symbol still undefined
// when it is read, and for each name first referenced or about to extract
// a lazy member after. The table then holds what the linkers' would for
// every name that matters, without the thousands of names no input uses.
//
//===----------------------------------------------------------------------===//
#include "Resolution.h"

#include "Diagnostics.h"
#include "ExportTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace llvm;

namespace allocsel {

namespace {

enum class State : uint8_t { Undefined, Defined, Common, Shared, Lazy };

// Referrers that are not files: `-u` and the entry point.
enum : uint32_t { RefUndefinedOption = 0, RefEntry = 1, FirstFileRef = 2 };

// Symbol names are hashed a few eight-byte words at a time: the lld and
// mold flavours put every archive symbol into the table (140,000 for LLVM's
// archives, C++ names of 87 bytes on average), and llvm::hash_value was a
// sixth of modelling that link (bench/large-link.sh). A long name is hashed
// by its length and its first, middle and last 16 bytes, where mangled
// names that share a prefix and a suffix still differ; names that hash
// alike are told apart by isEqual.
struct NameInfo {
  static StringRef getEmptyKey() { return DenseMapInfo<StringRef>::getEmptyKey(); }
  static StringRef getTombstoneKey() {
    return DenseMapInfo<StringRef>::getTombstoneKey();
  }
  static uint64_t mix(uint64_t h, const char *p) {
    uint64_t word;
    memcpy(&word, p, 8);
    h = (h ^ word) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
  }
  static unsigned getHashValue(StringRef name) {
    const char *p = name.data();
    size_t n = name.size();
    uint64_t h = n * 0x9e3779b97f4a7c15ULL;
    if (n > 48) {
      const char *mid = p + n / 2 - 8;
      for (const char *q : {p, p + 8, mid, mid + 8, p + n - 16, p + n - 8})
        h = mix(h, q);
    } else {
      for (; n >= 8; p += 8, n -= 8)
        h = mix(h, p);
      if (n) {
        uint64_t word = 0;
        memcpy(&word, p, n);
        h = (h ^ word) * 0xff51afd7ed558ccdULL;
      }
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return unsigned(h ^ (h >> 32));
  }
  static bool isEqual(StringRef a, StringRef b) {
    return DenseMapInfo<StringRef>::isEqual(a, b);
  }

  // A name hashed once for two tables (DenseMap::find_as).
  struct Hashed {
    StringRef name;
    unsigned hash;
  };
  static unsigned getHashValue(Hashed h) { return h.hash; }
  static bool isEqual(Hashed a, StringRef b) { return isEqual(a.name, b); }
};

// The archive symbols of lld's and mold's table that no object has named
// yet: the first archive to define a name holds it. An entry is the name's
// hash and its place in an archive's index; names are compared in the
// index itself.
class LazyTable {
public:
  struct Definition {
    uint32_t input; // in the link's inputs
    uint32_t entry; // in that archive's index
  };

  LazyTable(ArrayRef<LinkedInput> inputs) : inputs(inputs) {}

  void reserve(size_t names) {
    // Linear probing, at most 3/4 full.
    slots.assign(llvm::PowerOf2Ceil(names + names / 3 + 1), Slot());
  }

  // Adds `def` for `name` unless an earlier archive defines it.
  void insert(StringRef name, uint32_t hash, Definition def) {
    Slot &slot = slots[probe(name, hash)];
    if (slot.empty())
      slot = {hash, def.input + 1, def.entry};
  }

  // Brings the slot a name of hash `hash` probes first into the cache.
  void prefetch(uint32_t hash) const {
    __builtin_prefetch(&slots[hash & (slots.size() - 1)]);
  }

  std::optional<Definition> find(StringRef name, uint32_t hash) const {
    if (slots.empty())
      return std::nullopt;
    const Slot &slot = slots[probe(name, hash)];
    if (slot.empty())
      return std::nullopt;
    return slot.definition();
  }

private:
  // All zero bits: empty.
  struct Slot {
    uint32_t hash;
    uint32_t inputPlusOne;
    uint32_t entry;
    bool empty() const { return inputPlusOne == 0; }
    Definition definition() const { return {inputPlusOne - 1, entry}; }
  };

  // The slot holding `name`, or the empty one where it would go.
  size_t probe(StringRef name, uint32_t hash) const {
    size_t mask = slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot &slot = slots[i];
      if (slot.empty() ||
          (slot.hash == hash && nameOf(slot.definition()) == name))
        return i;
    }
  }

  StringRef nameOf(Definition def) const {
    return inputs[def.input].file->archive->indexEntry(def.entry).symbol;
  }

  ArrayRef<LinkedInput> inputs;
  std::vector<Slot> slots;
};

struct Sym {
  State state = State::Undefined;
  bool weakRef = true;   // every reference so far was weak
  uint32_t referrer = 0; // the first to reference it (see FirstFileRef)
  uint32_t input = 0;    // Lazy and Shared: the input defining it
  uint64_t member = 0;   // Lazy: the member defining it
};

class Resolver {
public:
  Resolver(const LinkCommand &cmd, ArrayRef<LinkedInput> inputs,
           Resolution &out)
      : cmd(cmd), inputs(inputs), out(out), flavour(cmd.flavour),
        lazyTable(inputs) {
    out.neededShared.assign(inputs.size(), false);
    referrerNames = {"--undefined", "--entry"};
  }

  Error run();

private:
  bool isGnu() const {
    return flavour == Flavour::Bfd || flavour == Flavour::Gold;
  }
  uint32_t lookup(StringRef name, bool &inserted);
  uint32_t find(StringRef name);
  void makeLazy(Sym &s, LazyTable::Definition def);

  Error addInput(size_t i);
  Error addObject(const ObjectInfo &object, std::string name);
  Error addShared(size_t i, const ObjectInfo &object);
  Error addLazyArchive(size_t i);
  Error addWholeArchive(size_t i);
  Expected<bool> scanArchive(size_t i);
  Error finish();

  void define(StringRef name);
  Error defineCommon(StringRef name, uint32_t referrer);
  std::optional<size_t> sharedDefiner(StringRef name, size_t before) const;
  void bindShared(uint32_t idx, size_t i);
  Error reference(StringRef name, bool weak, uint32_t referrer);
  Error fetchLazy(uint32_t idx, StringRef name, uint32_t referrer);
  Error addLazy(size_t i, uint32_t entry, ArchiveFile::IndexEntry read,
                unsigned hash);
  Error extract(size_t i, uint64_t member, StringRef symbol,
                uint32_t referrer);
  Expected<bool> definesForReal(size_t i, uint64_t member, StringRef name);

  const LinkCommand &cmd;
  ArrayRef<LinkedInput> inputs;
  Resolution &out;
  Flavour flavour;

  DenseMap<StringRef, uint32_t, NameInfo> symIndex;
  std::vector<Sym> syms;
  LazyTable lazyTable;
  // The shared objects read so far, in command-line order, and the symbols
  // that were undefined when last looked at (some have been defined since).
  std::vector<size_t> sharedInputs;
  std::vector<std::pair<uint32_t, StringRef>> undefinedSyms;
  std::vector<std::string> referrerNames;
  DenseSet<std::pair<const InputFile *, uint64_t>> extractedMembers;
};

// A name new to the table that an archive defines enters it lazy, as it
// would have been there all along: `inserted` is false then.
uint32_t Resolver::lookup(StringRef name, bool &inserted) {
  auto [it, isNew] = symIndex.try_emplace(name, syms.size());
  inserted = isNew;
  if (!isNew)
    return it->second;
  Sym &s = syms.emplace_back();
  if (std::optional<LazyTable::Definition> def =
          lazyTable.find(name, NameInfo::getHashValue(name))) {
    makeLazy(s, *def);
    inserted = false;
  }
  return it->second;
}

// A name no object has named is in the table only if an archive defines
// it (lld and mold): then it enters it, lazy.
uint32_t Resolver::find(StringRef name) {
  auto it = symIndex.find(name);
  if (it != symIndex.end())
    return it->second;
  std::optional<LazyTable::Definition> def =
      lazyTable.find(name, NameInfo::getHashValue(name));
  if (!def)
    return UINT32_MAX;
  uint32_t idx = syms.size();
  symIndex[name] = idx;
  makeLazy(syms.emplace_back(), *def);
  return idx;
}

void Resolver::makeLazy(Sym &s, LazyTable::Definition def) {
  s.state = State::Lazy;
  s.input = def.input;
  s.member = inputs[def.input].file->archive->indexEntry(def.entry).member;
}

// A real definition beats an undefined, lazy, common or shared symbol and
// loses to an earlier real one (which is a "multiple definition", not this
// model's business).
void Resolver::define(StringRef name) {
  bool inserted;
  syms[lookup(name, inserted)].state = State::Defined;
}

// A common symbol is a definition to every linker's resolution; only what
// it does to a lazy symbol differs (see Resolution.h).
Error Resolver::defineCommon(StringRef name, uint32_t referrer) {
  bool inserted;
  uint32_t idx = lookup(name, inserted);
  Sym &s = syms[idx];
  if (!inserted && s.state == State::Lazy && flavour == Flavour::Mold)
    return extract(s.input, s.member, name, referrer);
  if (inserted || s.state != State::Defined)
    syms[idx].state = State::Common;
  return Error::success();
}

static bool exports(const ObjectInfo &object, StringRef name) {
  return object.exports && object.exports->find(name);
}

// The first shared object read so far, and before input `before`, that
// defines `name`.
std::optional<size_t> Resolver::sharedDefiner(StringRef name,
                                              size_t before) const {
  for (size_t i : sharedInputs) {
    if (i >= before)
      break;
    if (exports(*inputs[i].file->object, name))
      return i;
  }
  return std::nullopt;
}

// A shared definition satisfies a reference; a strong one makes the
// library needed.
void Resolver::bindShared(uint32_t idx, size_t i) {
  Sym &s = syms[idx];
  s.state = State::Shared;
  s.input = i;
  if (!s.weakRef)
    out.neededShared[i] = true;
}

Error Resolver::reference(StringRef name, bool weak, uint32_t referrer) {
  bool inserted;
  uint32_t idx = lookup(name, inserted);
  Sym &s = syms[idx];
  if (inserted) {
    s.weakRef = weak;
    s.referrer = referrer;
    if (std::optional<size_t> i = sharedDefiner(name, inputs.size()))
      bindShared(idx, *i);
    else
      undefinedSyms.push_back({idx, name});
    return Error::success();
  }
  // bfd names the first file that references the symbol, even after -u.
  if (isGnu() && s.referrer < FirstFileRef && referrer >= FirstFileRef)
    s.referrer = referrer;
  if (weak)
    return Error::success();
  s.weakRef = false;
  switch (s.state) {
  case State::Lazy:
    // lld: "An undefined weak will not fetch archive members", but a
    // strong one fetches at once (Symbol::resolveUndefined).
    return fetchLazy(idx, name, referrer);
  case State::Shared:
    out.neededShared[s.input] = true;
    break;
  default:
    break;
  }
  return Error::success();
}

// A lazy symbol about to be fetched is a shared one instead if a shared
// object read so far defines it: in lld a shared definition replaces a lazy
// one whichever came first (SymbolTable::resolveShared); in mold the
// earlier of the two wins.
Error Resolver::fetchLazy(uint32_t idx, StringRef name, uint32_t referrer) {
  Sym &s = syms[idx];
  size_t before = flavour == Flavour::Mold ? s.input : inputs.size();
  if (std::optional<size_t> i = sharedDefiner(name, before)) {
    s.weakRef = false;
    bindShared(idx, *i);
    return Error::success();
  }
  return extract(s.input, s.member, name, referrer);
}

// lld and mold: an archive symbol becomes lazy unless the name is taken;
// a strong undefined symbol extracts its member right away.
// `read` is index entry `entry` of input i, `hash` its name's.
Error Resolver::addLazy(size_t i, uint32_t entry, ArchiveFile::IndexEntry read,
                        unsigned hash) {
  auto [name, member] = read;
  auto it = symIndex.find_as(NameInfo::Hashed{name, hash});
  if (it == symIndex.end()) {
    lazyTable.insert(name, hash, {uint32_t(i), entry});
    return Error::success();
  }
  uint32_t idx = it->second;
  Sym &s = syms[idx];
  if (s.state == State::Common && flavour == Flavour::Mold)
    return extract(i, member, name, s.referrer);
  if (s.state != State::Undefined)
    return Error::success();
  if (!s.weakRef)
    return extract(i, member, name, s.referrer);
  s.state = State::Lazy;
  s.input = i;
  s.member = member;
  return Error::success();
}

Error Resolver::extract(size_t i, uint64_t member, StringRef symbol,
                        uint32_t referrer) {
  InputFile &file = *inputs[i].file;
  if (!extractedMembers.insert({&file, member}).second)
    return Error::success();
  Expected<const ArchiveFile::Member &> m = file.archive->member(member);
  if (!m)
    return withFile(inputs[i].path, m.takeError());
  Expected<const ObjectInfo &> object = file.archive->object(member);
  if (!object)
    return withFile(inputs[i].path, object.takeError());
  Extraction e;
  e.input = i;
  e.member = member;
  e.memberName = m->name;
  e.symbol = symbol;
  e.referencedFrom = referrerNames[referrer];
  out.extracted.push_back(std::move(e));
  return addObject(*object, memberName(inputs[i].path, m->name));
}

Error Resolver::addObject(const ObjectInfo &object, std::string name) {
  uint32_t self = referrerNames.size();
  referrerNames.push_back(name);
  out.objects.push_back({&object, std::move(name)});
  for (const Symbol &sym : object.symbols) {
    if (sym.isCommon) {
      if (Error e = defineCommon(sym.name, self))
        return e;
    } else if (sym.isDefined) {
      define(sym.name);
    } else if (Error e = reference(sym.name, sym.isWeak, self)) {
      return e;
    }
  }
  return Error::success();
}

// GNU ld links an --as-needed library only if it defines a symbol a
// regular object references non-weakly at that point (elflink.c,
// ref_regular_nonweak); otherwise its symbols are taken back out. lld and
// mold keep its symbols either way and decide DT_NEEDED at the end.
Error Resolver::addShared(size_t i, const ObjectInfo &object) {
  // The symbols undefined so far, with those defined since dropped.
  llvm::erase_if(undefinedSyms, [&](const auto &u) {
    return syms[u.first].state != State::Undefined;
  });
  if (!inputs[i].asNeeded) {
    out.neededShared[i] = true;
  } else if (isGnu()) {
    out.neededShared[i] = llvm::any_of(undefinedSyms, [&](const auto &u) {
      return !syms[u.first].weakRef && exports(object, u.second);
    });
    if (!out.neededShared[i])
      return Error::success();
  }
  sharedInputs.push_back(i);
  llvm::erase_if(undefinedSyms, [&](const auto &u) {
    if (!exports(object, u.second))
      return false;
    bindShared(u.first, i);
    return true;
  });
  uint32_t self = referrerNames.size();
  referrerNames.push_back(inputs[i].path);
  for (const Symbol &sym : object.symbols)
    if (!sym.isDefined)
      if (Error e = reference(sym.name, sym.isWeak, self))
        return e;
  return Error::success();
}

// The names of an index land in the lazy table at random: each entry is
// read and hashed a few entries ahead, and its slot fetched into the cache
// while the entries before it are added, rather than waited for.
Error Resolver::addLazyArchive(size_t i) {
  const ArchiveFile &archive = *inputs[i].file->archive;
  size_t entries = archive.indexSize();
  constexpr size_t Ahead = 8; // a power of two
  struct Read {
    ArchiveFile::IndexEntry entry;
    unsigned hash;
  } ahead[Ahead];
  // Entry `next - Ahead` is added, then entry `next` read into its place.
  for (size_t next = 0; next < entries + Ahead; ++next) {
    Read &r = ahead[next % Ahead];
    if (next >= Ahead)
      if (Error e = addLazy(i, next - Ahead, r.entry, r.hash))
        return e;
    if (next < entries) {
      r.entry = archive.indexEntry(next);
      r.hash = NameInfo::getHashValue(r.entry.symbol);
      lazyTable.prefetch(r.hash);
    }
  }
  return Error::success();
}

// --whole-archive: every member, in order, whether wanted or not.
Error Resolver::addWholeArchive(size_t i) {
  ArchiveFile &archive = *inputs[i].file->archive;
  Expected<std::vector<uint64_t>> members = archive.members();
  if (!members)
    return withFile(inputs[i].path, members.takeError());
  for (uint64_t member : *members) {
    size_t before = out.extracted.size();
    if (Error e = extract(i, member, "", RefUndefinedOption))
      return e;
    if (out.extracted.size() > before) {
      out.extracted[before].whole = true;
      out.extracted[before].referencedFrom = "--whole-archive";
    }
  }
  return Error::success();
}

// bfd, for a symbol that is only common so far: extract a member only if
// it defines the symbol for real, not as one more common.
Expected<bool> Resolver::definesForReal(size_t i, uint64_t member,
                                        StringRef name) {
  Expected<const ObjectInfo &> object = inputs[i].file->archive->object(member);
  if (!object)
    return withFile(inputs[i].path, object.takeError());
  for (const Symbol &sym : object->symbols)
    if (sym.name == name)
      return sym.isDefined && !sym.isCommon;
  return false;
}

// GNU ld's archive search (elflink.c, elf_link_add_archive_symbols): walk
// the index, take every member defining a symbol undefined right now, and
// walk again until a pass takes nothing. Weak undefined symbols do not
// count. Returns whether any member was taken.
Expected<bool> Resolver::scanArchive(size_t i) {
  InputFile &file = *inputs[i].file;
  bool any = false;
  for (bool changed = true; changed;) {
    changed = false;
    for (const ArchiveFile::IndexEntry &entry : file.archive->index()) {
      if (extractedMembers.count({&file, entry.member}))
        continue;
      uint32_t idx = find(entry.symbol);
      if (idx == UINT32_MAX)
        continue;
      Sym s = syms[idx];
      bool wanted = s.state == State::Undefined && !s.weakRef;
      if (s.state == State::Common && flavour == Flavour::Bfd) {
        Expected<bool> real = definesForReal(i, entry.member, entry.symbol);
        if (!real)
          return real.takeError();
        wanted = *real;
      }
      if (!wanted)
        continue;
      if (Error e = extract(i, entry.member, entry.symbol, s.referrer))
        return e;
      changed = any = true;
    }
  }
  return any;
}

Error Resolver::addInput(size_t i) {
  InputFile &file = *inputs[i].file;
  switch (file.kind) {
  case InputKind::Relocatable:
  case InputKind::Bitcode:
  case InputKind::GccLto:
    return addObject(*file.object, inputs[i].path);
  case InputKind::SharedObject:
  case InputKind::Executable:
    return addShared(i, *file.object);
  case InputKind::Archive:
    if (inputs[i].wholeArchive)
      return addWholeArchive(i);
    if (isGnu())
      return scanArchive(i).takeError();
    return addLazyArchive(i);
  case InputKind::LinkerScript:
    return Error::success(); // expanded before resolution
  }
  return Error::success();
}

// What lld does after reading every file (LinkerDriver::link): extract the
// members still lazy for -u and for the entry symbol.
Error Resolver::finish() {
  if (flavour == Flavour::Lld) {
    for (const std::string &name : cmd.undefined) {
      uint32_t idx = find(name);
      if (idx != UINT32_MAX && syms[idx].state == State::Lazy)
        if (Error e = fetchLazy(idx, name, RefUndefinedOption))
          return e;
    }
    StringRef entry = cmd.entry;
    if (entry.empty() &&
        cmd.outputKind() == LinkCommand::OutputKind::Executable)
      entry = "_start";
    uint32_t idx = find(entry);
    if (idx != UINT32_MAX && syms[idx].state == State::Lazy)
      if (Error e = fetchLazy(idx, entry, RefEntry))
        return e;
  }
  for (const auto &[name, idx] : symIndex)
    if (syms[idx].state == State::Undefined && !syms[idx].weakRef)
      out.undefined.push_back(name.str());
  llvm::sort(out.undefined);
  return Error::success();
}

Error Resolver::run() {
  // The table holds every symbol of the objects named on the command line
  // (and grows with the members extracted); for lld and mold, the lazy
  // table every name of the archive indexes: each sized once.
  size_t named = 0, lazy = 0;
  for (const LinkedInput &in : inputs) {
    if (in.file->object)
      named += in.file->object->symbols.size();
    else if (in.file->archive && !isGnu())
      lazy += in.file->archive->indexSize();
  }
  symIndex.reserve(named);
  syms.reserve(named);
  if (lazy)
    lazyTable.reserve(lazy);

  // -u, --require-defined and (GNU ld, mold) -e are undefined before any
  // file is read.
  for (const std::string &name : cmd.undefined)
    if (Error e = reference(name, /*weak=*/false, RefUndefinedOption))
      return e;
  if (!cmd.entry.empty() && flavour != Flavour::Lld)
    if (Error e = reference(cmd.entry, /*weak=*/false, RefEntry))
      return e;

  for (size_t i = 0; i < inputs.size();) {
    size_t end = i + 1;
    if (inputs[i].group)
      while (end < inputs.size() && inputs[end].group == inputs[i].group)
        ++end;
    for (size_t k = i; k < end; ++k)
      if (Error e = addInput(k))
        return e;
    // A group is searched again as a whole until it gives nothing more
    // (ldlang.c, lang_process's open_input_bfds over the group).
    bool again = isGnu() && inputs[i].group;
    while (again) {
      again = false;
      for (size_t k = i; k < end; ++k) {
        if (inputs[k].file->kind != InputKind::Archive ||
            inputs[k].wholeArchive)
          continue;
        Expected<bool> took = scanArchive(k);
        if (!took)
          return took.takeError();
        again |= *took;
      }
    }
    i = end;
  }
  return finish();
}

} // namespace

Expected<Resolution> resolveLink(const LinkCommand &cmd,
                                 ArrayRef<LinkedInput> inputs) {
  Resolution out;
  Resolver resolver(cmd, inputs, out);
  if (Error e = resolver.run())
    return e;
  return out;
}

} // namespace allocsel
