//===- Rules.h - the rules of DESIGN §2, as data --------------------------===//
//
// Every part of allocsel that reports a rule takes its id, name, default
// severity and help text from here (the table is Rules.def), so that text
// output, JSON, SARIF rule metadata and docs/rules.md cannot drift apart.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_RULES_H
#define ALLOCSEL_RULES_H

#include "Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace allocsel {

enum class Rule {
#define RULE(id, name, severity, shortText, help) id,
#include "Rules.def"
};

struct RuleInfo {
  Rule rule;
  llvm::StringRef id;   // "AS001"
  llvm::StringRef name; // "duplicate-allocator"
  Severity severity;    // the default; some rules raise or lower it
  llvm::StringRef shortDescription;
  llvm::StringRef help;
};

llvm::ArrayRef<RuleInfo> allRules();
const RuleInfo &ruleInfo(Rule r);
// The rule named `id` ("AS005"), or null.
const RuleInfo *findRule(llvm::StringRef id);

// Where the rule is documented: docs/rules.md#as005 in the repository.
std::string ruleHelpUri(const RuleInfo &r);

// A diagnostic of rule `r` at its default severity.
Diagnostic makeDiagnostic(Rule r, std::string message);

} // namespace allocsel

#endif
