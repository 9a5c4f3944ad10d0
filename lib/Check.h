//===- Check.h - `allocsel check`: duplicate heaps in build outputs -------===//
//
// The CI check of DESIGN §4: scan executables, shared libraries, static
// archives and objects (directories recursively), name each artifact's
// allocators and stamp, and apply the rules that can be read from outputs
// alone — AS001, AS005–AS008, AS010–AS012. With `closure`, programs and
// libraries are followed through their DT_NEEDED closure as glibc's loader
// resolves it (Closure.h), for AS007.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_CHECK_H
#define ALLOCSEL_CHECK_H

#include "Classify.h"
#include "Diagnostics.h"
#include "Notes.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace allocsel {

enum class CheckFormat { Text, Json, Sarif };

struct CheckOptions {
  std::vector<std::string> paths;
  CheckFormat format = CheckFormat::Text;
  bool closure = false;
  unsigned jobs = 0;    // 0: one per core
  std::string root;     // a staged tree the loader's paths lie under
  std::string baseline; // accepted findings: see docs/check.md
  bool progress = true; // a progress line, if stderr is a terminal
};

// One allocator an artifact carries (`via` "input") or brings into its
// process through DT_NEEDED (`via` "closure").
struct CheckedAllocator {
  AllocatorIdentity id;
  std::string via;
};

struct ArtifactReport {
  std::string path;
  ArtifactKind kind = ArtifactKind::Relocatable;
  std::vector<CheckedAllocator> allocators;
  std::optional<SelectionStamp> stamp; // the stamp of the artifact's kind
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> missingLibraries; // --closure: not found
};

struct CheckSummary {
  size_t artifacts = 0;
  size_t skipped = 0;    // not ELF, by magic
  size_t unreadable = 0; // reported on stderr
  size_t errors = 0, warnings = 0, notes = 0;
  size_t accepted = 0; // by the baseline
};

struct CheckResult {
  std::vector<ArtifactReport> artifacts; // sorted by path
  CheckSummary summary;
};

// Scans and applies the rules; unreadable inputs are printed on stderr.
CheckResult checkArtifacts(const CheckOptions &options);

// The whole command: check, print in the chosen format, exit status:
// 0 clean, 1 an error-level finding not in the baseline, 2 usage or an
// unreadable input (the scan still completes and is printed).
int runCheck(const CheckOptions &options, llvm::raw_ostream &os);

// Output (CheckOutput.cpp).
void writeCheckText(llvm::raw_ostream &os, const CheckResult &result);
void writeCheckJson(llvm::raw_ostream &os, const CheckResult &result);
void writeCheckSarif(llvm::raw_ostream &os, const CheckResult &result);

// Baseline (CheckBaseline.cpp): accepted (rule, path) pairs, from lines
// `AS005 path` or from the JSON of an earlier `check --format=json`.
class Baseline {
public:
  static llvm::Expected<Baseline> load(llvm::StringRef path);
  bool accepts(llvm::StringRef rule, llvm::StringRef path) const;

private:
  std::vector<std::pair<std::string, std::string>> entries; // sorted
};

} // namespace allocsel

#endif
