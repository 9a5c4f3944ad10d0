#!/usr/bin/env bash
# What allocsel adds to a link (issue 5): a hello-world C++ link and the
# large static LLVM link of bench/large-link.sh, each with and without
# allocsel, with bfd and lld, run alternately; medians and differences.
# Both sides use the same allocator: the plain link gets glibc's heap, the
# wrapped one ALLOCSEL_ALLOCATOR=system, so only allocsel's own cost shows.
# Targets: <= 5 ms added to the hello-world link, <= 3% to the large link.
#   bench/overhead.sh [path/to/allocsel] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
allocsel=$(realpath "${1:-$here/../build/bin/allocsel}")
runs=${2:-11}
overhead="python3 $here/overhead.py $runs"

# Exported, not given with `env` on the wrapped command line: env is one
# more exec that the plain link does not pay (2 to 9 ms here, by load).
export ALLOCSEL_ALLOCATOR=system

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

printf '#include <cstdio>\nint main() { std::puts("hello"); }\n' > hello.cpp
g++ -O2 -c hello.cpp -o hello.o
source "$here/large-link/llvm-link.sh" large.o

printf '%-22s %10s %10s %10s %10s %10s\n' link plain-ms allocsel-ms added-ms \
  plain-cpu allocsel-cpu
report() { # NAME PLAIN_WALL WRAPPED_WALL PLAIN_CPU WRAPPED_CPU
  awk -v n="$1" -v a="$2" -v b="$3" -v c="$4" -v d="$5" 'BEGIN {
    printf "%-22s %10.1f %10.1f %+10.1f %10.1f %10.1f  (%+.1f%% wall, %+.1f%% cpu)\n",
      n, a, b, b - a, c, d, (b - a) * 100 / a, (d - c) * 100 / c }'
}
for ld in bfd lld; do
  hello=(g++ -fuse-ld=$ld hello.o -o hello)
  # shellcheck disable=SC2046
  report "hello-world, $ld" $($overhead -- "${hello[@]}" -- \
    "$allocsel" "${hello[@]}")
  large=(clang++ -fuse-ld=$ld -o large large.o -L"$libdir" "${llvm_libs[@]}" "${system_libs[@]}")
  # shellcheck disable=SC2046
  report "large LLVM link, $ld" $(python3 "$here/overhead.py" 5 -- "${large[@]}" -- \
    "$allocsel" "${large[@]}")
done
