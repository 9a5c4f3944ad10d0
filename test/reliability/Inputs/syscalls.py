#!/usr/bin/env python3
"""What allocsel's own processes did to files and the network, from a trace
of `strace -f -qq -s 4096 -e trace=%file,%net,%process -o TRACE ...`.

A process is allocsel's while the program it runs is allocsel (a path
under ALLOCSEL_BUILD: the tool, a front, a personality); a child is its
parent's until its own execve succeeds. One line per call that changes a
file or touches the network, in order:

    create exclusive PATH    open with O_CREAT|O_EXCL
    create PATH              open with O_CREAT (may clobber a file)
    write PATH               open for writing an existing file
    remove PATH / rename OLD NEW / mkdir PATH / chmod PATH / ...
    net CALL                 socket, connect, bind, sendto, ...

usage: syscalls.py TRACE ALLOCSEL_BUILD
"""
import re
import sys

trace, build = sys.argv[1], sys.argv[2]
line_re = re.compile(r"^(\d+)\s+(.*)$")
call_re = re.compile(r"^([a-z0-9_]+)\((.*)$")
string_re = re.compile(r'"((?:[^"\\]|\\.)*)"')

program = {}  # pid -> the program it runs
pending_call = {}  # pid -> the start of a call not finished yet

CHANGES = {
    "unlink": "remove", "unlinkat": "remove", "rmdir": "rmdir",
    "rename": "rename", "renameat": "rename", "renameat2": "rename",
    "link": "link", "linkat": "link", "symlink": "symlink",
    "symlinkat": "symlink", "mkdir": "mkdir", "mkdirat": "mkdir",
    "truncate": "truncate", "chmod": "chmod", "fchmodat": "chmod",
    "chown": "chown", "fchownat": "chown", "lchown": "chown",
    "utimensat": "utime", "utimes": "utime", "mknod": "mknod",
    "mknodat": "mknod",
}
NET = {"socket", "connect", "bind", "listen", "accept", "accept4", "sendto",
       "sendmsg", "recvfrom", "socketpair"}


def ours(pid):
    return program.get(pid, "").startswith(build)


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1").decode()


def report(pid, name, args, result):
    strings = [unescape(s) for s in string_re.findall(args)]
    if name == "execve":
        if result == "0" and strings:
            program[pid] = strings[0]
        return
    if name in ("clone", "clone3", "fork", "vfork"):
        # strace may show the child's execve before the parent's return.
        if result.isdigit():
            program.setdefault(int(result), program.get(pid, ""))
        return
    if not ours(pid) or result.startswith("-1"):
        return
    if name in ("open", "openat", "creat"):
        flags = re.search(r'", (O_[A-Z_|]+)', args)
        flags = "O_CREAT" if name == "creat" else flags.group(1) if flags else ""
        if "O_CREAT" in flags:
            kind = "create exclusive" if "O_EXCL" in flags else "create"
        elif "O_WRONLY" in flags or "O_RDWR" in flags or "O_TRUNC" in flags:
            kind = "write"
        else:
            return
        print(kind, strings[0])
    elif name in CHANGES:
        print(CHANGES[name], " ".join(strings))
    elif name in NET:
        print("net", name)


for raw in open(trace, errors="replace"):
    m = line_re.match(raw.rstrip("\n"))
    if not m:
        continue
    pid, text = int(m.group(1)), m.group(2)
    if text.startswith("<... "):
        # `<... NAME resumed>REST) = RESULT`
        start = pending_call.pop(pid, None)
        if start is None:
            continue
        text = start + text.split(">", 1)[1]
    elif text.endswith("<unfinished ...>"):
        pending_call[pid] = text[: -len("<unfinished ...>")]
        continue
    c = call_re.match(text)
    if not c:
        continue
    name, rest = c.group(1), c.group(2)
    args, _, result = rest.rpartition(" = ")
    report(pid, name, args, result.split(" ")[0])
