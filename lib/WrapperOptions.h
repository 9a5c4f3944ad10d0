//===- WrapperOptions.h - allocsel's settings for one link ---------------===//
//
// A link through allocsel crosses three processes before the decision is
// made: the launcher (`allocsel gcc ...`, `allocsel link -- ...`,
// allocsel-cc), the compiler driver, and the linker personality the driver
// runs as `ld`. The driver forwards none of allocsel's options, so the
// launcher writes them into the environment and the personality reads them
// back, and a build can set the same variables itself (CC=allocsel-cc with
// ALLOCSEL_MODE=warn in the environment).
//
// Like ccache's configuration, what can be set is one table
// (WrapperOptions.def): option spelling, environment variable, form,
// accepted values. Nothing else reads ALLOCSEL_ variables by name, and a
// variable that is not in the table draws a warning, since it is almost
// always a typo of one that is.
//
//===----------------------------------------------------------------------===//
#ifndef ALLOCSEL_WRAPPEROPTIONS_H
#define ALLOCSEL_WRAPPEROPTIONS_H

#include "Exec.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <optional>
#include <string>

namespace allocsel {

enum class WrapperOption {
#define WRAPPER_OPTION(Id, Option, EnvVar, Form, Values, Help) Id,
#include "WrapperOptions.def"
};

inline constexpr size_t numWrapperOptions = 0
#define WRAPPER_OPTION(Id, Option, EnvVar, Form, Values, Help) +1
#include "WrapperOptions.def"
    ;

enum class WrapperOptionForm { Flag, Value, Internal };

// One row of WrapperOptions.def.
struct WrapperOptionInfo {
  WrapperOption id;
  llvm::StringRef option; // without `--`; empty: environment only
  llvm::StringRef envVar;
  WrapperOptionForm form;
  llvm::StringRef values; // `a|b|c`, or empty for any
  llvm::StringRef help;
};

llvm::ArrayRef<WrapperOptionInfo> wrapperOptionTable();
const WrapperOptionInfo &wrapperOptionInfo(WrapperOption id);

// The row whose option is `--<name>`; null if none.
const WrapperOptionInfo *findWrapperOption(llvm::StringRef name);

// The settings of one link. Flags hold "1" when set.
class WrapperOptions {
public:
  // Reads every ALLOCSEL_ variable of `env`. A value outside its row's list
  // is an error naming the variable; a variable not in the table is
  // returned in `unknown` for the caller to warn about.
  static llvm::Expected<WrapperOptions>
  fromEnvironment(const Environment &env,
                  std::vector<std::string> *unknown = nullptr);

  // Sets one option as given on the command line: `value` is checked
  // against the row (a flag takes none). Errors name `--<option>`.
  llvm::Error setFromOption(WrapperOption id,
                            std::optional<llvm::StringRef> value);

  // Reads the launcher's leading options (`--mode=warn`, `--mode warn`,
  // `--export-allocator`) off the front of `args`, stopping at the first
  // argument that is not one of them (`--` is consumed). Returns how many
  // arguments were taken.
  llvm::Expected<size_t> parseLeading(llvm::ArrayRef<std::string> args);

  std::optional<std::string> get(WrapperOption id) const {
    return values[static_cast<size_t>(id)];
  }
  bool isSet(WrapperOption id) const { return get(id).has_value(); }
  // A flag's value; false when unset.
  bool flag(WrapperOption id) const;
  void set(WrapperOption id, llvm::StringRef value) {
    values[static_cast<size_t>(id)] = value.str();
  }

  // Writes every set option into `env` as its variable: what the launcher
  // hands the driver.
  void exportTo(Environment &env) const;

private:
  std::array<std::optional<std::string>, numWrapperOptions> values;
};

} // namespace allocsel

#endif
