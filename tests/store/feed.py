#!/usr/bin/env python3
"""Write a pcap stream of copies of one real session, for tests/store/run.sh.

  feed.py SESSION.pcap FIRST COUNT [--header]

Writes (to stdout) COUNT copies of the session in SESSION.pcap (little-
endian pcap, Ethernet, IPv4), copy k with the client address 10.60.X.Y
for k = FIRST .. FIRST+COUNT-1, starting 2026-01-01 plus 10 s per copy, so
each copy is one more record of the inventory.  --header writes the pcap
file header first (the start of a stream).  The client is the source of
the first packet.  Checksums are not fixed: tlsfloor, like most passive
monitors, does not check them.
"""
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as fp:
        data = fp.read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4, "little-endian pcap"
    assert struct.unpack("<I", data[20:24])[0] == 1, "Ethernet"
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec, usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return data[:24], recs


def main():
    args = sys.argv[1:]
    header = "--header" in args
    args = [a for a in args if a != "--header"]
    path, first, count = args[0], int(args[1]), int(args[2])
    hdr, recs = read_pcap(path)
    assert recs and recs[0][2][12:14] == b"\x08\x00", "IPv4 first"
    client = recs[0][2][26:30]
    base = recs[0][0]
    out = sys.stdout.buffer
    if header:
        out.write(hdr)
    for k in range(first, first + count):
        new = bytes([10, 60, (k >> 8) & 255, k & 255])
        shift = 1767225600 + k * 10 - base     # 2026-01-01 + 10 s x k
        for sec, usec, frame, orig in recs:
            f = bytearray(frame)
            if f[12:14] == b"\x08\x00":
                if f[26:30] == client:
                    f[26:30] = new
                if f[30:34] == client:
                    f[30:34] = new
            out.write(struct.pack("<IIII", sec + shift, usec, len(f), orig))
            out.write(bytes(f))
    out.flush()


if __name__ == "__main__":
    main()
