#!/usr/bin/env python3
"""
diskfull.py -- events written to a file system that fills up, twice
(issue 14, item 5).  Run it in a private mount namespace (run.sh does:
unshare -m), as root.

  diskfull.py TLSFLOOR PCAP DIR

Mounts a 128 KiB tmpfs on DIR/mnt, fills 96 KiB of it with a file, and pipes
sessions into TLSFLOOR -r - -o DIR/mnt/out.json (each event reaches the
file at once when reading a pipe).  The disk fills (episode 1); the filler
is removed and more sessions follow (writing resumes), until the disk
fills again (episode 2).  Then:

  * every line of out.json is one whole JSON event (no torn line, no event
    joined to the tail of another), and the file ends with a newline;
  * stderr reports the start of both episodes and the resumption;
  * the exit status is non-zero (events were lost).

Exit status 0 when that held, 1 otherwise (the reason on stdout).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "hostile"))
import pcapkit  # noqa: E402

START = "write (events are held back"
RESUME = "writing again"


def sessions(pkts, first, n):
    recs = []
    for i in range(first, first + n):
        recs += pcapkit.records(pcapkit.readdress(
            pkts, cport=10000 + i, t0=1700000000000000 + i * 10000))
    return recs


def wait_for(path, text, count, p, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open(path, errors="replace") as f:
            if f.read().count(text) >= count:
                return True
        if p.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def main():
    prog, src, d = sys.argv[1:4]
    mnt = os.path.join(d, "mnt")
    os.makedirs(mnt, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", mnt],
                   check=True)
    filler = os.path.join(mnt, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * 98304)
    pkts = pcapkit.load(src)
    out = os.path.join(mnt, "out.json")
    errpath = os.path.join(d, "stderr")
    err = open(errpath, "wb")
    p = subprocess.Popen([prog, "-q", "-r", "-", "-o", out],
                         stdin=subprocess.PIPE, stderr=err)
    problems = []
    try:
        p.stdin.write(pcapkit.pcap_header())
        # ~1.7 KB an event: 40 sessions overfill the 32 KiB left; 96 KiB
        # freed then hold what was held back (64 KiB at most) and more
        for chunk in range(40):
            p.stdin.write(pcapkit.pcap_bytes(sessions(pkts, chunk, 1))[24:])
        p.stdin.flush()
        if not wait_for(errpath, START, 1, p):
            problems.append("the disk filled and nothing was reported")
        os.unlink(filler)
        for chunk in range(40, 200):
            p.stdin.write(pcapkit.pcap_bytes(sessions(pkts, chunk, 1))[24:])
            p.stdin.flush()
        if not wait_for(errpath, START, 2, p):
            problems.append("the second disk-full episode was not "
                            "reported")
        p.stdin.close()
    except BrokenPipeError:
        problems.append("tlsfloor stopped reading")
    p.wait(timeout=60)
    log = open(errpath, errors="replace").read()
    if RESUME not in log:
        problems.append("the resumption was not reported")
    if p.returncode == 0:
        problems.append("exit status 0 though events were lost")
    with open(out, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if data and not data.endswith(b"\n"):
        problems.append("the file ends inside an event")
    bad = 0
    for line in lines[:-1]:
        try:
            json.loads(line)
        except ValueError:
            bad += 1
    if bad:
        problems.append("%d of %d lines are not whole JSON events"
                        % (bad, len(lines) - 1))
    if len(lines) - 1 < 30:
        problems.append("only %d events written" % (len(lines) - 1))
    subprocess.run(["umount", mnt])
    if problems:
        print("; ".join(problems) + " -- stderr: " + log[:400])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
