#!/usr/bin/env python3
"""make-input.py -- write pcaps/input/sections-bigendian.pcapng.

A pcapng file that uses what mergecap and editcap do not write: a
big-endian first section and a little-endian second one, an interface in
nanoseconds and one in binary fractions (2^-20 s) with an if_tsoffset, an
obsolete Packet Block, a Simple Packet Block, and name resolution,
interface statistics, custom and unknown blocks between the packets.  Its
packets are those of three sample captures, in this order:

    pcaps/imaps-tls1_0.pcap                  section 1, interface 0
    pcaps/crafted/19a-linktype-linux-sll.pcap section 1, interface 1
    pcaps/pop3-stls-tls1_1.pcap              section 2, interface 0

so tlsfloor must report on it exactly what it reports on the three files
read one after another (tests/input/run.sh checks that).  Every timestamp
converts back to the microsecond it came from, but that of packet 4, a
Simple Packet Block, which has none: it takes packet 3's (21 us earlier,
in the middle of the connection: no session's start or end moves).

usage: pcaps/input/make-input.py [OUT]   (run from the top of the repo)
"""
import struct
import sys


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, path + ": only little-endian usec pcap"
    link = struct.unpack("<I", data[20:24])[0]
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, usec, cap, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec * 1000000 + usec, data[off + 16:off + 16 + cap],
                     orig))
        off += 16 + cap
    return link, recs


class Section:
    def __init__(self, bo):
        self.bo = bo            # ">" or "<"
        self.out = b""

    def block(self, btype, body):
        body += b"\x00" * ((4 - len(body) % 4) % 4)
        n = 12 + len(body)
        self.out += struct.pack(self.bo + "II", btype, n) + body + \
            struct.pack(self.bo + "I", n)

    def opt(self, code, val):
        pad = b"\x00" * ((4 - len(val) % 4) % 4)
        return struct.pack(self.bo + "HH", code, len(val)) + val + pad

    def shb(self):
        self.block(0x0A0D0D0A, struct.pack(self.bo + "IHHq", 0x1A2B3C4D,
                                           1, 0, -1) +
                   self.opt(4, b"tlsfloor make-input.py") + self.opt(0, b""))

    def idb(self, link, snaplen, opts=b""):
        self.block(1, struct.pack(self.bo + "HHI", link, 0, snaplen) + opts)

    def epb(self, ifid, ts, frame, orig, opts=b""):
        self.block(6, struct.pack(self.bo + "IIIII", ifid, ts >> 32,
                                  ts & 0xFFFFFFFF, len(frame), orig) +
                   frame + b"\x00" * ((4 - len(frame) % 4) % 4) + opts)

    def pb(self, ifid, ts, frame, orig):
        self.block(2, struct.pack(self.bo + "HHIIII", ifid, 0, ts >> 32,
                                  ts & 0xFFFFFFFF, len(frame), orig) + frame)

    def spb(self, frame, orig):
        self.block(3, struct.pack(self.bo + "I", orig) + frame)

    def extras(self):
        nrb = struct.pack(self.bo + "HH", 1, 4) + bytes([10, 99, 0, 1]) + \
            struct.pack(self.bo + "HH", 0, 0)
        self.block(4, nrb)
        self.block(5, struct.pack(self.bo + "III", 0, 0, 0))
        self.block(0x00000BAD, struct.pack(self.bo + "I", 32473) + b"tlsf")
        self.block(0x0000F00D, b"\xde\xad\xbe\xef" * 3)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        "pcaps/input/sections-bigendian.pcapng"
    l1, imaps = read_pcap("pcaps/imaps-tls1_0.pcap")
    l2, sll = read_pcap("pcaps/crafted/19a-linktype-linux-sll.pcap")
    l3, pop3 = read_pcap("pcaps/pop3-stls-tls1_1.pcap")
    assert (l1, l2, l3) == (1, 113, 1)

    s1 = Section(">")
    s1.shb()
    s1.idb(1, 0, s1.opt(2, b"eth0") + s1.opt(9, b"\x09") + s1.opt(0, b""))
    offset = 1000               # s; the timestamps are written without it
    s1.idb(113, 65535, s1.opt(9, b"\x94") +
           s1.opt(14, struct.pack(">q", offset)) + s1.opt(0, b""))
    for i, (us, fr, orig) in enumerate(imaps):
        if i == 2:
            s1.pb(0, us * 1000, fr, orig)
        elif i == 3:
            s1.spb(fr, orig)    # no time of its own: that of the one before
        else:
            s1.epb(0, us * 1000, fr, orig,
                   s1.opt(2, struct.pack(">I", 1)) + s1.opt(0, b"")
                   if i == 4 else b"")
        if i % 5 == 0:
            s1.extras()
    for us, fr, orig in sll:
        units = ((us - offset * 1000000) * (1 << 20) + 999999) // 1000000
        s1.epb(1, units, fr, orig)

    s2 = Section("<")
    s2.shb()
    s2.idb(1, 262144, s2.opt(9, b"\x06") +
           s2.opt(14, struct.pack("<q", -5)) + s2.opt(0, b""))
    for us, fr, orig in pop3:
        s2.epb(0, us + 5 * 1000000, fr, orig)
    s2.extras()
    open(out, "wb").write(s1.out + s2.out)


main()
