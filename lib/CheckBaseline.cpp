//===- CheckBaseline.cpp - findings an old tree has accepted --------------===//
//
// A baseline lets a tree adopt `check` before it is clean: the findings in
// it no longer fail the check, new ones do. Two formats, told apart by the
// first non-blank character:
//  - `{`: the JSON of an earlier `allocsel check --format=json`; every
//    diagnostic of every artifact is accepted;
//  - otherwise lines `RULE PATH` (`AS005 build/libplugin.so`), `#` comments.
// A finding matches on its rule id and the artifact's path exactly as check
// prints it, so the baseline must come from a run over the same arguments.
//
//===----------------------------------------------------------------------===//
#include "Check.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace allocsel {

static Error fromJson(StringRef path, StringRef text,
                      std::vector<std::pair<std::string, std::string>> &out) {
  Expected<json::Value> v = json::parse(text);
  if (!v)
    return fileError(path, "not valid JSON: " + toString(v.takeError()));
  const json::Object *root = v->getAsObject();
  const json::Array *artifacts = root ? root->getArray("artifacts") : nullptr;
  if (!artifacts)
    return fileError(path, "no 'artifacts' array: not the JSON of "
                           "'allocsel check --format=json'");
  for (const json::Value &a : *artifacts) {
    const json::Object *art = a.getAsObject();
    if (!art)
      continue;
    Optional<StringRef> p = art->getString("path");
    const json::Array *diags = art->getArray("diagnostics");
    if (!p || !diags)
      continue;
    for (const json::Value &d : *diags)
      if (const json::Object *o = d.getAsObject())
        if (Optional<StringRef> rule = o->getString("rule"))
          out.emplace_back(rule->str(), p->str());
  }
  return Error::success();
}

static Error fromLines(StringRef path, StringRef text,
                       std::vector<std::pair<std::string, std::string>> &out) {
  SmallVector<StringRef, 64> lines;
  text.split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i].trim();
    if (line.empty() || line.startswith("#"))
      continue;
    auto [rule, file] = line.split(' ');
    file = file.trim();
    if (!rule.startswith("AS") || file.empty())
      return fileError(path, "line " + Twine(i + 1) +
                                 ": expected 'RULE PATH', e.g. 'AS005 "
                                 "lib/libplugin.so'");
    out.emplace_back(rule.str(), file.str());
  }
  return Error::success();
}

Expected<Baseline> Baseline::load(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
      MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return fileError(path, buf.getError().message());
  StringRef text = (*buf)->getBuffer();
  Baseline b;
  Error e = text.ltrim().startswith("{") ? fromJson(path, text, b.entries)
                                         : fromLines(path, text, b.entries);
  if (e)
    return e;
  llvm::sort(b.entries);
  return b;
}

bool Baseline::accepts(StringRef rule, StringRef path) const {
  return std::binary_search(entries.begin(), entries.end(),
                            std::make_pair(rule.str(), path.str()));
}

} // namespace allocsel
