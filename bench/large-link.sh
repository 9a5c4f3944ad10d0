#!/usr/bin/env bash
# The largest differential test and the link model's benchmark.
#
# Compiles bench/large-link/main.cpp (a few lines of libObject) and links it
# against every libLLVM*.a that `llvm-config-14 --libs --link-static` names,
# plus its --system-libs, with each real linker found (bfd and lld required,
# gold and mold when installed), through clang++ -fuse-ld=. Each linker's
# own account of what it extracted (lld --why-extract, bfd/gold/mold -Map)
# is compared, as a set, with what `allocsel link --dry-run --explain`
# predicts for the same command (test/link-model/Inputs/compare.py).
#
# Then it times the model against the linkers on the very linker line
# clang++ -### prints, so that neither side pays for the driver: the
# medians over RUNS runs (default 7; warm cache) of wall time, CPU time
# (user + system: the figure to trust when the machine is busy) and peak RSS
# of `ld.lld ARGS`, `ld.mold ARGS`, ... and of
# `allocsel link --dry-run --explain -- ld.lld ARGS`, and the ratios of the
# model to lld and mold. The target (issue 3): <= 3% of lld's time, <= 5% of
# mold's, <= 10% of lld's peak memory. Beside it, the floor
# (large-link/floor.cpp): the time and memory of merely reading what the
# model must read, each archive's index and each extracted member's symbol
# table, with libObject: what a model built on libObject cannot avoid
# (docs/performance.md).
#
#   bench/large-link.sh [path/to/allocsel] [RUNS]
#   bench/large-link.sh --check-only [path/to/allocsel]   (no timing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
check_only=0
if [ "${1:-}" = --check-only ]; then check_only=1; shift; fi
allocsel=$(realpath "$(command -v "${1:-$here/../build/bin/allocsel}")")
runs=${2:-7}
compare="python3 $here/../test/link-model/Inputs/compare.py"
measure="python3 $here/large-link/measure.py"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
source "$here/large-link/llvm-link.sh" main.o
link=(clang++ -o prog main.o -L"$libdir" "${llvm_libs[@]}" "${system_libs[@]}")

size=0
for l in "${llvm_libs[@]}"; do
  size=$((size + $(stat -Lc %s "$libdir/lib${l#-l}.a")))
done
echo "link: ${#llvm_libs[@]} LLVM archives, $((size / 1000000)) MB, through clang++"

linkers=(bfd lld)
for l in gold mold; do
  if command -v "ld.$l" >/dev/null; then linkers+=("$l"); fi
done

# Agreement: each real link against the model of the same driver command.
status=0
for l in "${linkers[@]}"; do
  case $l in
    lld) trace=(-Wl,--why-extract=real.$l); kind=--lld ;;
    mold) trace=(-Wl,-Map=real.$l); kind=--mold-map ;;
    *) trace=(-Wl,-Map=real.$l); kind=--map ;;
  esac
  "${link[@]}" -fuse-ld="$l" "${trace[@]}"
  ./prog prog >/dev/null # the program works
  "$allocsel" link --dry-run --explain --format=json -- "${link[@]}" \
    -fuse-ld="$l" >model.$l.json
  if result=$($compare model.$l.json $kind real.$l); then
    echo "$l: $result"
  else
    echo "$l: DISAGREES:"; echo "$result" | sed 's/^/  /'; status=1
  fi
done
[ $check_only = 1 ] && exit $status

# Timing: the linker lines themselves, model and linkers alike.
printf '\n%-6s %9s %9s %12s   (medians of %d runs, warm cache; load %s)\n' \
  "" "wall ms" "cpu ms" "peak RSS KB" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A wall cpu kb
for l in "${linkers[@]}"; do
  mapfile -t ld < <(python3 "$here/large-link/ldline.py" "${link[@]}" -fuse-ld="$l")
  # mold links in a forked child and its parent returns once the output is
  # written: --no-fork keeps the work in the process measured.
  if [ "$l" = mold ]; then ld+=(--no-fork); fi
  read -r wall[$l] cpu[$l] kb[$l] < <($measure "$runs" "${ld[@]}")
  printf '%-6s %9s %9s %12s\n' "$l" "${wall[$l]}" "${cpu[$l]}" "${kb[$l]}"
  if [ "$l" = lld ]; then lld_line=("${ld[@]}"); fi
done
read -r wall[model] cpu[model] kb[model] < <($measure "$runs" "$allocsel" link \
  --dry-run --explain -- "${lld_line[@]}")
printf '%-6s %9s %9s %12s   (allocsel link --dry-run --explain -- ld.lld ...)\n' \
  model "${wall[model]}" "${cpu[model]}" "${kb[model]}"
# The floor: reading the archive indexes and the extracted members' symbol
# tables with libObject, and nothing more (large-link/floor.cpp).
# shellcheck disable=SC2046
clang++ $($llvm_config --cxxflags) -O2 -c "$here/large-link/floor.cpp" -o floor.o
# shellcheck disable=SC2046
clang++ -no-pie floor.o -o floor $($llvm_config --ldflags) \
  $($llvm_config --libs --link-static object) \
  $($llvm_config --system-libs --link-static) -static-libstdc++
archives=()
for l in "${llvm_libs[@]}"; do archives+=("$libdir/lib${l#-l}.a"); done
read -r wall[floor] cpu[floor] kb[floor] < <($measure "$runs" ./floor real.lld \
  "${archives[@]}")
printf '%-6s %9s %9s %12s   (floor: the indexes and the members read, no more)\n' \
  floor "${wall[floor]}" "${cpu[floor]}" "${kb[floor]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "${wall[model]}" "${cpu[model]}" "${kb[model]}" \
  "${wall[lld]}" "${cpu[lld]}" "${kb[lld]}" "${wall[mold]:-0}" "${cpu[mold]:-0}" \
  "${wall[floor]}" "${cpu[floor]}" "${kb[floor]}" <<'PY'
import sys
(m_wall, m_cpu, m_kb, lld_wall, lld_cpu, lld_kb, mold_wall, mold_cpu,
 f_wall, f_cpu, f_kb) = map(float, sys.argv[1:12])
def line(what, model, floor, real, target):
    ratio = model / real * 100
    print("model / %-13s %6.1f%%   (target <= %d%%: %s; the floor is %.1f%%)"
          % (what, ratio, target, "met" if ratio <= target else "MISSED",
             floor / real * 100))
line("lld wall", m_wall, f_wall, lld_wall, 3)
line("lld cpu", m_cpu, f_cpu, lld_cpu, 3)
if mold_wall:
    line("mold wall", m_wall, f_wall, mold_wall, 5)
    line("mold cpu", m_cpu, f_cpu, mold_cpu, 5)
line("lld peak RSS", m_kb, f_kb, lld_kb, 10)
PY
exit $status
