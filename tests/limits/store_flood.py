#!/usr/bin/env python3
"""Store flood: a million distinct clients cost the inventory database at
most 64 MiB of peak resident memory.

Writes (at test time, into a temporary directory) a capture of N IMAP
clients, each from its own address, each sending a SYN and one line of
plaintext ("a1 CAPABILITY") to 10.0.0.1:143 -- N sessions, N records.
Runs tlsfloor over it twice with the same --memcap: without a store, then
with --inventory-db, and asserts:

  * peak RSS (wait4 rusage of each run) with the store <= peak RSS without
    it + 64 MiB: the records live in the database, not in memory;
  * every session reached the database: store.sessions_written = N, no
    session dropped, N records with one session each.

Usage: store_flood.py TLSFLOOR [N]   (N defaults to 1000000)
With TLSFLOOR_SANITIZED=1 (an ASan build) the RSS bound is not asserted
and N defaults to 200000.
"""
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile

MEMCAP = 8 << 20
LIMIT = 64 << 20


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, sport, seq, flags, payload):
    eth = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
    tcp = struct.pack("!HHIIBBHHH", sport, 143, seq, 0, 5 << 4, flags,
                      64240, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000,
                     64, 6, 0, src, b"\x0a\x00\x00\x01")
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return eth + ip + tcp + payload


def write_flood(path, n):
    line = b"a1 CAPABILITY\r\n"
    t = 1767225600 * 1000000
    with open(path, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            src = bytes([11, (i >> 16) & 255, (i >> 8) & 255, i & 255])
            sport = 1024 + i % 60000
            for f in (frame(src, sport, 1000, 0x02, b""),
                      frame(src, sport, 1001, 0x18, line)):
                fp.write(struct.pack("<IIII", t // 1000000, t % 1000000,
                                     len(f), len(f)) + f)
                t += 2


def run(tlsfloor, args):
    p = subprocess.Popen([tlsfloor, "-v", "--memcap", str(MEMCAP)] + args,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("store_flood: tlsfloor exit %d: %s" % (p.returncode, err))
    counters = dict(l.split()[:2] for l in err.splitlines()
                    if l.startswith("  "))
    return ru.ru_maxrss * 1024, counters


def main():
    tlsfloor = sys.argv[1]
    sanitized = os.environ.get("TLSFLOOR_SANITIZED") == "1"
    # Under ASan RSS says nothing (not asserted) and every packet costs
    # more: a fifth of the clients still checks that none is lost.
    n = int(sys.argv[2]) if len(sys.argv) > 2 else \
        200000 if sanitized else 1000000
    with tempfile.TemporaryDirectory() as tmp:
        flood = os.path.join(tmp, "flood.pcap")
        db = os.path.join(tmp, "inv.db")
        write_flood(flood, n)
        base, c0 = run(tlsfloor, ["-r", flood])
        rss, c1 = run(tlsfloor, ["-r", flood, "--inventory-db", db])
        con = sqlite3.connect(db)
        nrec, nsess, maxs = con.execute(
            "SELECT count(*), sum(sessions), max(sessions) FROM records"
        ).fetchone()
        con.close()
    written = int(c1.get("store.sessions_written", "0"))
    dropped = int(c1.get("store.sessions_dropped", "0"))
    print("store_flood: %d clients; peak RSS %.1f MiB with the store, %.1f "
          "without (+%.1f MiB, limit %d); %d sessions written, %d dropped, "
          "%d records" % (n, rss / 2**20, base / 2**20,
                          (rss - base) / 2**20, LIMIT >> 20, written,
                          dropped, nrec))
    ok = True
    if rss > base + LIMIT and not sanitized:
        print("FAIL store_flood: the store costs more than 64 MiB")
        ok = False
    total = int(c0.get("session.total", "0"))
    if total != n or written != n or dropped != 0 or nrec != n or \
            nsess != n or maxs != 1:
        print("FAIL store_flood: %d sessions (%d expected), %d written, "
              "%d dropped, %d records, %s sessions, max %s" %
              (total, n, written, dropped, nrec, nsess, maxs))
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
