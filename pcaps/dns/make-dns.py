#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""
make-dns.py -- generate the passive-DNS captures for tlsfloor.

Usage (needs Debian's python3-scapy, hence /usr/bin/python3):

    /usr/bin/python3 pcaps/dns/make-dns.py            # (re)write both files
    /usr/bin/python3 pcaps/dns/make-dns.py --table    # print expected names
    /usr/bin/python3 pcaps/dns/make-dns.py --outdir D # write somewhere else

Old mail clients often send no SNI, so tlsfloor names the server from the
DNS answers seen on the same wire (src/dns.c).  Each capture has clients
resolving names (over UDP and TCP DNS, IPv4 and IPv6) and then opening
implicit-TLS mail sessions (993 / 995) with a TLS 1.0 ClientHello without
SNI; the table says which name each session should be reported with.

Deterministic: the TCP/TLS building blocks (Conn, ClientHello, the TLS 1.0
server flight, the pcap writer) are those of pcaps/crafted/make-crafted.py,
imported from there; every random byte comes from random.Random seeded
with the file name; timestamps start at 2026-01-01T00:00:00Z and advance by
fixed steps.  DNS messages are built by hand with struct (class Dns below)
so that every count, length and compression pointer is under control.
"""

import argparse
import importlib.util
import os
import random
import socket
import struct
import sys

sys.dont_write_bytecode = True          # no __pycache__ in pcaps/crafted

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "make_crafted", os.path.join(HERE, "..", "crafted", "make-crafted.py"))
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)

from scapy.packet import Raw                              # noqa: E402
from scapy.layers.inet import IP, UDP                     # noqa: E402
from scapy.layers.inet6 import IPv6                       # noqa: E402

C, S = mc.C, mc.S
TLS10 = mc.TLS10

# ---------------------------------------------------------------------------
# DNS messages (RFC 1035 4.1)
# ---------------------------------------------------------------------------

T_A, T_CNAME, T_TXT, T_AAAA = 1, 5, 16, 28
C_IN = 1
F_QUERY = 0x0100            # RD
F_RESP = 0x8180             # QR RD RA, NOERROR
F_TC = 0x0200
F_NXDOMAIN = 0x8183


class Dns:
    """One DNS message written front to back.  Names are compressed
    against every name suffix already written (RFC 1035 4.1.4), as a
    resolver does; the header counts follow what was added unless
    overridden in wire()."""

    def __init__(self, qid, flags):
        self.qid, self.flags = qid, flags
        self.b = bytearray(12)              # header, packed in wire()
        self.seen = {}                      # lower-case suffix -> offset
        self.qd = self.an = 0

    def name(self, name, compress=True):
        labels = [x for x in name.split(".") if x]
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            if compress and suffix in self.seen:
                self.b += struct.pack("!H", 0xc000 | self.seen[suffix])
                return
            if len(self.b) < 0x4000:
                self.seen.setdefault(suffix, len(self.b))
            lab = labels[i].encode("ascii")
            assert len(lab) <= 63
            self.b += bytes([len(lab)]) + lab
        self.b += b"\x00"

    def question(self, name, qtype):
        # QNAME QTYPE(16) QCLASS(16)
        self.name(name)
        self.b += struct.pack("!HH", qtype, C_IN)
        self.qd += 1

    def rr(self, owner, rtype, rdata=b"", target=None, ttl=300,
           owner_raw=None):
        # NAME TYPE(16) CLASS(16) TTL(32) RDLENGTH(16) RDATA; a CNAME's
        # RDATA is a (compressed) name.  owner_raw: bytes written as the
        # owner instead of a name (hostile cases).
        if owner_raw is not None:
            self.b += owner_raw
        else:
            self.name(owner)
        self.b += struct.pack("!HHIH", rtype, C_IN, ttl, 0)
        at = len(self.b)
        if target is not None:
            self.name(target)
        else:
            self.b += rdata
        struct.pack_into("!H", self.b, at - 2, len(self.b) - at)
        self.an += 1

    def a(self, owner, ip, **kw):
        self.rr(owner, T_A, socket.inet_pton(socket.AF_INET, ip), **kw)

    def aaaa(self, owner, ip, **kw):
        self.rr(owner, T_AAAA, socket.inet_pton(socket.AF_INET6, ip), **kw)

    def cname(self, owner, target, **kw):
        self.rr(owner, T_CNAME, target=target, **kw)

    def wire(self, ancount=None):
        # ID(16) flags(16) QDCOUNT ANCOUNT NSCOUNT ARCOUNT
        struct.pack_into("!HHHHHH", self.b, 0, self.qid, self.flags, self.qd,
                         self.an if ancount is None else ancount, 0, 0)
        return bytes(self.b)


def query(qid, name, qtype):
    d = Dns(qid, F_QUERY)
    d.question(name, qtype)
    return d.wire()


def tcp_framed(msg):
    """RFC 1035 4.2.2: a 2-byte length before each message over TCP."""
    return struct.pack("!H", len(msg)) + msg


# ---------------------------------------------------------------------------
# Packets
# ---------------------------------------------------------------------------

class UdpPeer:
    """A client and its resolver talking UDP port 53; frames go into the
    same Capture as the TCP connections (mc.Conn)."""

    def __init__(self, cap, rng, cli, srv, cport, v6=False,
                 cmac="02:00:00:00:01:01", smac="02:00:00:00:05:01"):
        self.cap, self.cli, self.srv, self.cport = cap, cli, srv, cport
        self.v6 = v6
        self.mac = {C: cmac, S: smac}
        self.ipid = {C: rng.getrandbits(16), S: rng.getrandbits(16)}

    def send(self, d, payload, delay):
        src, dst = (self.cli, self.srv) if d else (self.srv, self.cli)
        if self.v6:
            ip = IPv6(src=src, dst=dst, hlim=64)
        else:
            ip = IP(src=src, dst=dst, ttl=64, id=self.ipid[d])
            self.ipid[d] = (self.ipid[d] + 1) & 0xffff
        udp = UDP(sport=self.cport if d else 53, dport=53 if d else self.cport)
        self.cap.t += delay
        self.cap.frames.append([self.cap.t, d, self, ip / udp / Raw(payload)])

    def exchange(self, q, r, rtt=1800):
        """A query and its response rtt microseconds later."""
        self.send(C, q, 20000)
        self.send(S, r, rtt)


def tcp_dns(cap, rng, cli, srv, cport, q, r, v6=False, srv_cuts=()):
    """One TCP DNS exchange: handshake, framed query, framed response
    (split at srv_cuts), close."""
    c = mc.Conn(cap, rng, cli, srv, cport, 53, v6=v6,
                smac="02:00:00:00:05:01")
    c.open()
    c.send(C, tcp_framed(q))
    c.send(S, tcp_framed(r), cuts=srv_cuts)
    c.close(first=S)
    return c


def hello_no_sni(rng, sni=None):
    """TLS 1.0 ClientHello of an old client: legacy suites, a few
    extensions, and server_name only when sni is given."""
    exts = [mc.ext_server_name(sni)] if sni else []
    exts += [mc.ext_supported_groups([mc.SECP256R1, mc.SECP384R1]),
             mc.ext_ec_point_formats(), mc.ext_renegotiation_info()]
    return mc.client_hello(rng, TLS10, mc.LEGACY_SUITES, exts)


def tls10_session(cap, rng, cli, srv, cport, sport, proto, v6=False,
                  sni=None):
    """Implicit TLS (993/995): TLS 1.0 ClientHello, the server's TLS 1.0
    flight (ServerHello 0x0301 ...), key exchange, a little application
    data, close."""
    c = mc.Conn(cap, rng, cli, srv, cport, sport, v6=v6)
    c.open()
    c.send(C, mc.record(mc.CT_HANDSHAKE, TLS10, hello_no_sni(rng, sni)))
    mc.finish_12(c, rng, TLS10, implicit=True, proto=proto)
    return c


def row(c, proto, name, source):
    r = mc.row(c, proto, "implicit", "TLSv1.0", "TLSv1.0", "established",
               "legacy_client")
    r["name"], r["source"] = name, source
    return r


def rng_for(name):
    return random.Random("tlsfloor-dns:" + name)


# ---------------------------------------------------------------------------
# The captures
# ---------------------------------------------------------------------------

CASES = []


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


V4_CLI, V4_DNS = "192.168.53.10", "192.168.53.1"
V6_CLI, V6_DNS = "fd00:53:1::10", "fd00:53:1::1"


@case("dns-resolve-then-connect.pcap")
def resolve_then_connect(path, name):
    rng = rng_for(name)
    cap = mc.Capture()
    rows = []
    u = UdpPeer(cap, rng, V4_CLI, V4_DNS, 53001)

    # 1. UDP: A and AAAA for imap-legacy.example.test (the AAAA answer is
    #    empty, NOERROR/NODATA), then IMAPS to the A address without SNI.
    r = Dns(0x1001, F_RESP)
    r.question("imap-legacy.example.test", T_A)
    r.a("imap-legacy.example.test", "10.53.0.1")
    u.exchange(query(0x1001, "imap-legacy.example.test", T_A), r.wire())
    r = Dns(0x1002, F_RESP)
    r.question("imap-legacy.example.test", T_AAAA)
    u.exchange(query(0x1002, "imap-legacy.example.test", T_AAAA), r.wire())
    c = tls10_session(cap, rng, V4_CLI, "10.53.0.1", 41001, 993, "imap")
    rows.append(row(c, "imap", "imap-legacy.example.test", "dns"))

    # 2. TCP DNS over IPv6: AAAA for pop.example.test, then POP3S to it.
    r = Dns(0x2001, F_RESP)
    r.question("pop.example.test", T_AAAA)
    r.aaaa("pop.example.test", "fd00:53:2::1")
    tcp_dns(cap, rng, V6_CLI, V6_DNS, 41002,
            query(0x2001, "pop.example.test", T_AAAA), r.wire(), v6=True)
    c = tls10_session(cap, rng, V6_CLI, "fd00:53:2::1", 41003, 995, "pop3",
                      v6=True)
    rows.append(row(c, "pop3", "pop.example.test", "dns"))

    # 3. UDP, a CNAME chain as Exchange Online answers (compressed):
    #    outlook.office365.com -> outlook.ms-acdc.office.com
    #    -> ams-efz.ms-acdc.office.com -> A 10.53.0.2, A 10.53.0.3.
    #    The session goes to the second address.
    r = Dns(0x1003, F_RESP)
    r.question("outlook.office365.com", T_A)
    r.cname("outlook.office365.com", "outlook.ms-acdc.office.com")
    r.cname("outlook.ms-acdc.office.com", "ams-efz.ms-acdc.office.com",
            ttl=30)
    r.a("ams-efz.ms-acdc.office.com", "10.53.0.2", ttl=30)
    r.a("ams-efz.ms-acdc.office.com", "10.53.0.3", ttl=30)
    u.exchange(query(0x1003, "outlook.office365.com", T_A), r.wire())
    c = tls10_session(cap, rng, V4_CLI, "10.53.0.3", 41004, 993, "imap")
    rows.append(row(c, "imap", "outlook.office365.com", "dns"))

    # 4. A client that does send SNI, to a resolved address: SNI wins.
    c = tls10_session(cap, rng, V4_CLI, "10.53.0.1", 41005, 993, "imap",
                      sni="imap.example.test")
    rows.append(row(c, "imap", "imap.example.test", "sni"))

    # 5. No SNI, and no DNS answer ever named 10.53.0.9: no name.
    c = tls10_session(cap, rng, V4_CLI, "10.53.0.9", 41006, 995, "pop3")
    rows.append(row(c, "pop3", None, None))

    mc.write_pcap(path, cap)
    return rows


@case("dns-hostile-answers.pcap")
def hostile_answers(path, name):
    rng = rng_for(name)
    cap = mc.Capture()
    rows = []
    u = UdpPeer(cap, rng, V4_CLI, V4_DNS, 53002)

    def udp_case(qid, qname, msg, qtype=T_A):
        u.exchange(query(qid, qname, qtype), msg)

    # a. The answer's owner is a pointer to itself: malformed, nothing.
    r = Dns(0x3001, F_RESP)
    r.question("loop.example.test", T_A)
    r.rr(None, T_A, socket.inet_aton("10.53.1.1"),
         owner_raw=struct.pack("!H", 0xc000 | len(r.b)))
    udp_case(0x3001, "loop.example.test", r.wire())

    # b. A pointer forward to a proper copy of the name in a later TXT
    #    record: only backward pointers are allowed, malformed, nothing.
    r = Dns(0x3002, F_RESP)
    r.question("forward.example.test", T_A)
    fwd = len(r.b) + 16 + 12            # the TXT record's RDATA
    r.rr(None, T_A, socket.inet_aton("10.53.1.2"),
         owner_raw=struct.pack("!H", 0xc000 | fwd))
    r.rr(None, T_TXT, b"\x07forward\x07example\x04test\x00",
         owner_raw=b"\xc0\x0c")
    assert r.b[fwd:fwd + 8] == b"\x07forward"
    udp_case(0x3002, "forward.example.test", r.wire())

    # c. ANCOUNT 65535, two records there: malformed, but the records
    #    wholly inside the message still count.
    r = Dns(0x3003, F_RESP)
    r.question("lying.example.test", T_A)
    r.a("lying.example.test", "10.53.1.3")
    r.a("lying.example.test", "10.53.1.30")
    udp_case(0x3003, "lying.example.test", r.wire(ancount=0xffff))

    # d. TC set and cut inside the second A record (a resolver's UDP
    #    answer cut at its buffer): 10.53.1.4 is named, 10.53.1.5 not.
    r = Dns(0x3004, F_RESP | F_TC)
    r.question("big.example.test", T_A)
    r.a("big.example.test", "10.53.1.4")
    r.a("big.example.test", "10.53.1.5")
    udp_case(0x3004, "big.example.test", r.wire()[:-3])

    # e. Answer padded with a record for a name nobody asked about
    #    (imap-legacy.example.test -> 10.53.1.6): ignored; the asked
    #    name's own address 10.53.1.7 is named.
    r = Dns(0x3005, F_RESP)
    r.question("evil.example.test", T_A)
    r.a("imap-legacy.example.test", "10.53.1.6")
    r.a("evil.example.test", "10.53.1.7")
    udp_case(0x3005, "evil.example.test", r.wire())

    # f. TCP DNS whose response message is split across two segments:
    #    not reassembled (dns.c parses whole messages in one segment).
    r = Dns(0x3006, F_RESP)
    r.question("split.example.test", T_A)
    r.a("split.example.test", "10.53.1.8")
    tcp_dns(cap, rng, V4_CLI, V4_DNS, 41100,
            query(0x3006, "split.example.test", T_A), r.wire(),
            srv_cuts=(20,))

    # g. A "query" (QR 0) carrying an answer, and an NXDOMAIN carrying
    #    one: neither names anything.
    r = Dns(0x3007, F_QUERY)
    r.question("query.example.test", T_A)
    r.a("query.example.test", "10.53.1.9")
    u.send(C, r.wire(), 20000)
    r = Dns(0x3008, F_NXDOMAIN)
    r.question("nx.example.test", T_A)
    r.a("nx.example.test", "10.53.1.9")
    udp_case(0x3008, "nx.example.test", r.wire())

    # h. After all that, a good answer still works.
    r = Dns(0x3009, F_RESP)
    r.question("imap-legacy.example.test", T_A)
    r.a("imap-legacy.example.test", "10.53.1.10")
    udp_case(0x3009, "imap-legacy.example.test", r.wire())

    names = [("10.53.1.1", None), ("10.53.1.2", None),
             ("10.53.1.3", "lying.example.test"),
             ("10.53.1.4", "big.example.test"), ("10.53.1.5", None),
             ("10.53.1.6", None), ("10.53.1.7", "evil.example.test"),
             ("10.53.1.8", None), ("10.53.1.9", None),
             ("10.53.1.10", "imap-legacy.example.test")]
    for i, (ip, want) in enumerate(names):
        c = tls10_session(cap, rng, V4_CLI, ip, 41201 + i, 993, "imap")
        rows.append(row(c, "imap", want, "dns" if want else None))

    mc.write_pcap(path, cap)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outdir", default=HERE)
    ap.add_argument("--table", action="store_true",
                    help="print the expected name table")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name, fn in CASES:
        path = os.path.join(args.outdir, name)
        rows = fn(path, name)
        if not args.table:
            print("%-40s %6d bytes" % (name, os.path.getsize(path)))
            continue
        for r in rows:
            print(" | ".join([name, r["client"], r["server"], r["proto"],
                              r["mode"], r["cmax"], r["neg"], r["outcome"],
                              r["reason"], r["name"] or "-",
                              r["source"] or "-"]))


if __name__ == "__main__":
    sys.exit(main())
