#!/usr/bin/python3
"""sandbox.py UNIT CMD [ARG...] -- exec CMD under the seccomp filters that
systemd builds from UNIT's SystemCallFilter=, SystemCallErrorNumber=,
SystemCallArchitectures=native, RestrictAddressFamilies= and
MemoryDenyWriteExecute=yes, for tests where systemd is not PID 1
(tests/package/hardened.sh).

The groups (@system-service, ~@privileged, ...) are expanded with
systemd-analyze syscall-filter, so the list is systemd's own.  As in
systemd: the first SystemCallFilter= line decides allow- or deny-list, a
later ~ line takes its calls out of an allow-list; calls outside the list
fail with SystemCallErrorNumber (EPERM); socket() with a family not listed
fails too (EPERM here, EAFNOSUPPORT under systemd); mmap() writable and executable at once and
mprotect()/pkey_mprotect() to executable fail with EPERM.  The caller sets
no_new_privs first (setpriv --no-new-privs), as NoNewPrivileges=yes does.
"""
import errno
import os
import re
import socket
import subprocess
import sys

import seccomp

# systemd allows these whatever the list says (seccomp-util.c).
ALWAYS = ["execve", "exit", "exit_group", "getrlimit", "rt_sigreturn",
          "sigreturn"]
FAMILIES = {"AF_UNIX": socket.AF_UNIX, "AF_INET": socket.AF_INET,
            "AF_INET6": socket.AF_INET6, "AF_NETLINK": socket.AF_NETLINK,
            "AF_PACKET": socket.AF_PACKET}
PROT_WRITE, PROT_EXEC = 0x2, 0x4


def groups():
    """{'@name': [member, ...]} from systemd-analyze syscall-filter."""
    out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"],
                         check=True, capture_output=True, text=True).stdout
    g, cur = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            cur = g.setdefault(line.strip(), [])
        elif cur is not None and line.strip() and not line.strip().startswith("#"):
            cur.append(line.strip())
    return g


def expand(name, g, seen=None):
    seen = set() if seen is None else seen
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    if name not in g:
        sys.exit("sandbox.py: unknown system-call group %s" % name)
    calls = set()
    for m in g[name]:
        calls |= expand(m, g, seen)
    return calls


def unit_settings(path):
    s = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^\s*([A-Za-z]+)=(.*)$", line)
            if m:
                s.setdefault(m.group(1), []).append(m.group(2).strip())
    return s


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: sandbox.py UNIT CMD [ARG...]")
    u = unit_settings(sys.argv[1])
    g = groups()
    lines = u.get("SystemCallFilter", [])
    if not lines or lines[0].startswith("~"):
        sys.exit("sandbox.py: %s has no SystemCallFilter allow-list" % sys.argv[1])
    allow = set()
    for ln in lines:
        deny = ln.startswith("~")
        names = set()
        for w in ln.lstrip("~").split():
            names |= expand(w, g)
        allow = allow - names if deny else allow | names
    allow |= set(ALWAYS)
    err = u.get("SystemCallErrorNumber", ["EPERM"])[-1]
    f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(getattr(errno, err)))
    special = {"socket", "mmap", "mprotect", "pkey_mprotect"}
    for name in sorted(allow - special):
        try:
            f.add_rule(seccomp.ALLOW, name)
        except (RuntimeError, ValueError, OSError):
            pass    # not a system call on this architecture
    fams = " ".join(u.get("RestrictAddressFamilies", [])).split()
    if "socket" in allow:
        if fams:
            for fam in fams:
                f.add_rule(seccomp.ALLOW, "socket",
                           seccomp.Arg(0, seccomp.EQ, FAMILIES[fam]))
        else:
            f.add_rule(seccomp.ALLOW, "socket")
    mdwe = u.get("MemoryDenyWriteExecute", ["no"])[-1] == "yes"
    for name in ("mmap", "mprotect", "pkey_mprotect"):
        if name not in allow:
            continue
        if not mdwe:
            f.add_rule(seccomp.ALLOW, name)
        elif name == "mmap":
            both = PROT_WRITE | PROT_EXEC
            for ok in (0, PROT_WRITE, PROT_EXEC):
                f.add_rule(seccomp.ALLOW, name,
                           seccomp.Arg(2, seccomp.MASKED_EQ, both, ok))
        else:
            f.add_rule(seccomp.ALLOW, name,
                       seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, 0))
    f.load()
    os.execv(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    main()
