#!/usr/bin/env bash
# bench/check.sh - allocsel check against what a CI engineer uses today.
#
# Side by side on one tree (default /usr/lib/x86_64-linux-gnu), warm page
# cache, the median of N runs (default 5) each:
#   nm:       find TREE -type f | xargs -P2 nm -D --defined-only | grep malloc
#   scanelf:  scanelf -qARs +malloc TREE   (pax-utils; one symbol)
#   allocsel: allocsel check -j2 TREE      (every entry point, the rules)
# Usage: bench/check.sh [ALLOCSEL] [TREE] [RUNS]
set -u
allocsel=${1:-$(dirname "$0")/../build/bin/allocsel}
tree=${2:-/usr/lib/x86_64-linux-gnu}
runs=${3:-5}

if ! command -v scanelf >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq pax-utils >/dev/null 2>&1
  fi
fi
have_scanelf=1
command -v scanelf >/dev/null || { echo "scanelf not found (apt-get install pax-utils): skipped"; have_scanelf=0; }
[ -x "$allocsel" ] || { echo "no allocsel at $allocsel" >&2; exit 2; }

# Seconds for one run of "$@", output discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2);
    if (NR % 2) print v[m]; else print (v[m] + v[m + 1]) / 2 }'
}

measure() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 # warm the cache
  for _ in $(seq "$runs"); do seconds "$@"; done | median
}

nm_script() {
  find "$tree" -type f -print0 | xargs -0 -P2 nm -D --defined-only 2>/dev/null | grep malloc
}

echo "tree: $tree ($(find "$tree" -type f | wc -l) files), median of $runs runs, warm cache"
t_nm=$(measure nm nm_script)
t_allocsel=$(measure allocsel "$allocsel" check -j2 "$tree")
printf '%-10s %8.3f s\n' "nm script" "$t_nm"
if [ $have_scanelf = 1 ]; then
  t_scanelf=$(measure scanelf scanelf -qARs +malloc "$tree")
  printf '%-10s %8.3f s\n' "scanelf" "$t_scanelf"
fi
printf '%-10s %8.3f s\n' "allocsel" "$t_allocsel"
printf 'allocsel is %.1fx faster than the nm script' "$(echo "$t_nm / $t_allocsel" | bc -l)"
if [ $have_scanelf = 1 ]; then
  printf ', %.2fx scanelf'"'"'s time' "$(echo "$t_allocsel / $t_scanelf" | bc -l)"
fi
echo
