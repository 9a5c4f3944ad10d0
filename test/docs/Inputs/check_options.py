"""Checks that a document names every option allocsel's --help shows.

usage: check_options.py ALLOCSEL DOC WRAPPER_OPTIONS_DEF

Reads `allocsel --help`, then `allocsel <sub> --help` for every subcommand
it lists (link, check, archive, ...), and collects each long option
(`--mode`), each subcommand name, and each environment variable of
lib/WrapperOptions.def. The document must mention every option as `--name`
and every variable by its name; each one missing is printed, exit 1.
"""
import re
import subprocess
import sys

allocsel, doc_path, def_path = sys.argv[1:4]
doc = open(doc_path, encoding="utf-8").read()


def help_text(*args):
    return subprocess.run([allocsel, *args, "--help"], capture_output=True,
                          text=True, check=True).stdout


def options(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", text))


top = help_text()
subcommands = re.findall(r"^  ([a-z]+) {2,}", top.split("Subcommands:")[1],
                         re.M)
wanted = {(o, "allocsel") for o in options(top)}
for sub in subcommands:
    wanted.add((sub, "subcommand"))
    wanted |= {(o, f"allocsel {sub}") for o in options(help_text(sub))}
for var in re.findall(r'"(ALLOCSEL_[A-Z_]+)"', open(def_path).read()):
    wanted.add((var, "lib/WrapperOptions.def"))

missing = []
for name, where in sorted(wanted):
    if where == "subcommand":
        found = re.search(rf"`allocsel {name}\b", doc)
    else:
        found = re.search(rf"`{re.escape(name)}(?![\w-])", doc)
    if not found:
        missing.append(f"undocumented: {name} ({where})")
print("\n".join(missing) if missing else
      f"all {len(wanted)} options, subcommands and variables documented")
sys.exit(1 if missing else 0)
