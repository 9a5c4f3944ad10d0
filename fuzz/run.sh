#!/usr/bin/env bash
# Runs allocsel's fuzz targets (docs/reliability.md, "Fuzzing").
#
#   fuzz/run.sh --smoke [TARGET...]   each target for $FUZZ_SMOKE_SECONDS
#                                     (default 15) from fresh seeds: for CI
#   fuzz/run.sh [TARGET...]           the long run: each target for
#                                     $FUZZ_SECONDS (default 3600), or
#                                     until $FUZZ_RUNS executions if that is
#                                     set (shared out among $FUZZ_JOBS
#                                     workers, default 1), its corpus kept
#                                     in build-fuzz/corpus/
#
# Builds build-fuzz (clang, -DALLOCSEL_FUZZ=ON) first, at -O1 with line
# tables and assertions on, as OSS-Fuzz builds: it compiles in about half
# the time of -O2 -g, and an assertion that fails is a finding. Prints the
# executions and exec/s of each target, a crash reproducer's path if there
# is one, and ends with "N passed, N failed".
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
smoke=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    notes|command-line|linker-script|gcc-lto|inputs) targets+=("$arg") ;;
    *) echo "usage: fuzz/run.sh [--smoke] [notes|command-line|linker-script|gcc-lto|inputs]..." >&2
       exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(notes command-line linker-script gcc-lto inputs)

flags="-O1 -gline-tables-only"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" \
  -DALLOCSEL_FUZZ=ON -DALLOCSEL_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" allocsel-fuzzers >/dev/null

seeds="$build/seeds"
[ -d "$seeds/notes" ] || "$src/fuzz/make-seeds.sh" "$seeds" >/dev/null

# The largest input of each target: a little above its largest seed, so
# that the fuzzer mutates what the parser reads rather than growing inputs
# that only cost time (with 1 MiB for all, exec/s fell as inputs grew).
max_len() {
  case "$1" in
    notes|command-line|linker-script) echo 4096 ;;
    gcc-lto) echo 32768 ;;
    inputs) echo 65536 ;;
  esac
}

if [ "$smoke" = 1 ]; then
  time_args=(-max_total_time="${FUZZ_SMOKE_SECONDS:-15}")
  jobs=1
else
  time_args=(-max_total_time="${FUZZ_SECONDS:-3600}")
  jobs=${FUZZ_JOBS:-1}
  # A count, not a time, is the target (10 M executions): a run that
  # reaches it stops there, however busy the machine. The workers share
  # it out.
  [ -z "${FUZZ_RUNS:-}" ] ||
    time_args+=(-runs="$(( (FUZZ_RUNS + jobs - 1) / jobs ))")
fi
# A 10 MiB quarantine, as OSS-Fuzz runs: ASan's default 256 MiB keeps each
# run's freed memory out of use, so every run faults in fresh pages
# (command-line ran 1.8 times faster with the smaller one). A use after
# free within one run is still caught.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=10}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/allocsel-fuzz-$t"
  artifacts="$build/fuzz-artifacts/$t/"
  mkdir -p "$artifacts"
  if [ "$smoke" = 1 ]; then
    corpus=$(mktemp -d)
  else
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
  fi
  log="$build/fuzz-$t.log"
  # A minute for one input is a hang, and only then is it reported as
  # slow: libFuzzer times wall-clock time, and a run at nice 19 on a busy
  # machine stalls for seconds (inputs that ran in 0.4 s were reported at
  # 10 s). 2 GiB of RSS is an out-of-memory finding.
  limits=(-max_len="$(max_len "$t")" -timeout=60 -report_slow_units=60
          -rss_limit_mb=2048)
  # $FUZZ_JOBS workers, each a fuzzer of its own on the one corpus (each
  # reloads what the others add to it) with its own log, joined after.
  # Not libFuzzer's -jobs: it writes its workers' logs into the working
  # directory, which a target leaves for a scratch one (FuzzSupport.h).
  pids=()
  logs=()
  for ((i = 1; i <= jobs; i++)); do
    logs+=("$log.$i")
    "$bin" "$corpus" "$seeds/$t" "${time_args[@]}" "${limits[@]}" \
      -print_final_stats=1 -artifact_prefix="$artifacts" \
      </dev/null >"$log.$i" 2>&1 &
    pids+=($!)
  done
  status=0
  for pid in "${pids[@]}"; do
    wait "$pid" || status=$?
  done
  cat "${logs[@]}" >"$log"
  rm -f "${logs[@]}"
  [ "$smoke" = 1 ] && rm -rf "$corpus"
  execs=$(awk '/stat::number_of_executed_units:/ {n += $2} END {print n + 0}' "$log")
  rate=$(awk '/stat::average_exec_per_sec:/ {n += $2} END {print n + 0}' "$log")
  if [ "$status" = 0 ] && ! grep -qE '^==[0-9]+==ERROR|runtime error:|Test unit written' "$log"; then
    echo "fuzz $t: $execs executions, $rate exec/s: no finding"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FINDING after $execs executions (log: $log)"
    grep -E 'ERROR|runtime error:|Test unit written|SUMMARY' "$log" | head -5 | sed 's/^/  /'
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
