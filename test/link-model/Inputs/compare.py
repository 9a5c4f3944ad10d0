#!/usr/bin/env python3
"""Compares the archive members allocsel's link model predicts with the ones
a real linker extracted, as sets, and the symbol given for each member with
the one the linker cites.

  compare.py MODEL.json --lld WHY-EXTRACT      (lld --why-extract=FILE)
  compare.py MODEL.json --map MAP              (bfd or gold -Map=FILE)
  compare.py MODEL.json --mold-map MAP         (mold -Map=FILE)

Prints `agree: N members` or every difference, and exits 1 on one.
mold prints no extraction reasons: its members are those whose sections
its map file lists, and their symbols are not checked.
"""
import json
import os
import re
import subprocess
import sys

MEMBER = re.compile(r"^(.*)\(([^()]*)\)$")


def key(spelling):
    m = MEMBER.match(spelling.strip())
    if not m:
        return None
    return (os.path.realpath(m.group(1)), m.group(2))


def model_members(path, include_whole):
    with open(path) as f:
        model = json.load(f)
    out = {}
    for e in model["extracted"]:
        if e["symbol"] is None and not include_whole:
            continue
        out[(os.path.realpath(e["archive"]), e["member"])] = {e["symbol"]}
    return out


def lld_members(path):
    out = {}
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines[1:]:
        ref, extracted, symbol = line.split("\t")
        out.setdefault(key(extracted), set()).add(symbol)
    return out


MAP_HEADERS = ("Archive member included to satisfy reference by file",
               "Archive member included because of file")


def map_members(path):
    out = {}
    with open(path) as f:
        lines = f.read().splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith(MAP_HEADERS)), None)
    if start is None:
        return out
    current = None
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        if not line[0].isspace():
            parts = line.split(None, 1)
            k = key(parts[0])
            if k is None:
                break  # the next section of the map
            current = k
            out.setdefault(current, set())
            rest = parts[1] if len(parts) > 1 else ""
        else:
            rest = line
        # bfd names an LTO object `main.o (symbol from plugin)`.
        rest = rest.replace(" (symbol from plugin)", "")
        # `file (symbol)`, the symbol demangled (it may hold parentheses),
        # `(--whole-archive)`, or gold's `-u symbol`.
        m = re.search(r"^\s*(?:\S+ )?\((.*)\)\s*$", rest) or re.search(r"^\s*-u (\S+)", rest)
        if current and m:
            sym = m.group(1)
            out[current].add(None if sym == "--whole-archive" else sym)
    return out


def mold_map_members(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = re.search(r"\s(\S*\([^()]*\)):\(", line)
            if m and key(m.group(1)):
                out.setdefault(key(m.group(1)), set())
    return out


def main():
    model_path, kind, real_path = sys.argv[1:4]
    if kind == "--lld":
        real = lld_members(real_path)
        model = model_members(model_path, include_whole=False)
    elif kind == "--map":
        real = map_members(real_path)
        model = model_members(model_path, include_whole=True)
    elif kind == "--mold-map":
        real = mold_map_members(real_path)
        model = model_members(model_path, include_whole=True)
    else:
        sys.exit("unknown kind " + kind)
    if kind in ("--map", "--lld"):
        # The linkers cite symbols demangled.
        names = sorted({s for syms in model.values() for s in syms if s})
        out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True,
                             text=True).stdout.splitlines()
        demangled = dict(zip(names, out))
        model = {k: v | {demangled.get(s, s) for s in v} for k, v in model.items()}
    bad = False
    for k in sorted(set(model) - set(real)):
        print("only in the model: %s(%s)" % k)
        bad = True
    for k in sorted(set(real) - set(model)):
        print("only in the linker: %s(%s) for %s" % (k + (sorted(map(str, real[k])),)))
        bad = True
    for k in sorted(set(model) & set(real)):
        if kind == "--mold-map" or None in model[k]:
            continue
        if not (model[k] & real[k]):
            print("symbol differs: %s(%s): model %s, linker %s"
                  % (k + (sorted(map(str, model[k])), sorted(map(str, real[k])))))
            bad = True
    if bad:
        sys.exit(1)
    print("agree: %d members" % len(model))


if __name__ == "__main__":
    main()
