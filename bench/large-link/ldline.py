#!/usr/bin/env python3
"""ldline.py DRIVER ARGS...: runs `DRIVER -### ARGS...` and prints the
linker command it would run, one word a line (the program first)."""
import shlex
import subprocess
import sys

out = subprocess.run([sys.argv[1], "-###"] + sys.argv[2:], capture_output=True,
                     text=True, check=True).stderr
lines = [l for l in out.splitlines() if l.startswith(" ")]
for word in shlex.split(lines[-1]):
    print(word)
