#!/usr/bin/env python3
"""
signals.py -- a capture piped into `tlsfloor -r -` while signals arrive
(issue 14, items 2 and 6).

  signals.py TLSFLOOR PCAP DIR MODE

Builds a classic pcap of SESSIONS copies of the one session in PCAP (each
from its own client port), starts TLSFLOOR -r - with --inventory DIR/inv,
writes the first half of the capture into its standard input, waits until
it has read it (it blocks in read(2) on the pipe), then:

  hup-usr1  sends SIGHUP and SIGUSR1, checks that the inventory was
            written while the pipe is still open, writes the rest: every
            session must be reported and the exit status must be 0;
  term      sends SIGTERM: the exit status must be 3 (the input was cut
            short) and the sessions read so far reported;
  state     started with umask 022 and a descriptor it inherits (a pipe,
            as a careless parent leaves them): while it reads, that
            descriptor must be closed, and the inventory written on
            SIGUSR1 must have mode 0600 (umask 077 by default), or what
            daemon.umask in the configuration DIR/umask.yaml says if
            that file exists.

Exit status 0 when the checks held, 1 otherwise (the reason on stdout).
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "hostile"))
import pcapkit  # noqa: E402

SESSIONS = 200


def capture(src):
    pkts = pcapkit.load(src)
    recs = []
    for i in range(SESSIONS):
        recs += pcapkit.records(pcapkit.readdress(
            pkts, cport=20000 + i, t0=1700000000000000 + i * 10000))
    return pcapkit.pcap_bytes(recs)


def blocked_in_read(pid, timeout=10.0):
    """Wait until the process sleeps (it has read all there was)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        if state == "S":
            time.sleep(0.2)     # and stays asleep
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "S":
                    return True
        time.sleep(0.05)
    return False


def sessions(out):
    """Session events in the JSON Lines output (each line must parse)."""
    return sum(1 for line in out.splitlines() if json.loads(line))


def main():
    prog, src, d, mode = sys.argv[1:5]
    data = capture(src)
    half = len(data) // 2
    inv = os.path.join(d, "inv.json")
    err = open(os.path.join(d, "stderr"), "w+b")
    # stdout to a file: a pipe would fill while we feed stdin
    outf = open(os.path.join(d, "stdout"), "w+b")
    args = [prog, "-q", "-r", "-", "--inventory", inv]
    cfg = os.path.join(d, "umask.yaml")
    want_mode = 0o600
    if mode == "state" and os.path.exists(cfg):
        args += ["-c", cfg]
        want_mode = 0o640           # the file says 027
    inherited = os.pipe()
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=outf,
                         stderr=err, pass_fds=inherited,
                         preexec_fn=lambda: os.umask(0o022))
    try:
        p.stdin.write(data[:half])
        p.stdin.flush()
    except BrokenPipeError:
        pass                    # it exited: seen just below
    if p.poll() is not None or not blocked_in_read(p.pid):
        p.kill()
        print("tlsfloor never blocked reading the pipe")
        return 1
    problems = []
    if mode == "state":
        fds = os.listdir("/proc/%d/fd" % p.pid)
        for fd in fds:
            try:
                target = os.readlink("/proc/%d/fd/%s" % (p.pid, fd))
            except OSError:
                continue
            for mine in inherited:
                if target == os.readlink("/proc/self/fd/%d" % mine):
                    problems.append("inherited descriptor %s (%s) still "
                                    "open" % (fd, target))
        p.send_signal(signal.SIGUSR1)
        try:
            p.stdin.write(data[half:])
            p.stdin.close()
        except BrokenPipeError:
            problems.append("tlsfloor stopped reading")
        p.wait(timeout=60)
        if not os.path.exists(inv):
            problems.append("no inventory")
        else:
            m = os.stat(inv).st_mode & 0o777
            if m != want_mode:
                problems.append("inventory mode %o, not %o" % (m, want_mode))
        if p.returncode != 0:
            problems.append("exit status %d" % p.returncode)
    elif mode == "hup-usr1":
        p.send_signal(signal.SIGHUP)
        time.sleep(0.1)
        p.send_signal(signal.SIGUSR1)
        # The inventory is written at the next packet read: send one
        # more chunk, then look for the file while the pipe stays open.
        try:
            p.stdin.write(data[half:half + 4096])
            p.stdin.flush()
        except BrokenPipeError:
            pass                # seen below
        deadline = time.monotonic() + 10
        while not os.path.exists(inv) and time.monotonic() < deadline \
                and p.poll() is None:
            time.sleep(0.05)
        if not os.path.exists(inv) or p.poll() is not None:
            problems.append("SIGUSR1 wrote no inventory while reading")
        try:
            p.stdin.write(data[half + 4096:])
            p.stdin.close()
        except (BrokenPipeError, ValueError):
            problems.append("tlsfloor closed the pipe early")
        p.wait(timeout=60)
        outf.seek(0)
        n = sessions(outf.read().decode())
        if p.returncode != 0:
            problems.append("exit status %d" % p.returncode)
        if n != SESSIONS:
            problems.append("%d of %d sessions reported" % (n, SESSIONS))
    else:
        p.send_signal(signal.SIGTERM)
        # the pipe stays open and idle: SIGTERM alone must end the read
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            problems.append("SIGTERM did not cut the read waiting on the "
                            "idle pipe short (still running after 10 s)")
        p.stdin.close()
        p.wait(timeout=60)
        outf.seek(0)
        n = sessions(outf.read().decode())
        if p.returncode != 3:
            problems.append("exit status %d, not 3, though the input was "
                            "cut short" % p.returncode)
        if n == 0 or n >= SESSIONS:
            problems.append("%d sessions reported of the %d in the part "
                            "read" % (n, SESSIONS))
    err.seek(0)
    msg = err.read().decode(errors="replace")
    if problems:
        print("; ".join(problems) + " -- stderr: " + msg[:300])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
