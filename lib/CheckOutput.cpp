//===- CheckOutput.cpp - check's report as text, JSON and SARIF -----------===//
//
// Three views of one CheckResult. Text is for people: only artifacts that
// say something about allocation, each with its allocators and stamp, then
// its findings in lld's form. JSON is DESIGN §4's contract for scripts:
// every artifact scanned. SARIF 2.1.0 is for code-scanning UIs (GitHub's
// upload-sarif): rule metadata from Rules.def, one result per finding,
// located at the artifact's path.
//
//===----------------------------------------------------------------------===//
#include "Check.h"

#include "Rules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace allocsel {

static std::string stampText(const SelectionStamp &s) {
  return ("stamp: " + (s.allocator.empty() ? "none" : s.allocator) + " (" +
          howName(s.how) + ")" +
          ((s.flags & ALLOCSEL_STAMP_EXPORT_ALLOCATOR) ? ", export-allocator"
                                                       : ""))
      .str();
}

static std::string providerText(const AllocatorIdentity &id) {
  if (id.tagged)
    return ("tagged, " + className(id.cls)).str();
  switch (*id.provider) {
  case Provider::System:
    return "system";
  case Provider::Sanitizer:
    return "sanitizer runtime";
  case Provider::Untagged:
    return ("untagged, " + className(id.cls)).str();
  }
  llvm_unreachable("unknown provider");
}

static bool saysSomething(const ArtifactReport &a) {
  return !a.allocators.empty() || a.stamp || !a.diagnostics.empty() ||
         !a.missingLibraries.empty();
}

void writeCheckText(raw_ostream &os, const CheckResult &result) {
  for (const ArtifactReport &a : result.artifacts) {
    if (!saysSomething(a))
      continue;
    os << a.path << ": " << kindName(a.kind);
    if (a.stamp)
      os << ", " << stampText(*a.stamp);
    os << "\n";
    for (const CheckedAllocator &c : a.allocators)
      os << "  " << (c.via == "closure" ? "closure" : "allocator") << ": "
         << c.id.name << " (" << providerText(c.id) << ") in " << c.id.source
         << "\n";
    for (const std::string &m : a.missingLibraries)
      os << "  not found: " << m << "\n";
    for (const Diagnostic &d : a.diagnostics)
      printDiagnostic(os, d);
  }
  const CheckSummary &s = result.summary;
  os << "allocsel: checked " << s.artifacts << " artifacts (" << s.skipped
     << " other files skipped, " << s.unreadable << " unreadable): "
     << s.errors << " errors, " << s.warnings << " warnings, " << s.notes
     << " notes";
  if (s.accepted)
    os << ", " << s.accepted << " accepted by the baseline";
  os << "\n";
}

static void writeArtifact(json::OStream &j, const ArtifactReport &a) {
  j.object([&] {
    j.attribute("path", a.path);
    j.attribute("kind", kindName(a.kind));
    j.attributeArray("allocators", [&] {
      for (const CheckedAllocator &c : a.allocators)
        j.object([&] {
          j.attribute("name", c.id.name);
          j.attribute("class", className(c.id.cls));
          j.attribute("tagged", c.id.tagged);
          j.attribute("system", c.id.provider == Provider::System);
          j.attribute("sanitizer", c.id.provider == Provider::Sanitizer);
          j.attribute("evidence", c.id.evidence);
          j.attribute("source", c.id.source);
          j.attribute("via", c.via);
        });
    });
    if (a.stamp && !a.stamp->allocator.empty())
      j.attributeObject("selected", [&] {
        j.attribute("name", a.stamp->allocator);
        j.attribute("how", howName(a.stamp->how));
        j.attribute("export_allocator",
                    bool(a.stamp->flags & ALLOCSEL_STAMP_EXPORT_ALLOCATOR));
      });
    else
      j.attribute("selected", nullptr);
    j.attribute("stamped", a.stamp.has_value());
    j.attributeArray("diagnostics", [&] {
      for (const Diagnostic &d : a.diagnostics)
        writeDiagnosticJson(j, d);
    });
    j.attributeArray("missing_libraries", [&] {
      for (const std::string &m : a.missingLibraries)
        j.value(m);
    });
  });
}

void writeCheckJson(raw_ostream &os, const CheckResult &result) {
  json::OStream j(os, 2);
  j.object([&] {
    j.attributeArray("artifacts", [&] {
      for (const ArtifactReport &a : result.artifacts)
        writeArtifact(j, a);
    });
    const CheckSummary &s = result.summary;
    j.attributeObject("summary", [&] {
      j.attribute("artifacts", int64_t(s.artifacts));
      j.attribute("skipped", int64_t(s.skipped));
      j.attribute("unreadable", int64_t(s.unreadable));
      j.attribute("errors", int64_t(s.errors));
      j.attribute("warnings", int64_t(s.warnings));
      j.attribute("notes", int64_t(s.notes));
      j.attribute("accepted", int64_t(s.accepted));
    });
  });
  os << "\n";
}

//===- SARIF --------------------------------------------------------------===//

static StringRef sarifLevel(Severity s) {
  return s == Severity::Error     ? "error"
         : s == Severity::Warning ? "warning"
                                  : "note";
}

// A relative path stays relative (code scanning resolves it against the
// checkout); an absolute one becomes a file: URI. Both percent-encode what
// a URI may not hold.
static std::string sarifUri(StringRef path) {
  std::string out = path.startswith("/") ? "file://" : "";
  for (char c : path) {
    if (isAlnum(c) || StringRef("/-._~+").contains(c))
      out += c;
    else
      raw_string_ostream(out) << '%'
                              << format_hex_no_prefix(uint8_t(c), 2, true);
  }
  return out;
}

static void writeRule(json::OStream &j, const RuleInfo &r) {
  j.object([&] {
    j.attribute("id", r.id);
    j.attribute("name", r.name);
    j.attributeObject("shortDescription",
                      [&] { j.attribute("text", r.shortDescription); });
    j.attributeObject("fullDescription", [&] {
      j.attribute("text", (r.shortDescription + ".").str());
    });
    j.attributeObject("help", [&] {
      j.attribute("text", r.help);
      j.attribute("markdown", (r.help + " See [" + r.id + "](" +
                               ruleHelpUri(r) + ").")
                                  .str());
    });
    j.attribute("helpUri", ruleHelpUri(r));
    j.attributeObject("defaultConfiguration",
                      [&] { j.attribute("level", sarifLevel(r.severity)); });
  });
}

static void writeResult(json::OStream &j, const ArtifactReport &a,
                        const Diagnostic &d) {
  const RuleInfo *r = findRule(d.rule);
  j.object([&] {
    j.attribute("ruleId", d.rule);
    if (r)
      j.attribute("ruleIndex", int64_t(r - allRules().data()));
    j.attribute("level", sarifLevel(d.severity));
    j.attributeObject("message", [&] {
      std::string text = d.message;
      for (const std::string &p : d.provenance)
        text += "\n>>> " + p;
      j.attribute("text", text);
    });
    j.attributeArray("locations", [&] {
      j.object([&] {
        j.attributeObject("physicalLocation", [&] {
          j.attributeObject("artifactLocation",
                            [&] { j.attribute("uri", sarifUri(a.path)); });
        });
      });
    });
    // Code scanning keys alerts on this: the same finding on the same file
    // stays one alert across runs.
    j.attributeObject("partialFingerprints", [&] {
      j.attribute("allocselFinding/v1", d.rule + ":" + a.path);
    });
  });
}

void writeCheckSarif(raw_ostream &os, const CheckResult &result) {
  json::OStream j(os, 2);
  j.object([&] {
    j.attribute("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    j.attribute("version", "2.1.0");
    j.attributeArray("runs", [&] {
      j.object([&] {
        j.attributeObject("tool", [&] {
          j.attributeObject("driver", [&] {
            j.attribute("name", "allocsel");
            j.attribute("semanticVersion", ALLOCSEL_VERSION);
            j.attribute("informationUri",
                        "https://github.com/allocsel/allocsel");
            j.attributeArray("rules", [&] {
              for (const RuleInfo &r : allRules())
                writeRule(j, r);
            });
          });
        });
        j.attributeArray("results", [&] {
          for (const ArtifactReport &a : result.artifacts)
            for (const Diagnostic &d : a.diagnostics)
              writeResult(j, a, d);
        });
      });
    });
  });
  os << "\n";
}

} // namespace allocsel
