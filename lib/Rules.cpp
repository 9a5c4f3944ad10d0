//===- Rules.cpp ----------------------------------------------------------===//
#include "Rules.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace allocsel {

// constexpr: filled in by the compiler, not by a static initialiser that
// every run of allocsel would pay for (docs/design-decisions.md).
static constexpr RuleInfo rules[] = {
#define RULE(id, name, severity, shortText, help)                              \
  {Rule::id, #id, name, Severity::severity, shortText, help},
#include "Rules.def"
};

ArrayRef<RuleInfo> allRules() { return rules; }

const RuleInfo &ruleInfo(Rule r) { return rules[static_cast<size_t>(r)]; }

const RuleInfo *findRule(StringRef id) {
  for (const RuleInfo &r : rules)
    if (r.id.equals_insensitive(id))
      return &r;
  return nullptr;
}

// The documentation travels with the sources; docs/rules.md gives every
// rule an explicit anchor (`<a id="as005">`), which a SARIF viewer opens.
static constexpr const char *docsUrl =
    "https://github.com/allocsel/allocsel/blob/main/docs/rules.md#";

std::string ruleHelpUri(const RuleInfo &r) { return docsUrl + r.id.lower(); }

Diagnostic makeDiagnostic(Rule r, std::string message) {
  Diagnostic d;
  d.rule = ruleInfo(r).id.str();
  d.severity = ruleInfo(r).severity;
  d.message = std::move(message);
  return d;
}

} // namespace allocsel
