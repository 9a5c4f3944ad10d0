//===- WrapperOptions.cpp - allocsel's settings for one link -------------===//
#include "WrapperOptions.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace allocsel {

// constexpr: filled in by the compiler, not by a static initialiser that
// every run of allocsel would pay for (docs/design-decisions.md).
static constexpr WrapperOptionInfo table[] = {
#define WRAPPER_OPTION(Id, Option, EnvVar, Form, Values, Help)                 \
  {WrapperOption::Id, Option, EnvVar, WrapperOptionForm::Form, Values, Help},
#include "WrapperOptions.def"
};

ArrayRef<WrapperOptionInfo> wrapperOptionTable() { return table; }

const WrapperOptionInfo &wrapperOptionInfo(WrapperOption id) {
  return table[static_cast<size_t>(id)];
}

const WrapperOptionInfo *findWrapperOption(StringRef name) {
  for (const WrapperOptionInfo &info : table)
    if (!info.option.empty() && info.option == name)
      return &info;
  return nullptr;
}

// The accepted spellings of a flag in the environment.
static std::optional<bool> parseBool(StringRef value) {
  std::string v = value.lower();
  if (v == "1" || v == "true" || v == "yes" || v == "on")
    return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty())
    return false;
  return std::nullopt;
}

// "enforce, warn or off".
static std::string describeValues(StringRef values) {
  SmallVector<StringRef, 8> parts;
  values.split(parts, '|');
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i)
      text += i + 1 == parts.size() ? " or " : ", ";
    text += parts[i].str();
  }
  return text;
}

static bool isAccepted(StringRef values, StringRef value) {
  if (values.empty())
    return true;
  SmallVector<StringRef, 8> parts;
  values.split(parts, '|');
  return is_contained(parts, value);
}

Expected<WrapperOptions>
WrapperOptions::fromEnvironment(const Environment &env,
                                std::vector<std::string> *unknown) {
  WrapperOptions options;
  for (const std::string &entry : env.entries()) {
    auto [name, value] = StringRef(entry).split('=');
    if (!name.startswith("ALLOCSEL_"))
      continue;
    const WrapperOptionInfo *info = nullptr;
    for (const WrapperOptionInfo &row : table)
      if (row.envVar == name)
        info = &row;
    if (!info) {
      if (unknown)
        unknown->push_back(name.str());
      continue;
    }
    if (info->form == WrapperOptionForm::Flag) {
      std::optional<bool> on = parseBool(value);
      if (!on)
        return createStringError(inconvertibleErrorCode(),
                                 "%s: invalid value '%s' (expected 1 or 0)",
                                 name.str().c_str(), value.str().c_str());
      if (*on)
        options.set(info->id, "1");
      continue;
    }
    // An empty variable is an unset one, as for most tools (CC= make).
    if (value.empty())
      continue;
    if (!isAccepted(info->values, value))
      return createStringError(inconvertibleErrorCode(),
                               "%s: invalid value '%s' (expected %s)",
                               name.str().c_str(), value.str().c_str(),
                               describeValues(info->values).c_str());
    options.set(info->id, value);
  }
  return options;
}

Error WrapperOptions::setFromOption(WrapperOption id,
                                    std::optional<StringRef> value) {
  const WrapperOptionInfo &info = wrapperOptionInfo(id);
  std::string spelling = ("--" + info.option).str();
  if (info.form == WrapperOptionForm::Flag) {
    if (value)
      return createStringError(inconvertibleErrorCode(), "%s takes no value",
                               spelling.c_str());
    set(id, "1");
    return Error::success();
  }
  if (!value || value->empty())
    return createStringError(inconvertibleErrorCode(), "%s needs a value",
                             spelling.c_str());
  if (!isAccepted(info.values, *value))
    return createStringError(inconvertibleErrorCode(),
                             "%s: invalid value '%s' (expected %s)",
                             spelling.c_str(), value->str().c_str(),
                             describeValues(info.values).c_str());
  set(id, *value);
  return Error::success();
}

Expected<size_t> WrapperOptions::parseLeading(ArrayRef<std::string> args) {
  size_t i = 0;
  while (i < args.size()) {
    StringRef arg = args[i];
    if (arg == "--")
      return i + 1;
    if (!arg.startswith("--"))
      break;
    auto [name, joined] = arg.drop_front(2).split('=');
    const WrapperOptionInfo *info = findWrapperOption(name);
    if (!info)
      break;
    std::optional<StringRef> value;
    if (arg.contains('='))
      value = joined;
    else if (info->form == WrapperOptionForm::Value && i + 1 < args.size())
      value = args[++i];
    if (Error e = setFromOption(info->id, value))
      return e;
    ++i;
  }
  return i;
}

bool WrapperOptions::flag(WrapperOption id) const {
  std::optional<std::string> v = get(id);
  return v && parseBool(*v).value_or(false);
}

void WrapperOptions::exportTo(Environment &env) const {
  for (const WrapperOptionInfo &info : table)
    if (std::optional<std::string> v = get(info.id); v && !info.envVar.empty())
      env.set(info.envVar, *v);
}

} // namespace allocsel
