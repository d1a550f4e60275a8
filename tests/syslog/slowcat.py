#!/usr/bin/env python3
"""slowcat.py -- play pcap files into one pcap stream on stdout, slowly.

    slowcat.py [--delay S] [--pause-at FRACTION:NAME ...] [--dir D] FILE...

Writes one pcap global header (the first file's), then every packet record
of every file in order, flushing after each and sleeping --delay seconds
between packets, so that tlsfloor -r - sees a live-ish capture.  The files
must share byte order, timestamp precision and link type (the samples in
pcaps/ do); packet timestamps are left as they are.

--pause-at 0.33:one stops after a third of the packets: slowcat creates
D/one.paused (holding the number, counted from 1, of the packet that
comes next) and waits until D/one.resume exists (the test stops or starts
the collector meanwhile).  Exits 0, or 2 on a file it cannot splice.
"""
import argparse
import os
import struct
import sys
import time

MAGICS = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
          b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24 or data[:4] not in MAGICS:
        sys.exit("slowcat: %s: not a classic pcap file" % path)
    end = MAGICS[data[:4]]
    header = data[:24]
    linktype = struct.unpack(end + "I", data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        if off + 16 + caplen > len(data):
            break                       # a cut last record: leave it out
        out.append(data[off:off + 16 + caplen])
        off += 16 + caplen
    return header, (data[:4], linktype), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay", type=float, default=0.01)
    ap.add_argument("--pause-at", action="append", default=[])
    ap.add_argument("--dir", default=".")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    header, kind, packets = None, None, []
    for path in a.files:
        h, k, recs = records(path)
        if header is None:
            header, kind = h, k
        elif k != kind:
            print("slowcat: %s: another byte order or link type" % path,
                  file=sys.stderr)
            return 2
        packets.extend(recs)

    pauses = {}
    for spec in a.pause_at:
        frac, name = spec.split(":", 1)
        pauses.setdefault(int(len(packets) * float(frac)), []).append(name)

    out = sys.stdout.buffer
    out.write(header)
    out.flush()
    for i, rec in enumerate(packets):
        for name in pauses.get(i, []):
            with open(os.path.join(a.dir, name + ".paused"), "w") as f:
                f.write("%d\n" % (i + 1))  # tlsfloor's number of the next
            resume = os.path.join(a.dir, name + ".resume")
            while not os.path.exists(resume):
                time.sleep(0.05)
        try:
            out.write(rec)
            out.flush()
        except BrokenPipeError:
            return 0
        time.sleep(a.delay)
    return 0


if __name__ == "__main__":
    sys.exit(main())
