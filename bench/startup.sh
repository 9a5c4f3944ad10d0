#!/usr/bin/env bash
# allocsel runs in every link of a build, so its own start-up must be
# invisible. Prints the median wall time of `allocsel --version` and of
# `allocsel inspect` on Debian's libjemalloc_pic.a (every member read),
# over N runs (default 101), warm cache.
#   bench/startup.sh [path/to/allocsel] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
allocsel=${1:-build/bin/allocsel}
runs=${2:-101}
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc_pic.a

# median_ms CMD...: runs CMD $runs times, prints the median in milliseconds.
median_ms() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm the cache
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.2f}")
PY
}

printf '%-45s %8s ms\n' "/bin/true (process spawn floor)" "$(median_ms /bin/true)"
printf '%-45s %8s ms\n' "allocsel --version" "$(median_ms "$allocsel" --version)"
printf '%-45s %8s ms\n' "allocsel inspect libjemalloc_pic.a" "$(median_ms "$allocsel" inspect "$jemalloc")"

# Wall time depends on the machine's load; instructions do not.
if command -v valgrind >/dev/null; then
  instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
      awk '/Collected/ {print $NF}'
  }
  printf '%-45s %12s\n' "allocsel --version, instructions" "$(instructions "$allocsel" --version)"
  printf '%-45s %12s\n' "allocsel inspect libjemalloc_pic.a, instructions" "$(instructions "$allocsel" inspect "$jemalloc")"
fi
