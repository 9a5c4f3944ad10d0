#!/bin/bash
# difftest.sh LINKER DRIVER ARGS...: links with the real LINKER (bfd, gold,
# lld, mold) through DRIVER, asks allocsel to model the same driver command,
# and compares the members each extracts (compare.py). The real link must
# succeed. With DRIVER an ld program (ld.bfd, ...) the command is a linker
# command and the trace options are given without -Wl.
set -e
linker=$1; shift
here=$(dirname "$0")
out=$(mktemp -d)
case $linker in
  lld) trace=(-Wl,--why-extract=$out/real); kind=--lld ;;
  mold) trace=(-Wl,-Map=$out/real); kind=--mold-map ;;
  *) trace=(-Wl,-Map=$out/real); kind=--map ;;
esac
case $(basename "$1") in
  ld*) trace=("${trace[@]#-Wl,}"); select=() ;;
  *) select=(-fuse-ld=$linker) ;;
esac
"$@" "${select[@]}" "${trace[@]}"
allocsel link --dry-run --explain --format=json -- "$@" "${select[@]}" > $out/model.json
status=0
result=$(python3 "$here/compare.py" $out/model.json $kind $out/real) || status=1
echo "$linker: $result"
rm -rf "$out"
exit $status
