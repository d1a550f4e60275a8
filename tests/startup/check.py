#!/usr/bin/python3
"""
check.py -- `tlsfloor -n` refuses what a start refuses, with the same words.

    /usr/bin/python3 tests/startup/check.py TLSFLOOR

Each case below is a command line that cannot start.  It is run twice: with
-n (check and exit) and as a real start (the same arguments, no -n; a start
that gets going instead of failing is stopped after a few seconds and is a
failure).  Both runs must exit with the case's status and print the same one
message on stderr, which must match the case's pattern.  Then:

  (As root, three more: nobody, without CAP_NET_RAW, capturing on lo;
  nobody with a filter that does not compile, which must still be called
  that; a live start that drops to nobody, with stats.metrics_path in a
  directory only root may write.)

  * the shipped conf/tlsfloor.yaml with an interface set passes -n, run
    as the systemd unit runs it: an unprivileged user (nobody) keeping
    CAP_NET_RAW (root only);
  * a start under systemd (INVOCATION_ID set) or with -D that cannot start
    says why on stderr and to syslog: run in a private mount namespace
    whose /dev is a fresh tmpfs holding our own /dev/log socket (root
    only; skipped otherwise; no /dev/null there, so no DEVNULL).

Exit status 0 when every check passed, 1 otherwise.
"""
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SAMPLE = os.path.join(TOP, "pcaps", "imap-starttls-tls1_0.pcap")
ROOT = os.geteuid() == 0
failures = 0


def fail(what):
    global failures
    failures += 1
    print("FAIL startup: " + what)


def run(argv, env=None, user=None, timeout=10, caps=False):
    """(exit status, stderr); None status when it had to be stopped.
    caps: the user keeps CAP_NET_RAW, as the systemd unit gives it."""
    pre = []
    if user is not None:
        pre = ["setpriv", "--reuid=%d" % user.pw_uid,
               "--regid=%d" % user.pw_gid, "--clear-groups"]
        if caps:
            pre += ["--inh-caps=+net_raw", "--ambient-caps=+net_raw"]
    try:
        p = subprocess.run(pre + argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        return None, (e.stderr or b"").decode("utf-8", "replace")
    return p.returncode, p.stderr.decode("utf-8", "replace")


def write(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def cases(tmp, nobody):
    """(name, args, exit status, stderr pattern, run as)."""
    ar = write(tmp, "allow-root.yaml", "daemon:\n  allow_root: true\n")
    bpf = write(tmp, "bpf.yaml", "daemon:\n  allow_root: true\n"
                "capture:\n  bpf: \"tcp port 99999\"\n")
    remote = write(tmp, "remote.yaml", "outputs:\n  remote:\n"
                   "    - host: collector.invalid\n      port: 6514\n")
    inv = write(tmp, "inventory.yaml",
                "inventory:\n  path: %s/missing/inventory\n" % tmp)
    shipped = os.path.join(TOP, "conf", "tlsfloor.yaml")
    dropto = None
    if ROOT:
        import grp
        dropto = write(tmp, "drop.yaml", "daemon:\n  user: nobody\n"
                       "  group: %s\nstats:\n  metrics_path: %s/locked/"
                       "tlsfloor.prom\n" % (grp.getgrgid(nobody.pw_gid).gr_name,
                                            tmp))
    locked = os.path.join(tmp, "locked")
    os.mkdir(locked)
    os.chmod(locked, 0o755 if ROOT else 0o555)
    out = [
        ("no input, no configuration", [], 2,
         r"^tlsfloor: nothing to read: give -i INTERFACE .*-r FILE", None),
        ("the shipped configuration as it is", ["-c", shipped], 2,
         r"^tlsfloor: nothing to read: set capture\.interfaces in "
         + re.escape(shipped), None),
        ("an interface that does not exist", ["-c", ar, "-i", "nosuch0"], 1,
         r"^tlsfloor: nosuch0: no such interface", None),
        ("a filter that does not compile", ["-c", bpf, "-i", "lo"], 1,
         r"^tlsfloor: lo: capture\.bpf \"tcp port 99999\" does not "
         r"compile: ", None),
        ("an output directory that does not exist",
         ["-r", SAMPLE, "-o", os.path.join(tmp, "missing", "ev.json")], 1,
         r"^tlsfloor: outputs\.json\.path .*/missing/ev\.json: cannot "
         r"create files in .*/missing: No such file or directory", None),
        ("an output directory we may not write",
         ["-r", SAMPLE, "-f", "text", "-o", os.path.join(locked, "ev.txt")],
         1, r"^tlsfloor: outputs\.text\.path .*/locked/ev\.txt: cannot "
         r"create files in .*/locked: Permission denied", nobody),
        ("an inventory directory that does not exist",
         ["-c", inv, "-r", SAMPLE], 1,
         r"^tlsfloor: inventory\.path .*: cannot create files in", None),
        ("a collector name that does not resolve",
         ["-c", remote, "-r", SAMPLE], 1,
         r"^tlsfloor: outputs\.remote: collector \"collector\.invalid\" "
         r"does not resolve: ", None),
    ]
    if nobody is not None:
        out.append(
            ("an interface this user may not capture on",
             ["-c", shipped, "-i", "lo"], 1,
             r"^tlsfloor: lo: no permission to capture: ", nobody))
        out.append(
            ("a filter that does not compile, for a user who may not "
             "capture", ["-c", bpf, "-i", "lo"], 1,
             r"^tlsfloor: lo: capture\.bpf \"tcp port 99999\" does not "
             r"compile: ", nobody))
    if dropto is not None:
        out.append(
            ("a metrics directory the daemon user may not write (root, "
             "live)", ["-c", dropto, "-i", "lo"], 1,
             r"^tlsfloor: stats\.metrics_path .*/locked/tlsfloor\.prom: "
             r"daemon\.user nobody cannot create files in .*/locked "
             r"\(owner 0:0, mode 0755\)$", None))
    return out


def check_same(bin_, name, args, status, pattern, user):
    rc_n, err_n = run([bin_, "-n"] + args, user=user)
    rc_s, err_s = run([bin_] + args, user=user)
    if rc_s is None:
        fail("%s: the start did not fail (stopped after 10 s)" % name)
        return
    if rc_n != status or rc_s != status:
        fail("%s: exit %s from -n and %s from the start, want %d"
             % (name, rc_n, rc_s, status))
    if err_n != err_s:
        fail("%s: -n and the start say different things:\n  -n:    %r\n"
             "  start: %r" % (name, err_n, err_s))
    lines = err_n.splitlines()
    if len(lines) != 1 or not re.search(pattern, lines[0]):
        fail("%s: stderr %r does not match %r" % (name, err_n, pattern))
    else:
        print("ok startup: %s: %s" % (name, lines[0]))


def check_shipped(bin_, nobody):
    shipped = os.path.join(TOP, "conf", "tlsfloor.yaml")
    if not ROOT:
        print("skip startup: the shipped configuration as the unit runs "
              "it (needs root to become an unprivileged user with "
              "CAP_NET_RAW)")
        return
    rc, err = run([bin_, "-n", "-c", shipped, "-i", "lo"], user=nobody,
                  caps=True)
    if rc != 0:
        fail("the shipped configuration with -i lo, as nobody with "
             "CAP_NET_RAW: exit %s: %r" % (rc, err))
    else:
        print("ok startup: the shipped configuration with -i lo passes -n "
              "as an unprivileged user with CAP_NET_RAW (as the unit runs "
              "it)")


SYSLOG_CHILD = r"""
import os, socket, subprocess, sys, json
os.makedirs("/dev", exist_ok=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(0.5)
env = dict(os.environ)
env.update(json.loads(sys.argv[1]))
p = subprocess.run(json.loads(sys.argv[2]), input=b"",
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   env=env, timeout=10, check=False)
msgs = []
while True:
    try:
        msgs.append(s.recv(65536).decode("utf-8", "replace"))
    except socket.timeout:
        break
print(json.dumps({"rc": p.returncode, "stderr": p.stderr.decode(),
                  "syslog": msgs}))
"""


def check_syslog(bin_, tmp):
    import json
    if not ROOT or shutil.which("unshare") is None:
        print("skip startup: syslog on a failed start (needs root and "
              "unshare)")
        return
    shipped = os.path.join(TOP, "conf", "tlsfloor.yaml")
    for label, env, argv in [
            ("under systemd", {"INVOCATION_ID": "0123456789abcdef"},
             [bin_, "-c", shipped]),
            ("under systemd, -n", {"INVOCATION_ID": "0123456789abcdef"},
             [bin_, "-n", "-c", shipped]),
            ("with -D", {}, [bin_, "-D", "-c", shipped])]:
        child = [sys.executable, "-c", SYSLOG_CHILD, json.dumps(env),
                 json.dumps(argv)]
        p = subprocess.run(["unshare", "--mount", "sh", "-c",
                            "mount --make-rprivate / && "
                            "mount -t tmpfs tmpfs /dev && exec \"$@\"",
                            "sh"] + child, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30, check=False)
        if p.returncode != 0:
            fail("syslog %s: the namespace did not run: %r" %
                 (label, p.stderr.decode("utf-8", "replace")))
            continue
        r = json.loads(p.stdout)
        want = "nothing to read: set capture.interfaces in " + shipped
        if r["rc"] != 2 or want not in r["stderr"]:
            fail("syslog %s: exit %s, stderr %r" % (label, r["rc"],
                                                    r["stderr"]))
        elif not any(want in m and "tlsfloor[" in m for m in r["syslog"]):
            fail("syslog %s: not in syslog: %r" % (label, r["syslog"]))
        else:
            print("ok startup: a failed start %s says why on stderr and "
                  "in syslog" % label)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    bin_ = os.path.abspath(sys.argv[1])
    nobody = pwd.getpwnam("nobody") if ROOT else None
    tmp = tempfile.mkdtemp(prefix="tlsfloor-startup.")
    os.chmod(tmp, 0o755)
    try:
        for name, args, status, pattern, user in cases(tmp, nobody):
            check_same(bin_, name, args, status, pattern, user)
        check_shipped(bin_, nobody)
        check_syslog(bin_, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
