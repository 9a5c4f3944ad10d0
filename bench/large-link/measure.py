#!/usr/bin/env python3
"""measure.py RUNS CMD...: runs CMD once to warm the cache, then RUNS times,
and prints `WALL_MS CPU_MS PEAK_KB`, the medians of each run's wall time,
CPU time (user + system) and peak resident memory (ru_maxrss), from wait4.
CPU time is the figure to trust on a busy machine. stdout goes to
/dev/null; a failing run is an error."""
import os
import subprocess
import sys
import time


def run(cmd):
    start = time.perf_counter()
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(cmd, stdout=null)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("measure.py: failed: " + " ".join(cmd[:3]) + " ...")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    runs, cmd = int(sys.argv[1]), sys.argv[2:]
    run(cmd)
    results = [run(cmd) for _ in range(runs)]
    print("%.1f %.1f %d" % tuple(median(r[k] for r in results) for k in range(3)))


if __name__ == "__main__":
    main()
