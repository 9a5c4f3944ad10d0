//===- Rewrite.cpp --------------------------------------------------------===//
#include "Rewrite.h"

#include "llvm/Support/Path.h"

using namespace llvm;

namespace allocsel {

// Where the stamp and the archive go: before the first input that is a
// library (an -l, an archive, a shared object, a script), so before glibc's
// and the C++ runtime's shared definitions; at the end if there is none.
static size_t insertionPoint(const LinkModel &model) {
  const LinkCommand &cmd = model.command;
  for (const LinkInput &in : cmd.inputs) {
    if (in.kind != LinkInput::Kind::File)
      return in.argIndex;
    auto it = model.files.find(in.name);
    if (it != model.files.end() && it->second->kind != InputKind::Relocatable &&
        it->second->kind != InputKind::Bitcode &&
        it->second->kind != InputKind::GccLto)
      return in.argIndex;
  }
  return cmd.args.size();
}

// Whether the output gets a dynamic symbol table: some shared object is
// linked, or it is a PIE or a shared library.
static bool isDynamic(const LinkModel &model) {
  if (model.command.shared || model.command.pie)
    return true;
  for (size_t i = 0; i < model.inputs.size(); ++i)
    if (model.resolution.neededShared[i])
      return true;
  return false;
}

std::vector<std::string> rewriteLinkArgs(const LinkModel &model,
                                         const Decision &decision,
                                         StringRef stampPath) {
  const std::vector<std::string> &args = model.command.args;
  std::vector<std::string> inserted;
  std::vector<std::string> appended;
  // The inserted block must not inherit --whole-archive or -Bstatic state
  // from where it lands, nor leave any behind.
  inserted.push_back("--push-state");
  inserted.push_back("--no-whole-archive");
  if (!stampPath.empty())
    inserted.push_back(stampPath.str());

  if (const std::optional<Selection> &s = decision.selected) {
    if (s->added)
      inserted.push_back(s->added->archive);
    bool tagged = s->added || any_of(model.allocators, [&](const auto &a) {
                    return a.identity.tagged && a.identity.name == s->name;
                  });
    if (tagged)
      inserted.push_back("--undefined=" ALLOCSEL_ALLOCATOR_ANCHOR_PREFIX +
                         s->name);
    const EntryPointSet &forced = s->forced;
    if (s->cls == AllocatorClass::Overriding)
      forced.forEach([&](EntryPoint e) {
        inserted.push_back(("--undefined=" + entryPointSymbol(e)).str());
      });
    if (s->added) {
      // A shared-object backed allocator's library must stay in DT_NEEDED.
      if (s->cls == AllocatorClass::SharedObject)
        inserted.push_back("--no-as-needed");
      for (const std::string &lib : s->libs)
        inserted.push_back("-l" + lib);
    }
    if (decision.privateBinding && s->added)
      appended.push_back(
          ("--exclude-libs=" + sys::path::filename(s->added->archive)).str());
    if (decision.kind == ArtifactKind::Executable &&
        s->cls == AllocatorClass::Overriding && isDynamic(model))
      forced.forEach([&](EntryPoint e) {
        appended.push_back(
            ("--export-dynamic-symbol=" + entryPointSymbol(e)).str());
      });
  }
  inserted.push_back("--pop-state");

  size_t at = insertionPoint(model);
  std::vector<std::string> out(args.begin(), args.begin() + at);
  out.insert(out.end(), inserted.begin(), inserted.end());
  out.insert(out.end(), args.begin() + at, args.end());
  out.insert(out.end(), appended.begin(), appended.end());
  return out;
}

} // namespace allocsel
