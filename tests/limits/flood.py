#!/usr/bin/env python3
"""Flood test: memory stays under the configured budget whatever the input.

Writes (at test time, into a temporary directory) a capture of N SYNs from
random addresses and ports to an IMAP server, with a real legacy mail
session (pcaps/crafted/01-...: POP3 STLS, TLS 1.0) spliced into the middle,
runs tlsfloor on it with a small --memcap, and asserts:

  * peak resident memory (getrusage of the child) <= the RSS of the same
    binary on the lone session + the memcap + the hash table for
    --max-flows + a fixed slack;
  * the mail session inside the flood is still reported, with its verdict;
  * flows were evicted (the limit was really hit) and the run was not
    slower than linear (it finishes within the harness's timeout);
  * the accounting itself, in every build: the high-water mark of the
    memory charged to flows (counter flow.memory_peak) reached at least
    90% of --memcap and never went past it by more than MEMCAP_OVER (a
    flow being ended may allocate while it delivers what it queued).

Usage: flood.py TLSFLOOR [N]
With TLSFLOOR_SANITIZED=1 (an ASan build) the RSS bound is not asserted
(quarantine and shadow memory), the accounting bound still is.
"""
import json
import os
import random
import resource
import struct
import subprocess
import sys
import tempfile

MEMCAP = 8 << 20
MAX_FLOWS = 1 << 20
SLACK = 6 << 20
MEMCAP_OVER = 64 << 10
SESSION = "pcaps/crafted/01-pop3-stls-tls10-ch-3-segments.pcap"


def read_pcap(path):
    with open(path, "rb") as fp:
        data = fp.read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4, "little-endian pcap"
    linktype = struct.unpack("<I", data[20:24])[0]
    assert linktype == 1, "Ethernet"
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec, usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return recs


def csum(b):
    s = 0
    for i in range(0, len(b), 2):
        s += (b[i] << 8) + (b[i + 1] if i + 1 < len(b) else 0)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn_frame(rng, dst):
    src = bytes([10, rng.randrange(256), rng.randrange(256),
                 rng.randrange(1, 255)])
    eth = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
    tcp = struct.pack("!HHIIBBHHH", rng.randrange(1024, 65536), 143,
                      rng.getrandbits(32), 0, 5 << 4, 0x02, 64240, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return eth + ip + tcp


def write_flood(path, n, session):
    rng = random.Random(4242)
    dst = bytes([10, 0, 0, 1])
    base = session[0][0]
    mid = n // 2
    with open(path, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t = (base - 1) * 1000000
        for i in range(n):
            if i == mid:
                for sec, usec, frame, orig in session:
                    fp.write(struct.pack("<IIII", sec, usec, len(frame),
                                         orig) + frame)
                t = (session[-1][0] + 1) * 1000000
            frame = syn_frame(rng, dst)
            fp.write(struct.pack("<IIII", t // 1000000, t % 1000000,
                                 len(frame), len(frame)) + frame)
            t += 3  # ~330k SYNs a second


def run(tlsfloor, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run([tlsfloor, "-v", "--memcap", str(MEMCAP),
                        "--max-flows", str(MAX_FLOWS), "-r", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode != 0:
        sys.exit("flood: tlsfloor exit %d: %s" % (p.returncode, p.stderr))
    return p, max(before, after) * 1024


def main():
    tlsfloor = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    # Under ASan the allocator keeps quarantines and shadow memory: RSS
    # says nothing about our accounting there, only the verdicts count.
    sanitized = os.environ.get("TLSFLOOR_SANITIZED") == "1"
    session = read_pcap(SESSION)
    with tempfile.TemporaryDirectory() as tmp:
        # The lone session first: it sets the baseline RSS (binary,
        # libraries, output) and the children's maximum starts there.
        _, base_rss = run(tlsfloor, SESSION)
        flood = os.path.join(tmp, "flood.pcap")
        write_flood(flood, n, session)
        p, rss = run(tlsfloor, flood)
    buckets = MAX_FLOWS * 8
    budget = base_rss + MEMCAP + buckets + SLACK
    events = [json.loads(l) for l in p.stdout.decode().splitlines()]
    counters = dict(l.split()[:2] for l in p.stderr.decode().splitlines()
                    if l.startswith("  "))
    print("flood: %d SYNs + 1 mail session; peak RSS %.1f MiB, budget %.1f "
          "MiB (baseline %.1f + memcap %.1f + hash %.1f + slack %.1f); "
          "%s flows evicted" % (n, rss / 2**20, budget / 2**20,
                                base_rss / 2**20, MEMCAP / 2**20,
                                buckets / 2**20, SLACK / 2**20,
                                counters.get("flow.evicted", "0")))
    ok = True
    if rss > budget and not sanitized:
        print("FAIL flood: peak RSS over budget")
        ok = False
    peak = int(counters.get("flow.memory_peak", "0"))
    print("flood: flow memory high-water mark %d bytes of a %d-byte memcap"
          % (peak, MEMCAP))
    if peak > MEMCAP + MEMCAP_OVER:
        print("FAIL flood: flows were charged %d bytes, over the %d-byte "
              "memcap" % (peak, MEMCAP))
        ok = False
    if peak < 0.9 * MEMCAP:
        print("FAIL flood: the memcap was never approached (peak %d of %d)"
              % (peak, MEMCAP))
        ok = False
    if int(counters.get("flow.evicted", "0")) == 0:
        print("FAIL flood: the memory limit was never reached")
        ok = False
    legacy = [e for e in events if e["destination"]["port"] == 110]
    if len(events) != 1 or not legacy or \
            legacy[0]["tlsfloor"]["reason"] != "legacy_client" or \
            legacy[0]["tlsfloor"]["negotiated_version"] != "TLSv1.0":
        print("FAIL flood: expected exactly the POP3 legacy_client session, "
              "got %r" % [e["tlsfloor"]["reason"] for e in events])
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
