//===- Diagnostics.h - errors, warnings and notes in lld's form ----------===//
//
// allocsel speaks like lld: one lowercase `error:`/`warning:`/`note:` line,
// then `>>>` lines that say where each thing came from. Failures to read an
// input or the command line travel up as llvm::Error and are printed once,
// at the top, as `allocsel: error: <file>: <what is wrong>`.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_DIAGNOSTICS_H
#define ALLOCSEL_DIAGNOSTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace allocsel {

// Exit statuses of every command but a link, which returns the linker's own.
enum ExitStatus : int {
  ExitOk = 0,
  ExitViolation = 1, // a rule was violated
  ExitUsage = 2,     // bad command line or unreadable input
};

enum class Severity { Note, Warning, Error };

llvm::StringRef severityName(Severity s);

// One finding of a rule, with its provenance lines.
struct Diagnostic {
  std::string rule; // "AS001" ... or empty
  Severity severity = Severity::Error;
  std::string message;
  std::vector<std::string> provenance;
};

// Prints `allocsel: <severity>: <message> [<rule>]` and the `>>>` lines.
void printDiagnostic(llvm::raw_ostream &os, const Diagnostic &d);

// Writes `{rule, severity, message, provenance}` (DESIGN §4); `rule` is
// null for a diagnostic of no rule.
void writeDiagnosticJson(llvm::json::OStream &j, const Diagnostic &d);

// Prints `allocsel: error: <message>` on stderr.
void printError(const llvm::Twine &message);
void printWarning(const llvm::Twine &message);

// An error about one file: `<path>: <what>`.
llvm::Error fileError(llvm::StringRef path, const llvm::Twine &what);

// Adds the file's name in front of an error that does not name it yet.
llvm::Error withFile(llvm::StringRef path, llvm::Error e);

// `lib.a(member.o)`, the one spelling of an archive member everywhere.
std::string memberName(llvm::StringRef archive, llvm::StringRef member);

} // namespace allocsel

#endif
