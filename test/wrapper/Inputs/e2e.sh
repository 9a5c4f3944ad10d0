#!/bin/bash
## The end-to-end matrix for one linker (test/wrapper/e2e-*.test): gcc and
## clang x executable (dynamic, -pie, -static), shared library, -r, each
## linked through the allocsel launcher. Prints one line per artifact: the
## probe's answers for a program, the stamp `allocsel inspect` shows for
## every output. A failing step prints `FAIL:` (the tests reject it).
## Usage: e2e.sh LINKER INPUTS_DIR WORK_DIR
set -u
ld=$1 inputs=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

# The stamp of an output, as one line (none for a -r output).
stamp() {
  local s
  s=$(allocsel inspect "$1" | grep -E '^ *stamp:' | sed 's/^ *//')
  echo "${s:-stamp: none}"
}
# Links through the launcher; allocsel's own diagnostics are printed (the
# tests allow none), the linkers' (glibc's dlopen warning with -static) not.
link() {
  allocsel "$@" 2>link.err || { cat link.err; fail "link: $*"; }
  grep '^allocsel:' link.err
}
# A program's probe answers on one line.
run() { "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//'; echo; }
fail() { echo "FAIL: $*"; }

for cc in gcc clang; do
  cxx=$([ $cc = gcc ] && echo g++ || echo clang++)
  $cxx -O2 -fno-builtin -fPIE -c "$inputs/probe.cpp" -o probe-$cc.o || fail "$cc compile"
  $cc -O2 -fPIC -c "$inputs/plugin.c" -o plugin-$cc.o || fail "$cc compile"
  for kind in dynamic pie static; do
    flags=$(case $kind in pie) echo -pie ;; static) echo -static ;; esac)
    out=$cc-$kind
    link $cxx -fuse-ld=$ld $flags probe-$cc.o -o $out
    echo "$cc $ld $kind: $(run ./$out) | $(stamp $out)"
  done
  # A shared library: system, the process's heap. The executable dlopens it
  # and trades blocks with it both ways.
  link $cc -fuse-ld=$ld -shared plugin-$cc.o -o libplugin-$cc.so
  echo "$cc $ld shared: $(stamp libplugin-$cc.so)"
  echo "$cc $ld dlopen: $(run ./$cc-dynamic ./libplugin-$cc.so)"
  # -r: at most one allocator, no default, no stamp; the program linked
  # from it gets the executable default.
  link $cxx -fuse-ld=$ld -r probe-$cc.o -o probe-$cc.r.o
  echo "$cc $ld relocatable: $(stamp probe-$cc.r.o)"
  link $cxx -fuse-ld=$ld probe-$cc.r.o -o $cc-from-r
  echo "$cc $ld from -r: $(run ./$cc-from-r) | $(stamp $cc-from-r)"
done
