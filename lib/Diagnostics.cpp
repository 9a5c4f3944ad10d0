//===- Diagnostics.cpp ----------------------------------------------------===//
#include "Diagnostics.h"

using namespace llvm;

namespace allocsel {

StringRef severityName(Severity s) {
  switch (s) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  llvm_unreachable("unknown severity");
}

void printDiagnostic(raw_ostream &os, const Diagnostic &d) {
  os << "allocsel: " << severityName(d.severity) << ": " << d.message;
  if (!d.rule.empty())
    os << " [" << d.rule << "]";
  os << "\n";
  for (const std::string &line : d.provenance)
    os << ">>> " << line << "\n";
}

void writeDiagnosticJson(json::OStream &j, const Diagnostic &d) {
  j.object([&] {
    if (d.rule.empty())
      j.attribute("rule", nullptr);
    else
      j.attribute("rule", d.rule);
    j.attribute("severity", severityName(d.severity));
    j.attribute("message", d.message);
    j.attributeArray("provenance", [&] {
      for (const std::string &p : d.provenance)
        j.value(p);
    });
  });
}

static void print(Severity s, const Twine &message) {
  errs() << "allocsel: " << severityName(s) << ": " << message << "\n";
}

void printError(const Twine &message) { print(Severity::Error, message); }
void printWarning(const Twine &message) { print(Severity::Warning, message); }

Error fileError(StringRef path, const Twine &what) {
  return createStringError(inconvertibleErrorCode(), path + ": " + what);
}

Error withFile(StringRef path, Error e) {
  std::string message = toString(std::move(e));
  if (StringRef(message).startswith(path))
    return createStringError(inconvertibleErrorCode(), message);
  return fileError(path, message);
}

std::string memberName(StringRef archive, StringRef member) {
  return (archive + "(" + member + ")").str();
}

} // namespace allocsel
