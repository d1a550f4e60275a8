#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""
check.py -- run tlsfloor on every hostile input of cases.py and check it.

    /usr/bin/python3 tests/hostile/check.py TLSFLOOR [CASE...]

For each case: the inputs are written into a fresh temporary directory,
tlsfloor runs there (so messages name the files as given), and the
following are checked, as the case says:

  * the exit status, and no crash: no signal, no AddressSanitizer,
    LeakSanitizer or UndefinedBehaviorSanitizer report on stderr;
  * stderr lines (regular expressions), e.g. "FILE: packet N: what";
  * the session events: how many, and for each named client (address,
    port) the fields that must have a value (None: absent or null) and
    the anomalies that must be listed;
  * -v counters: exact values (0 = not printed) and minimums;
  * CPU time (user + system of the child, from wait4) and peak RSS over
    the RSS of a run on the plain sample session.

Under sanitizers (TLSFLOOR_SANITIZED=1, or the binary links libasan) the
CPU allowance is multiplied by 8 and RSS is not checked: shadow memory and
quarantine say nothing about our accounting.  Exit status: 0 when every
case passed, 1 otherwise.  HOSTILE_KEEP=1 keeps the directory.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # nothing written next to the sources
sys.path.insert(0, HERE)

import cases as CS                                      # noqa: E402

SAN_MARKERS = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|"
                         r"runtime error:|SUMMARY: \w+Sanitizer")


def sanitized(binary):
    env = os.environ.get("TLSFLOOR_SANITIZED")
    if env is not None:
        return env == "1"
    try:
        out = subprocess.run(["ldd", binary], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=False).stdout
    except OSError:
        return False
    return b"libasan" in out or b"libubsan" in out


# The children are started by a small helper process, itself started
# before anything big is generated: a child's peak RSS (ru_maxrss) counts
# the memory of the process that forked it, up to its exec.
SPAWNER = r"""
import json, os, sys, time
for line in sys.stdin:
    r = json.loads(line)
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(r["cwd"])
            fds = [os.open(r["stdin"], os.O_RDONLY),
                   os.open(r["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                   os.open(r["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]
            for i, fd in enumerate(fds):
                os.dup2(fd, i)
            os.execve(r["argv"][0], r["argv"], r["env"])
        finally:
            os._exit(127)
    t0 = time.monotonic()
    while True:
        p, status, ru = os.wait4(pid, os.WNOHANG)
        if p:
            break
        if time.monotonic() - t0 > r["timeout"]:
            os.kill(pid, 9)
            p, status, ru = os.wait4(pid, 0)
            status = -1
            break
        time.sleep(0.002)
    print(json.dumps({"status": status, "cpu": ru.ru_utime + ru.ru_stime,
                      "rss": ru.ru_maxrss * 1024,
                      "wall": time.monotonic() - t0}), flush=True)
"""


class Spawner(object):
    def __init__(self):
        self.p = subprocess.Popen([sys.executable, "-c", SPAWNER],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  universal_newlines=True)

    def run(self, binary, args, cwd, stdin=None, timeout=60):
        """(status, stdout, stderr, cpu seconds, peak RSS bytes, wall)."""
        env = dict(os.environ, TZ="UTC")
        req = {"argv": [binary] + args, "cwd": cwd, "env": env,
               "stdin": os.path.join(cwd, stdin) if stdin else os.devnull,
               "stdout": os.path.join(cwd, ".stdout"),
               "stderr": os.path.join(cwd, ".stderr"),
               "timeout": timeout}
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        res = json.loads(self.p.stdout.readline())
        with open(req["stdout"], "rb") as fp:
            so = fp.read().decode("utf-8", "replace")
        with open(req["stderr"], "rb") as fp:
            se = fp.read().decode("utf-8", "replace")
        status = res["status"]
        if status == -1:
            code = "timeout"
        elif os.WIFSIGNALED(status):
            code = -os.WTERMSIG(status)
        else:
            code = os.WEXITSTATUS(status)
        return code, so, se, res["cpu"], res["rss"], res["wall"]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def dotted(ev, path):
    cur = ev
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def counters_of(stderr):
    out = {}
    on = False
    for line in stderr.splitlines():
        if line.startswith("tlsfloor: counters:"):
            on = True
            continue
        if on and line.startswith("  "):
            parts = line.split()
            if len(parts) == 2:
                out[parts[0]] = int(parts[1])
    return out


def check(c, code, so, se, cpu, rss, base_rss, san):
    bad = []
    if code == "timeout":
        return ["did not finish in time (hang?)"]
    if isinstance(code, int) and code < 0:
        bad.append("killed by signal %d (crash)" % -code)
    m = SAN_MARKERS.search(se)
    if m:
        bad.append("sanitizer report: %s" % se[m.start():m.start() + 600])
    if code != c.exit:
        bad.append("exit %s, expected %d" % (code, c.exit))
    for rx in c.stderr:
        if not re.search(rx, se, re.M):
            bad.append("stderr lacks /%s/" % rx)
    for rx in c.stderr_not:
        if re.search(rx, se, re.M):
            bad.append("stderr has /%s/" % rx)
    events = []
    for n, line in enumerate(so.splitlines(), 1):
        try:
            ev = json.loads(line)
        except ValueError as e:
            bad.append("stdout line %d is not JSON (%s): %.120r" %
                       (n, e, line))
            continue
        if dotted(ev, "event.dataset") == "tlsfloor.session":
            events.append(ev)
    if c.nevents is not None and len(events) != c.nevents:
        bad.append("%d session events, expected %d: %s" % (
            len(events), c.nevents,
            ", ".join("%s:%s" % (dotted(e, "source.ip"),
                                 dotted(e, "source.port")) for e in events)))
    for ip, port, fields in c.events:
        mine = [e for e in events if dotted(e, "source.ip") == ip and
                dotted(e, "source.port") == port]
        if fields is None:
            if mine:
                bad.append("%s:%d reported, expected not" % (ip, port))
            continue
        if isinstance(fields, int):
            if len(mine) != fields:
                bad.append("%s:%d reported %d times, expected %d" %
                           (ip, port, len(mine), fields))
            continue
        if len(mine) != 1:
            bad.append("%s:%d reported %d times, expected once" %
                       (ip, port, len(mine)))
            continue
        ev = mine[0]
        for path, want in sorted(fields.items()):
            got = dotted(ev, path)
            if got != want:
                bad.append("%s:%d %s = %r, expected %r" %
                           (ip, port, path, got, want))
    for (ip, port), want in c.anom.items():
        mine = [e for e in events if dotted(e, "source.ip") == ip and
                dotted(e, "source.port") == port]
        got = dotted(mine[0], "tlsfloor.anomalies") if mine else None
        missing = [a for a in want if a not in (got or [])]
        if mine and missing:
            bad.append("%s:%d anomalies %r lack %r" % (ip, port, got,
                                                       missing))
    cnt = counters_of(se)
    for name, want in sorted(c.counters.items()):
        if cnt.get(name, 0) != want:
            bad.append("counter %s = %d, expected %d" %
                       (name, cnt.get(name, 0), want))
    for name, want in sorted(c.at_least.items()):
        if cnt.get(name, 0) < want:
            bad.append("counter %s = %d, expected at least %d" %
                       (name, cnt.get(name, 0), want))
    if c.cpu is not None:
        allowed = c.cpu * (8 if san else 1)
        if cpu > allowed:
            bad.append("%.2f s of CPU, allowed %.1f" % (cpu, allowed))
    if c.rss is not None and not san and rss - base_rss > c.rss:
        bad.append("peak RSS %.1f MiB over the baseline's %.1f MiB, "
                   "allowed %.1f" % ((rss - base_rss) / 2**20,
                                     base_rss / 2**20, c.rss / 2**20))
    return bad


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    names = set(sys.argv[2:])
    san = sanitized(binary)
    timeout = 300 if san else 60
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="tlsfloor-hostile.")
    failed = []
    sp = Spawner()
    run = sp.run
    try:
        # The baseline: the sample session alone.
        base = os.path.join(tmp, "baseline")
        os.mkdir(base)
        with open(os.path.join(base, "sample.pcap"), "wb") as fp:
            fp.write(CS.pcap_of(CS.good(1, CS.T0)))
        code, so, se, cpu, base_rss, _ = run(binary, ["-r", "sample.pcap"],
                                             base)
        if code != 0 or len(so.splitlines()) != 1:
            print("FAIL baseline: exit %s, stdout %r, stderr %r" %
                  (code, so[:200], se[:500]))
            return 1
        t_gen = 0.0
        ncases = 0
        for fn in CS.CASES:
            t0 = time.monotonic()
            c = fn()
            if names and c.name not in names:
                continue
            ncases += 1
            d = os.path.join(tmp, c.name)
            os.mkdir(d)
            CS.write_case(c, d)
            t_gen += time.monotonic() - t0
            code, so, se, cpu, rss, wall = run(binary, c.args, d, c.stdin,
                                               timeout)
            bad = check(c, code, so, se, cpu, rss, base_rss, san)
            info = "%.2f s CPU, RSS +%.1f MiB" % (cpu,
                                                  (rss - base_rss) / 2**20)
            if bad:
                failed.append(c.name)
                print("FAIL %-40s %s" % (c.name, info))
                for b in bad[:12]:
                    print("     - %s" % b)
                if len(bad) > 12:
                    print("     - ... and %d more" % (len(bad) - 12))
                print("     (tlsfloor %s; %s)" % (" ".join(c.args), c.what))
                if os.environ.get("HOSTILE_VERBOSE"):
                    print(se)
            else:
                print("ok   %-40s %s" % (c.name, info))
        print("hostile: %d cases, %d failed (%.1f s, %.1f s generating%s)" %
              (ncases, len(failed), time.monotonic() - t_start, t_gen,
               ", sanitized build" if san else ""))
        if failed:
            print("hostile: failed: %s" % " ".join(failed))
    finally:
        sp.close()
        if os.environ.get("HOSTILE_KEEP"):
            print("hostile: inputs kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
