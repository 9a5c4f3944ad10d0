#!/usr/bin/env python3
"""overhead.py RUNS -- PLAIN... -- WRAPPED...: runs the two commands
alternately RUNS times (after one warm-up each) and prints
`PLAIN_MS WRAPPED_MS`, the median wall times, and the medians of CPU time
(user + system of the command and everything it waited for) the same way.
Alternating keeps a drift of the machine's load from favouring one side."""
import os
import subprocess
import sys
import time


def run(cmd):
    start = time.perf_counter()
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(cmd, stdout=null)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("overhead.py: failed: " + " ".join(cmd))
    return (time.perf_counter() - start) * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    args = sys.argv[1:]
    runs = int(args[0])
    sep = [i for i, a in enumerate(args) if a == "--"]
    plain, wrapped = args[sep[0] + 1:sep[1]], args[sep[1] + 1:]
    run(plain), run(wrapped)
    samples = [(run(plain), run(wrapped)) for _ in range(runs)]
    wall = [median(s[k][0] for s in samples) for k in (0, 1)]
    cpu = [median(s[k][1] for s in samples) for k in (0, 1)]
    print("%.1f %.1f %.1f %.1f" % (wall[0], wall[1], cpu[0], cpu[1]))


if __name__ == "__main__":
    main()
