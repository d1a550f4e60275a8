#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""
cases.py -- the broken and hostile inputs of tests/hostile, each with what
tlsfloor must do with it.

    /usr/bin/python3 tests/hostile/cases.py --outdir DIR [NAME...]
        write the inputs of every case (or the named ones) into DIR/NAME/
        and print the tlsfloor command line of each, to look at by hand

check.py imports CASES from here, writes the inputs into a temporary
directory, runs tlsfloor on each and checks the expectations.  Everything is
deterministic (no randomness, fixed timestamps).

The "good" content is a real session from pcaps/: dovecot IMAP STARTTLS with
an OpenSSL client capped at TLS 1.0 (pcaps/imap-starttls-tls1_0.pcap), moved
to a new client address and port wherever it is used.  Most packet cases
are "damaged session H, then good session G in the same file": the damage
must not crash, must be counted where -v shows it, and G must come out
exactly as it does alone.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.dont_write_bytecode = True     # nothing written next to the sources
sys.path.insert(0, HERE)

import pcapkit as K                                     # noqa: E402
from pcapkit import C, S, ip4, ip6                      # noqa: E402

SAMPLE = K.load(os.path.join(TOP, "pcaps", "imap-starttls-tls1_0.pcap"))
SAMPLE6 = K.load(os.path.join(TOP, "pcaps", "ipv6-imap-starttls-tls1_0.pcap"))

# Where things are in SAMPLE (0-based packet indexes).
I_ACK = 2           # the client's bare ACK of the handshake
I_GREETING = 3      # "* OK [CAPABILITY ...] Dovecot (Debian) ready."
I_CAPA = 7          # the server's CAPABILITY reply, two lines
I_STARTTLS = 8      # ". STARTTLS"
I_STLS_OK = 10      # ". OK Begin TLS negotiation now."
I_CH = 11           # ClientHello, one record, 104 bytes
I_SH = 13           # ServerHello .. ServerHelloDone, 1269 bytes
assert SAMPLE[I_CH].payload[:1] == b"\x16"
assert SAMPLE[I_SH].payload[5] == 2
assert SAMPLE[I_STLS_OK].payload.startswith(b". OK Begin TLS")

CH = SAMPLE[I_CH].payload           # record(5) handshake(4) body(95)
CH_BODY = CH[9:]
# The ClientHello body: version(2) random(32) sid(1) suites(2+18)
# compression(1+1) extensions(2+36).
CH_FIXED = CH_BODY[:57]             # everything before the extensions
CH_EXTS = CH_BODY[59:]              # 36 bytes: ec_point_formats, groups,
                                    # session_ticket, encrypt_then_mac, ems
assert len(CH_EXTS) == 36 and CH_BODY[57:59] == b"\x00\x24"

T0 = 1800000000 * 1000000           # 2027-01-15T08:00:00Z
SEC = 1000000

# The expected event of SAMPLE wherever it is replayed intact.
GOOD = {
    "tlsfloor.reason": "legacy_client",
    "tlsfloor.outcome": "established",
    "tlsfloor.mode": "starttls",
    "tlsfloor.starttls": "accepted",
    "tlsfloor.client_max_version": "TLSv1.0",
    "tlsfloor.negotiated_version": "TLSv1.0",
    "tlsfloor.end": "rst",
    "tls.cipher": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "tls.client.ja3": "53652b2730564404986852cde177b6d9",
    "tlsfloor.anomalies": None,
}


class Case(object):
    """One input and what tlsfloor must make of it."""

    def __init__(self, name, what):
        self.name = name
        self.what = what
        self.files = {}         # name -> bytes (None: a directory)
        self.args = []          # tlsfloor's arguments, files by name
        self.stdin = None       # a file name fed to -r -
        self.exit = 0
        self.stderr = []        # regexes stderr must match
        self.stderr_not = []    # regexes it must not match
        self.events = []        # (ip, port, {dotted.path: value}) or
                                # (ip, port, None): must not be reported
        self.nevents = None     # exact number of events
        self.counters = {}      # counter -> exact value (0: absent)
        self.at_least = {}      # counter -> minimum
        self.cpu = None         # CPU seconds allowed (x8 under sanitizers)
        self.rss = None         # peak RSS allowed over the baseline run
        self.anom = {}          # (ip, port) -> anomalies that must be there

    def expect(self, ip, port, fields=None, anomalies=None, **kw):
        f = dict(fields or {})
        f.update({k.replace("__", "."): v for k, v in kw.items()})
        self.events.append((ip, port, f))
        if anomalies:
            self.anom[(ip, port)] = anomalies
        return self

    def absent(self, ip, port):
        self.events.append((ip, port, None))
        return self

    def count(self, ip, port, n):
        """ip:port reported exactly n times (fields not checked)."""
        self.events.append((ip, port, n))
        return self


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def good(n, t, pkts=SAMPLE):
    """SAMPLE again as client 10.99.1.n, port 40000 + n, starting at t."""
    return K.readdress(pkts, cli=ip4("10.99.1.%d" % n), cport=40000 + n,
                       t0=t)


def hostile(t, pkts=SAMPLE, n=1):
    """SAMPLE as client 10.99.2.n, port 41000 + n (the one damaged)."""
    return K.readdress(pkts, cli=ip4("10.99.2.%d" % n), cport=41000 + n,
                       t0=t)


def expect_good(c, n, pktno=None):
    f = dict(GOOD)
    if pktno is not None:
        f["tlsfloor.pcap.packet"] = pktno
    return c.expect("10.99.1.%d" % n, 40000 + n, f)


def pcap_of(*sessions, **lies):
    return K.pcap_bytes(K.records([p for s in sessions for p in s], **lies))


def damaged(name, what, pkts, then_good=True):
    """Case: the damaged session pkts, then SAMPLE intact as G."""
    c = Case(name, what)
    g = good(1, T0 + 10 * SEC)
    c.files[name + ".pcap"] = K.pcap_bytes(
        [fr for fr in frames(pkts)] + K.records(g))
    c.args = ["-v", "-r", name + ".pcap"]
    if then_good:
        expect_good(c, 1, pktno=len(pkts) + 1)
    return c


def frames(pkts):
    """Records of packets, each with the lies lie() gave it."""
    out = []
    for p in pkts:
        fr = p.frame(**getattr(p, "_lies", {})) if hasattr(p, "_lies") \
            else p.frame()
        out.append((p.ts, fr, len(fr)))
    return out


class LyingPkt(K.Pkt):
    __slots__ = ("_lies",)


def lie(p, **lies):
    q = LyingPkt(p.ts, p.family, p.src, p.dst, p.sport, p.dport, p.seq,
                 p.ack, p.flags, p.payload, p.opts, p.win, p.ttl, p.ipid)
    q._lies = lies
    return q


def with_lie(pkts, i, **lies):
    return pkts[:i] + [lie(pkts[i], **lies)] + pkts[i + 1:]


H_IP, H_PORT = "10.99.2.1", 41001


# --- TLS message builders ----------------------------------------------------

def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def record(ctype, body, version=0x0301, length=None):
    return struct.pack("!BHH", ctype, version,
                       len(body) if length is None else length) + body


def handshake(htype, body, length=None):
    return struct.pack("!B", htype) + u24(len(body) if length is None
                                          else length) + body


def client_hello(exts=CH_EXTS, ext_len=None, fixed=CH_FIXED, hs_len=None,
                 rec_len=None):
    """SAMPLE's ClientHello with other extensions (and lengths)."""
    body = fixed + u16(len(exts) if ext_len is None else ext_len) + exts
    return record(22, handshake(1, body, hs_len), length=rec_len)


def ext(t, body, length=None):
    return u16(t) + u16(len(body) if length is None else length) + body


def sni_ext(name, list_len=None, name_len=None, ext_len=None, ntype=0):
    entry = struct.pack("!B", ntype) + u16(len(name) if name_len is None
                                           else name_len) + name
    lst = u16(len(entry) if list_len is None else list_len) + entry
    return ext(0, lst, ext_len)


def with_ch(pkts, new_ch):
    """pkts with the ClientHello record replaced (sequence numbers fixed)."""
    return K.replace_payload(pkts, K.find_payload(pkts, b"\x16\x03\x01\x00\x63"
                                                  b"\x01", True), new_ch)


# =============================================================================
# Capture files
# =============================================================================

def two_sessions_pcap():
    """A (10.99.1.1) then B (10.99.1.2): 26 + 26 records."""
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    return a, b, pcap_of(a, b)


def record_offsets(data):
    """Byte offset of every record header of a classic pcap."""
    off, offs = 24, []
    while off + 16 <= len(data):
        offs.append(off)
        off += 16 + struct.unpack("<I", data[off + 8:off + 12])[0]
    return offs


@case
def file_truncated_mid_packet():
    c = Case("file-truncated-mid-packet",
             "a capture cut in the middle of packet 38 (B's ClientHello)")
    a, b, data = two_sessions_pcap()
    off = record_offsets(data)[26 + I_CH]
    c.files["cut.pcap"] = data[:off + 16 + 50]
    c.args = ["-r", "cut.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: cut\.pcap: packet 38: truncated dump file"]
    expect_good(c, 1, pktno=1)
    # B up to its STARTTLS reply: reported, cut off by the end of input.
    c.expect("10.99.1.2", 40002, tlsfloor__end="end_of_input",
             tlsfloor__starttls="accepted", tlsfloor__pcap__packet=27,
             tlsfloor__client_max_version=None)
    c.nevents = 2
    return c


@case
def file_truncated_record_header():
    c = Case("file-truncated-record-header",
             "a capture cut 7 bytes into the record header of packet 38")
    a, b, data = two_sessions_pcap()
    off = record_offsets(data)[26 + I_CH]
    c.files["cut.pcap"] = data[:off + 7]
    c.args = ["-r", "cut.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: cut\.pcap: packet 38: truncated dump file; "
                r"tried to read 16 header bytes, only got 7"]
    expect_good(c, 1, pktno=1)
    c.expect("10.99.1.2", 40002, tlsfloor__end="end_of_input",
             tlsfloor__pcap__packet=27)
    c.nevents = 2
    return c


@case
def file_truncated_at_record_boundary():
    c = Case("file-truncated-at-record-boundary",
             "a capture that stops cleanly after packet 37: not damage")
    a, b, data = two_sessions_pcap()
    off = record_offsets(data)[26 + I_CH]
    c.files["short.pcap"] = data[:off]
    c.args = ["-r", "short.pcap"]
    c.exit = 0
    expect_good(c, 1)
    c.expect("10.99.1.2", 40002, tlsfloor__end="end_of_input")
    c.nevents = 2
    return c


@case
def file_truncated_file_header():
    c = Case("file-truncated-file-header",
             "a capture cut inside its 24-byte file header")
    c.files["hdr.pcap"] = two_sessions_pcap()[2][:10]
    c.args = ["-r", "hdr.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: hdr\.pcap: truncated dump file"]
    c.nevents = 0
    return c


@case
def file_wrong_magic():
    c = Case("file-wrong-magic", "a text file given as a capture")
    c.files["notes.pcap"] = (b"These are not the packets you are looking "
                             b"for.\n" * 20)
    c.args = ["-r", "notes.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: notes\.pcap: unknown file format"]
    c.nevents = 0
    return c


@case
def file_wrong_magic_stdin():
    c = Case("file-wrong-magic-stdin", "garbage on standard input (-r -)")
    c.files["garbage"] = bytes(range(256)) * 8
    c.stdin = "garbage"
    c.args = ["-r", "-"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: stdin: unknown file format"]
    c.nevents = 0
    return c


@case
def file_empty():
    c = Case("file-empty", "a file of 0 bytes")
    c.files["empty.pcap"] = b""
    c.args = ["-r", "empty.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: empty\.pcap: "]
    c.nevents = 0
    return c


@case
def file_header_only():
    c = Case("file-header-only",
             "a pcap file header and no packets: a valid, empty capture")
    c.files["none.pcap"] = K.pcap_header()
    c.args = ["-v", "-r", "none.pcap"]
    c.exit = 0
    c.stderr = [r"^tlsfloor: 0 packets \(0 bytes\) from 1 file"]
    c.nevents = 0
    return c


@case
def file_directory():
    c = Case("file-directory", "an empty directory given as -r")
    c.files["adir"] = None
    c.args = ["-r", "adir"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: adir: a directory with no capture file"]
    c.nevents = 0
    return c


@case
def file_missing_among_several():
    c = Case("file-missing-among-several",
             "-r a.pcap -r missing.pcap -r b.pcap: a and b still read")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    c.files["a.pcap"] = pcap_of(a)
    c.files["b.pcap"] = pcap_of(b)
    c.args = ["-v", "-r", "a.pcap", "-r", "missing.pcap", "-r", "b.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: missing\.pcap: .*No such file or directory",
                r"^tlsfloor: 52 packets .* from 2 file\(s\)",
                r"^  capture\.file_errors +1$"]
    expect_good(c, 1)
    expect_good(c, 2)
    c.expect("10.99.1.2", 40002, tlsfloor__pcap__file="b.pcap",
             tlsfloor__pcap__packet=1)
    c.nevents = 2
    return c


@case
def file_unsupported_linktype_among_several():
    c = Case("file-unsupported-linktype",
             "a capture of link type 147 (USER0) between two good ones")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    c.files["a.pcap"] = pcap_of(a)
    c.files["user0.pcap"] = K.pcap_bytes(K.records(good(3, T0 + 5 * SEC)),
                                         linktype=147)
    c.files["b.pcap"] = pcap_of(b)
    c.args = ["-r", "a.pcap", "-r", "user0.pcap", "-r", "b.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: user0\.pcap: unsupported link type 147"]
    expect_good(c, 1)
    expect_good(c, 2)
    c.absent("10.99.1.3", 40003)
    c.nevents = 2
    return c


@case
def file_record_caplen_huge():
    c = Case("file-record-caplen-huge",
             "packet 27's record header claims 2 GiB captured")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    recs = K.records(a)
    data = K.pcap_bytes(recs)
    data += struct.pack("<IIII", T0 // SEC + 5, 0, 0x7FFFFFFF, 0x7FFFFFFF)
    data += pcap_of(b)[24:]
    c.files["huge.pcap"] = data
    c.args = ["-r", "huge.pcap"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: huge\.pcap: packet 27: "]
    expect_good(c, 1)
    c.absent("10.99.1.2", 40002)
    c.nevents = 1
    c.rss = 8 << 20
    return c


def pcapng_blocks():
    """Blocks no packet reader needs: each must be passed over."""
    nrb = K.png_block(4, struct.pack("<HH", 1, 9) + ip4("10.99.0.1") +
                      b"mail\x00" + b"\x00" * 3 + struct.pack("<HH", 0, 0))
    isb = K.png_block(5, struct.pack("<III", 0, 0, 0))
    dsb = K.png_block(0x0000000A, struct.pack("<II", 0x544c534b, 8) +
                      b"CLIENT_R")
    custom = K.png_block(0x00000BAD, struct.pack("<I", 32473) + b"tlsfloor")
    custom2 = K.png_block(0x40000BAD, struct.pack("<I", 32473) + b"x" * 13)
    unknown = K.png_block(0x0000F00D, b"\xde\xad\xbe\xef" * 7)
    local = K.png_block(0x80000001, b"local use" + b"\x00" * 3)
    empty = K.png_block(0x00001234, b"")
    return [nrb, isb, dsb, custom, custom2, unknown, local, empty]


@case
def file_pcapng_unknown_blocks():
    c = Case("file-pcapng-unknown-blocks",
             "pcapng with name resolution, statistics, secrets, custom, "
             "unknown and local-use blocks between the packets")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    recs = K.records(a + b)
    blocks = pcapng_blocks()
    extra = {}
    for i in range(0, len(recs) + 1, 3):
        extra[i] = [blocks[(i // 3) % len(blocks)],
                    blocks[(i // 3 + 3) % len(blocks)]]
    c.files["blocks.pcapng"] = K.pcapng_bytes(recs, extra)
    c.args = ["-v", "-r", "blocks.pcapng"]
    c.exit = 0
    c.stderr = [r"^tlsfloor: 52 packets "]
    expect_good(c, 1, pktno=1)
    expect_good(c, 2, pktno=27)
    c.nevents = 2
    return c


@case
def file_pcapng_truncated_mid_block():
    c = Case("file-pcapng-truncated",
             "pcapng cut in the middle of the block of packet 38")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    recs = K.records(a + b)
    data = K.pcapng_bytes(recs[:26 + I_CH])
    data += K.png_epb(*recs[26 + I_CH][:2])[:60]
    c.files["cut.pcapng"] = data
    c.args = ["-r", "cut.pcapng"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: cut\.pcapng: packet 38: "]
    expect_good(c, 1)
    c.expect("10.99.1.2", 40002, tlsfloor__end="end_of_input",
             tlsfloor__pcap__packet=27)
    c.nevents = 2
    return c


@case
def file_pcapng_block_length_lies():
    c = Case("file-pcapng-block-length-lies",
             "pcapng whose block 38 claims a total length of 1 GiB")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    recs = K.records(a + b)
    data = K.pcapng_bytes(recs[:26 + I_CH])
    blk = bytearray(K.png_epb(*recs[26 + I_CH][:2]))
    blk[4:8] = struct.pack("<I", 1 << 30)
    data += bytes(blk) + K.pcapng_bytes(recs[26 + I_CH + 1:])[
        len(K.png_shb()) + len(K.png_idb()):]
    c.files["lies.pcapng"] = data
    c.args = ["-r", "lies.pcapng"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: lies\.pcapng: packet 38: "]
    expect_good(c, 1)
    c.expect("10.99.1.2", 40002, tlsfloor__end="end_of_input")
    c.nevents = 2
    c.rss = 8 << 20
    return c


def on_port(pkts, old, new):
    """The session with its server port old moved to new."""
    out = []
    for p in pkts:
        q = p.copy()
        if q.dport == old:
            q.dport = new
        if q.sport == old:
            q.sport = new
        out.append(q)
    return out


def http_session(n, t):
    """A plain HTTP request and response on port 80 (client 10.99.1.n)."""
    a = good(n, t)
    syn, synack, ack = a[0], a[1], a[2]
    req = b"GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
    c0, s0 = syn.seq + 1, synack.seq + 1
    pkts = [syn, synack, ack,
            ack.copy(ts=ack.ts + 1000, payload=req,
                     flags=K.PSH | K.ACK),
            synack.copy(ts=ack.ts + 2000, seq=s0, ack=c0 + len(req),
                        payload=resp, flags=K.PSH | K.ACK),
            ack.copy(ts=ack.ts + 3000, seq=c0 + len(req),
                     ack=s0 + len(resp))]
    return on_port(pkts, 143, 80)


@case
def all_tls_only_tls_flows():
    c = Case("all-tls-only-tls-flows",
             "--all-tls: plain HTTP on port 80 is not a TLS session; "
             "IMAP STARTTLS on port 1143 (no mail port, found by nDPI) "
             "still is one")
    c.files["mixed.pcap"] = pcap_of(http_session(1, T0),
                                    on_port(good(2, T0 + SEC), 143, 1143))
    c.args = ["-v", "--all-tls", "-r", "mixed.pcap"]
    c.exit = 0
    c.absent("10.99.1.1", 40001)
    c.expect("10.99.1.2", 40002, network__protocol="imap",
             destination__port=1143)
    c.counters = {"session.not_tls": 1, "session.total": 1}
    c.nevents = 1
    return c


@case
def no_mail_hint():
    c = Case("no-mail-hint",
             "a capture of plain HTTP only: the summary names the server "
             "ports connections went to and suggests --port / --all-tls")
    c.files["web.pcap"] = pcap_of(http_session(1, T0),
                                  http_session(2, T0 + SEC),
                                  on_port(http_session(3, T0 + 2 * SEC),
                                          80, 8080))
    c.args = ["-r", "web.pcap"]
    c.exit = 0
    c.stderr = [r"^tlsfloor: no mail session; TCP connections opened, by "
                r"server port: 80 \(2\), 8080 \(1\)$",
                r"^tlsfloor: mail on another port: --port imap:PORT .*"
                r"--all-tls$"]
    c.nevents = 0
    return c


def tso_case(name, what, totlen):
    """The server's ServerHello segment as captured on the sending host
    with TCP segmentation offload: its IPv4 total length is totlen."""
    a = good(1, T0)
    recs = K.records(a)
    sh = a[I_SH]
    fr = sh.frame(ip_totlen=totlen)
    recs[I_SH] = (sh.ts, fr, len(fr))
    c = Case(name, what)
    c.files[name + ".pcap"] = K.pcap_bytes(recs)
    c.args = ["-v", "-r", name + ".pcap"]
    c.exit = 0
    expect_good(c, 1)
    c.nevents = 1
    return c


@case
def tso_total_length_zero():
    c = tso_case("tso-ip-total-length-zero",
                 "the ServerHello frame says IPv4 total length 0 (TSO on "
                 "the sender): the capture's length is taken, no gap",
                 0)
    c.counters = {"decode.ip_length_zero_from_capture": 1,
                  "decode.skip.bad_ip_header": 0, "reasm.gaps": 0}
    return c


@case
def tso_total_length_beyond_frame():
    c = tso_case("tso-ip-total-length-beyond-frame",
                 "the ServerHello frame says IPv4 total length 65535, the "
                 "frame holds 1321 bytes: the frame's length is taken",
                 65535)
    c.counters = {"decode.length_beyond_frame": 1,
                  "decode.ip_length_zero_from_capture": 0,
                  "reasm.gaps": 0}
    return c


@case
def file_pcapng_unsupported_interface():
    c = Case("file-pcapng-unsupported-interface",
             "pcapng with an Ethernet interface and one of link type 147 "
             "(USER0), their packets interleaved: the Ethernet ones are "
             "read, the others skipped and named once")
    a = K.records(good(1, T0))
    b = K.records(good(2, T0))
    blocks = [K.png_shb(), K.png_idb(1, 1500), K.png_idb(147, 65535)]
    for ra, rb in zip(a, b):
        blocks.append(K.png_epb(ra[0], ra[1], ra[2], iface=0))
        blocks.append(K.png_epb(rb[0], rb[1], rb[2], iface=1))
    c.files["two.pcapng"] = b"".join(blocks)
    c.args = ["-v", "-r", "two.pcapng"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: two\.pcapng: packet 2: interface 1 has the "
                r"unsupported link type 147 \(.*\): its packets are "
                r"skipped$"]
    c.stderr_not = [r"packet 4: interface 1"]
    expect_good(c, 1)
    c.absent("10.99.1.2", 40002)
    c.counters = {"decode.skip.unsupported_linktype": 26,
                  "capture.file_errors": 1}
    c.nevents = 1
    return c


def snaplen_case(name, what, snaplen):
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    recs = []
    for ts, fr, orig in K.records(a + b):
        recs.append((ts, fr[:snaplen], orig))
    c = Case(name, what)
    c.files[name + ".pcap"] = K.pcap_bytes(recs, snaplen=snaplen)
    c.args = ["-v", "-r", name + ".pcap"]
    c.exit = 0
    return c


# Frames with payload in SAMPLE and how long their headers are.
N_PAYLOAD = sum(1 for p in SAMPLE if p.payload)         # 14
HDRS = 14 + 20 + 32                                     # 66


@case
def file_snaplen_60():
    c = snaplen_case("file-snaplen-60",
                     "snaplen 60: every frame but the two RSTs is cut "
                     "inside its TCP options (timestamps)",
                     60)
    # The fixed TCP header (ports, sequence numbers, flags) is all there;
    # only the options and the payload are cut.  The cut is the snaplen's,
    # and the sessions are judged from what is there: two IMAP sessions,
    # neither hello seen.
    c.counters = {"decode.payload_cut_by_snaplen": 2 * N_PAYLOAD}
    for n in (1, 2):
        c.expect("10.99.1.%d" % n, 40000 + n,
                 tlsfloor__client_max_version=None,
                 tlsfloor__negotiated_version=None,
                 tlsfloor__reason="unknown")
    c.nevents = 2
    return c


@case
def file_snaplen_headers_only():
    c = snaplen_case("file-snaplen-headers-only",
                     "snaplen 66: data segments keep their headers and no "
                     "payload; SYNs lose 8 bytes of their options",
                     HDRS)
    c.counters = {"decode.payload_cut_by_snaplen": 2 * N_PAYLOAD,
                  "decode.tcp": 52, "tls.client_hellos": 0}
    # Judged from what is there: the mail port and the TCP handshake, no
    # byte of either hello.  Neither "ok" nor a version.
    for n in (1, 2):
        c.expect("10.99.1.%d" % n, 40000 + n,
                 tlsfloor__client_max_version=None,
                 tlsfloor__negotiated_version=None,
                 tlsfloor__end="rst",
                 tlsfloor__reason="unknown")
    c.nevents = 2
    return c


@case
def file_snaplen_200():
    c = snaplen_case("file-snaplen-200",
                     "snaplen 200: every reply up to 134 bytes whole; "
                     "both hellos and the STARTTLS exchange fit", 200)
    c.counters = {"decode.payload_cut_by_snaplen": 2 * 3}
    # The capture holds the STARTTLS command, its OK reply, the whole
    # ClientHello and the whole ServerHello record: the verdict is there.
    for n in (1, 2):
        c.expect("10.99.1.%d" % n, 40000 + n,
                 tlsfloor__reason="legacy_client",
                 tlsfloor__outcome="established",
                 tlsfloor__mode="starttls",
                 tlsfloor__client_max_version="TLSv1.0",
                 tlsfloor__negotiated_version="TLSv1.0")
    c.nevents = 2
    return c


def with_zero_records(recs, pkts):
    """Three records of caplen 0 (wire length 0, 60 and 1514) inserted
    before the 6th packet, the ClientHello and the ServerHello."""
    zero = [(pkts[5].ts, b"", 0), (pkts[I_CH].ts, b"", 60),
            (pkts[I_SH].ts, b"", 1514)]
    return recs[:5] + [zero[0]] + recs[5:I_CH] + [zero[1]] + \
        recs[I_CH:I_SH] + [zero[2]] + recs[I_SH:]


@case
def file_zero_length_packets():
    c = Case("file-zero-length-packets",
             "records of caplen 0 (wire length 0, 60 and 1514) among A's "
             "packets, in a pcap and in a pcapng")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    d = good(3, T0 + 20 * SEC)
    c.files["zero.pcap"] = K.pcap_bytes(with_zero_records(K.records(a), a) +
                                        K.records(b))
    # The same in pcapng: Enhanced Packet Blocks with no data.
    c.files["zero.pcapng"] = K.pcapng_bytes(with_zero_records(
        K.records(d), d))
    c.args = ["-v", "-r", "zero.pcap", "-r", "zero.pcapng"]
    c.exit = 0
    c.counters = {"decode.skip.truncated_link": 6, "capture.packets": 84}
    expect_good(c, 1, pktno=1)
    expect_good(c, 2, pktno=30)
    expect_good(c, 3, pktno=1)
    c.expect("10.99.1.1", 40001, {"source.packets": 10,
                                  "destination.packets": 16})
    c.nevents = 3
    return c


@case
def file_timestamps_backwards():
    c = Case("file-timestamps-backwards",
             "two sessions interleaved packet by packet, the second "
             "stamped 2 hours before the first (two unsynchronised "
             "sensors merged); a stray packet stamped 1970")
    a = good(1, T0)
    b = good(2, T0 - 7200 * SEC)
    pkts = []
    for x, y in zip(a, b):
        pkts += [x, y]
    # A duplicate ACK of A stamped at the epoch.
    pkts.insert(20, a[I_ACK].copy(ts=0))
    c.files["back.pcap"] = pcap_of(pkts)
    c.args = ["-v", "-r", "back.pcap"]
    c.exit = 0
    c.counters = {"flow.timed_out": 0}
    expect_good(c, 1, pktno=1)
    expect_good(c, 2, pktno=2)
    c.expect("10.99.1.1", 40001,
             {"event.start": "2027-01-15T08:00:00.000000Z"})
    c.expect("10.99.1.2", 40002,
             {"event.start": "2027-01-15T06:00:00.000000Z"})
    c.nevents = 2
    return c


@case
def file_timestamps_backwards_within_session():
    c = Case("file-timestamps-backwards-in-session",
             "a session whose clock steps back one hour after STARTTLS, "
             "then a second session; nothing may time out")
    a = good(1, T0)
    a = a[:I_STLS_OK + 1] + [p.copy(ts=p.ts - 3600 * SEC)
                             for p in a[I_STLS_OK + 1:]]
    b = good(2, T0 + 10 * SEC - 3600 * SEC)
    c.files["step.pcap"] = pcap_of(a, b)
    c.args = ["-v", "-r", "step.pcap"]
    c.exit = 0
    c.counters = {"flow.timed_out": 0}
    expect_good(c, 1)
    expect_good(c, 2)
    c.expect("10.99.1.1", 40001,
             {"event.start": "2027-01-15T08:00:00.000000Z"})
    c.nevents = 2
    return c


@case
def file_timestamp_glitch_forward():
    c = Case("file-timestamp-glitch-forward",
             "one packet of an unrelated web flow stamped 2 hours ahead "
             "in the middle of A, then A goes on at its own time")
    a = good(1, T0)
    b = good(2, T0 + 10 * SEC)
    stray = K.Pkt(T0 + 7200 * SEC, 4, ip4("10.9.9.9"), ip4("10.9.9.8"), 5555,
                  80, 1, 1, K.ACK | K.PSH, b"GET / HTTP/1.0\r\n\r\n")
    c.files["glitch.pcap"] = pcap_of(a[:I_STLS_OK + 1] + [stray] +
                                     a[I_STLS_OK + 1:] + b)
    c.args = ["-v", "-r", "glitch.pcap"]
    c.exit = 0
    # The table clock believes a leap of more than a minute only when the
    # next packet agrees (flow.c): the stray timestamp times nothing out,
    # A stays one session.
    c.count("10.99.1.1", 40001, 1)
    c.counters = {"flow.timed_out": 0, "flow.clock_jumps_held": 1,
                  "session.reason.legacy_client": 2}
    expect_good(c, 1)
    c.nevents = 2
    return c


@case
def file_timestamp_jump_real():
    c = Case("file-timestamp-jump-real",
             "A stops half way; the capture resumes 2 hours later with B")
    a = good(1, T0)
    b = good(2, T0 + 7200 * SEC)
    c.files["jump.pcap"] = pcap_of(a[:I_STLS_OK + 1] + b)
    c.args = ["-v", "-r", "jump.pcap"]
    c.exit = 0
    # Two packets agree on the new time: A idles out then, B is whole.
    c.count("10.99.1.1", 40001, 1)
    c.counters = {"flow.timed_out": 1, "flow.clock_jumps_held": 1}
    c.expect("10.99.1.1", 40001, tlsfloor__end="timeout")
    c.expect("10.99.1.2", 40002, tlsfloor__reason="legacy_client",
             tlsfloor__negotiated_version="TLSv1.0")
    c.nevents = 2
    return c


@case
def file_truncated_stdin():
    c = Case("file-truncated-stdin",
             "the truncated capture of file-truncated-mid-packet on "
             "standard input (-r -)")
    a, b, data = two_sessions_pcap()
    off = record_offsets(data)[26 + I_CH]
    c.files["cut.pcap"] = data[:off + 16 + 50]
    c.stdin = "cut.pcap"
    c.args = ["-r", "-"]
    c.exit = 1
    c.stderr = [r"^tlsfloor: stdin: packet 38: truncated dump file"]
    expect_good(c, 1, pktno=1)
    c.expect("10.99.1.2", 40002, tlsfloor__end="end_of_input",
             tlsfloor__pcap__file="stdin")
    c.nevents = 2
    return c


# =============================================================================
# Lying length fields, each in an otherwise valid session H, then G
# =============================================================================

def hs(t=T0):
    return hostile(t)


@case
def ipv4_total_length_larger():
    h = with_lie(hs(), I_CH, ip_totlen=20 + 32 + 104 + 300)
    c = damaged("ipv4-total-length-larger",
                "the ClientHello's IPv4 total length 300 bytes past the "
                "frame", h)
    # The bytes that are there are the whole hello: H is judged right.
    c.expect(H_IP, H_PORT, dict(GOOD))
    # The frame was captured whole: a lying length, not the snaplen.
    c.counters = {"decode.length_beyond_frame": 1,
                  "decode.payload_cut_by_snaplen": 0}
    c.nevents = 2
    return c


@case
def ipv4_total_length_below_tcp_header():
    h = with_lie(hs(), I_CH, ip_totlen=30)
    c = damaged("ipv4-total-length-below-tcp",
                "the ClientHello's IPv4 total length 30: 10 bytes for TCP", h)
    c.counters = {"decode.skip.bad_tcp_header": 1}
    # The hello is gone; only the server's choice is known.
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             tlsfloor__negotiated_version="TLSv1.0",
             tlsfloor__reason="legacy_negotiated",
             anomalies=["client_hello_lost", "stream_gap"])
    c.nevents = 2
    return c


@case
def ipv4_total_length_below_ihl():
    h = with_lie(hs(), I_CH, ip_totlen=12)
    c = damaged("ipv4-total-length-below-ihl",
                "the ClientHello's IPv4 total length 12, below its own "
                "20-byte header", h)
    c.counters = {"decode.skip.bad_ip_header": 1}
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             tlsfloor__reason="legacy_negotiated",
             anomalies=["client_hello_lost"])
    c.nevents = 2
    return c


@case
def ipv4_total_length_trims_payload():
    h = with_lie(hs(), I_CH, ip_totlen=20 + 32 + 10)
    c = damaged("ipv4-total-length-smaller",
                "the ClientHello's IPv4 total length keeps 10 of its 104 "
                "bytes; the rest looks like Ethernet padding", h)
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             tlsfloor__reason="legacy_negotiated",
             anomalies=["client_hello_lost", "stream_gap"])
    c.counters = {"decode.skip.bad_ip_header": 0,
                  "decode.skip.bad_tcp_header": 0}
    c.nevents = 2
    return c


@case
def ipv4_ihl_lies():
    h = hs()
    # Bare ACKs: the IHL says 60 bytes (15 words), the datagram has 52.
    h = with_lie(h, I_ACK, ip_ihl=15)
    # A bare ACK whose IHL (60) and total length (1500) both lie.
    h = with_lie(h, 4, ip_ihl=15, ip_totlen=1500)
    # IHL below the minimum header.
    h = with_lie(h, 12, ip_ihl=3)
    c = damaged("ipv4-ihl-lies",
                "IHL 15 with a 52-byte datagram, IHL 15 with total length "
                "1500, IHL 3: three bare ACKs of H", h)
    c.counters = {"decode.skip.bad_ip_header": 2,
                  "decode.skip.truncated_ip": 1}
    c.expect(H_IP, H_PORT, dict(GOOD))
    c.nevents = 2
    return c


@case
def ipv4_options_overrun():
    # Real option bytes: an option whose length runs past the header.
    h = with_lie(hs(), 4, ip_opts=b"\x07\x27\x04\x00")     # RR, len 39
    c = damaged("ipv4-option-length-overrun",
                "a bare ACK of H with a Record Route option claiming 39 "
                "bytes in a 4-byte options field", h)
    c.expect(H_IP, H_PORT, dict(GOOD))
    c.nevents = 2
    return c


def hs6(t=T0):
    return K.readdress(SAMPLE6, cli=ip6("fd99::21"), cport=41001, t0=t)


H6_IP = "fd99::21"


GOOD6 = dict(GOOD)                  # the IPv6 sample: same client and
del GOOD6["tls.client.ja3"]         # server, fingerprint not pinned here


@case
def ipv6_payload_length_larger():
    h = with_lie(hs6(), I_CH, ip6_plen=32 + 104 + 300)
    c = damaged("ipv6-payload-length-larger",
                "the ClientHello's IPv6 payload length 300 past the frame",
                h)
    c.counters = {"decode.length_beyond_frame": 1,
                  "decode.payload_cut_by_snaplen": 0}
    c.expect(H6_IP, 41001, GOOD6)
    c.nevents = 2
    return c


@case
def ipv6_payload_length_small():
    h = with_lie(hs6(), I_CH, ip6_plen=10)
    h = with_lie(h, I_ACK, ip6_plen=0)        # a "jumbogram" without option
    c = damaged("ipv6-payload-length-small",
                "the ClientHello's IPv6 payload length 10; a bare ACK's 0",
                h)
    c.counters = {"decode.skip.bad_tcp_header": 1,
                  "decode.skip.bad_ip_header": 1}
    c.expect(H6_IP, 41001, tlsfloor__client_max_version=None,
             tlsfloor__reason="legacy_negotiated",
             anomalies=["client_hello_lost"])
    c.nevents = 2
    return c


@case
def ipv6_extension_lengths():
    h = hs6()
    # Hop-by-hop options claiming (255 + 1) * 8 bytes, in a datagram whose
    # payload length is honest about the 8 that are there.
    big = (0, b"\x06\xff" + b"\x01\x04\x00\x00\x00\x00")
    # Nine destination-options headers chained: one more than walked.
    chain = (60, b"".join(b"\x3c\x00\x01\x04\x00\x00\x00\x00"
                          for _ in range(8)) +
             b"\x06\x00\x01\x04\x00\x00\x00\x00")
    # An AH claiming (255 + 2) * 4 bytes.
    ah = (51, b"\x06\xff\x00\x00" + b"\x00" * 8)
    h = with_lie(h, I_ACK, ip6_ext=big)
    h = with_lie(h, 4, ip6_ext=chain)
    h = with_lie(h, 12, ip6_ext=ah)
    c = damaged("ipv6-extension-lengths",
                "bare ACKs of H with a hop-by-hop header claiming 2 KiB, "
                "nine chained destination options, an AH claiming 1 KiB",
                h)
    c.counters = {"decode.skip.bad_ip_header": 3}
    c.expect(H6_IP, 41001, GOOD6)
    c.nevents = 2
    return c


@case
def tcp_data_offset_lies():
    h = hs()
    h = with_lie(h, I_ACK, tcp_doff=15)     # 60 > 32 bytes of segment
    h = with_lie(h, 4, tcp_doff=2)          # below the fixed header
    c = damaged("tcp-data-offset-lies",
                "bare ACKs of H with TCP data offset 15 (60 bytes in a "
                "32-byte segment) and 2", h)
    c.counters = {"decode.skip.bad_tcp_header": 2}
    c.expect(H_IP, H_PORT, dict(GOOD))
    c.nevents = 2
    return c


@case
def tcp_data_offset_into_payload():
    h = with_lie(hs(), I_CH, tcp_doff=15)
    c = damaged("tcp-data-offset-into-payload",
                "the ClientHello segment's data offset 15: 28 bytes of the "
                "hello read as TCP options", h)
    # What is left is the middle of a hello: never a version.
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             tlsfloor__negotiated_version="TLSv1.0")
    c.nevents = 2
    return c


@case
def tls_record_length_over_max():
    h = with_ch(hs(), client_hello(rec_len=16384 + 2048 + 1))
    c = damaged("tls-record-length-over-max",
                "the ClientHello record claims 18433 bytes (the cap is "
                "18432)", h)
    c.counters = {"tls.bad_record": 1, "tls.bad_hello": 1,
                  "tls.client_hellos": 1}
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             tlsfloor__negotiated_version="TLSv1.0",
             anomalies=["bad_client_hello"])
    c.nevents = 2
    return c


@case
def tls_record_length_max_past_data():
    h = with_ch(hs(), client_hello(rec_len=16384 + 2048))
    c = damaged("tls-record-length-max",
                "the ClientHello record claims 18432 bytes, the most "
                "allowed; 99 are there and the rest of the stream is "
                "swallowed", h)
    f = dict(GOOD)
    f["tls.client.ja3"] = "53652b2730564404986852cde177b6d9"
    c.expect(H_IP, H_PORT, f)
    c.counters = {"tls.bad_record": 0, "tls.client_hellos": 2}
    c.nevents = 2
    return c


@case
def tls_record_length_one_past():
    h = with_ch(hs(), client_hello(rec_len=100))
    c = damaged("tls-record-length-one-past",
                "the ClientHello record claims one byte more than it has: "
                "the next record's first byte is taken", h)
    c.expect(H_IP, H_PORT, dict(GOOD))
    c.counters = {"tls.bad_record": 1, "tls.bad_hello": 0}
    c.nevents = 2
    return c


@case
def tls_record_length_zero():
    zero = record(22, b"") * 100
    h = with_ch(hs(), zero + CH)
    c = damaged("tls-record-length-zero",
                "100 zero-length handshake records before the ClientHello",
                h)
    c.expect(H_IP, H_PORT, dict(GOOD))
    c.at_least = {"tls.records": 100}
    c.counters = {"tls.bad_record": 0, "tls.bad_hello": 0}
    c.nevents = 2
    return c


@case
def tls_record_zero_appdata_first():
    h = with_ch(hs(), record(23, b"") + CH)
    c = damaged("tls-record-zero-appdata-first",
                "a zero-length application-data record before the "
                "ClientHello: keyed data before a hello is not a handshake "
                "we can follow", h)
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             anomalies=["bad_client_hello"])
    c.counters = {"tls.bad_hello": 1}
    c.nevents = 2
    return c


@case
def tls_handshake_length_16mib():
    h = with_ch(hs(), client_hello(hs_len=0xFFFFFF))
    c = damaged("tls-handshake-length-16mib",
                "the ClientHello's handshake header claims 16 MiB - 1", h)
    c.counters = {"tls.hello_too_large": 1, "tls.bad_hello": 1}
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None,
             anomalies=["bad_client_hello"])
    c.nevents = 2
    c.rss = 8 << 20
    return c


@case
def tls_handshake_length_past_data():
    h = with_ch(hs(), client_hello(hs_len=95 + 1000))
    c = damaged("tls-handshake-length-past-data",
                "the ClientHello claims 1095 bytes in a 99-byte record; "
                "the client's next records (key exchange, CCS) are read "
                "as the rest of it", h)
    c.counters = {"tls.hello_too_large": 0}
    c.expect(H_IP, H_PORT, tlsfloor__negotiated_version="TLSv1.0")
    c.nevents = 2
    return c


@case
def tls_extensions_block_overrun():
    h = with_ch(hs(), client_hello(ext_len=36 + 50))
    c = damaged("tls-extensions-length-overrun",
                "the extensions block claims 50 bytes more than the hello "
                "has", h)
    c.counters = {"tls.bad_hello": 1}
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version="TLSv1.0",
             tlsfloor__reason="legacy_client",
             anomalies=["bad_client_hello_extensions"])
    c.nevents = 2
    return c


@case
def tls_extension_length_lies():
    exts = CH_EXTS
    groups = exts[12:24]        # supported_groups' body: list<10>
    # Its extension length 0xffff, past the end of the block.
    c_exts = exts[:8] + ext(0x000a, groups, length=0xFFFF) + exts[24:]
    h = with_ch(hs(), client_hello(exts=c_exts))
    # A second hostile session: the groups list inside claims 200 bytes.
    inner = ext(0x000a, u16(200) + groups[2:])
    h2 = with_ch(hostile(T0 + 5 * SEC, n=2),
                 client_hello(exts=exts[:8] + inner + exts[24:]))
    # A third: supported_versions claiming 254 bytes of versions, holding 4
    # (TLS 1.3 and 1.2): the list is a lie, nothing from it may count.
    sv = ext(0x002b, b"\xfe\x03\x04\x03\x03")
    h3 = with_ch(hostile(T0 + 6 * SEC, n=3), client_hello(exts=exts + sv))
    # A fourth: 600 empty extensions (more than are walked).
    many = b"".join(ext(0xff00 + (i % 200), b"") for i in range(600))
    h4 = with_ch(hostile(T0 + 7 * SEC, n=4), client_hello(exts=many))
    c = damaged("tls-extension-length-lies",
                "one extension's length past the block; a list length past "
                "its extension; a supported_versions list claiming 254 "
                "bytes; 600 extensions", h + h2 + h3 + h4)
    for n in (1, 2, 3, 4):
        c.expect("10.99.2.%d" % n, 41000 + n,
                 tlsfloor__client_max_version="TLSv1.0",
                 tlsfloor__reason="legacy_client",
                 tlsfloor__negotiated_version="TLSv1.0",
                 anomalies=["bad_client_hello_extensions"])
    c.counters = {"tls.bad_hello": 4}
    c.nevents = 5
    return c


@case
def tls_sni_lengths():
    name = b"mail.example.test"
    variants = [
        ("list past extension", sni_ext(name, list_len=200)),
        ("name past list", sni_ext(name, name_len=300)),
        ("name length 0xffff", sni_ext(name, name_len=0xFFFF)),
        ("list length 0", sni_ext(name, list_len=0)),
        ("extension length 1", ext(0, u16(len(name) + 3) + b"\x00" +
                                   u16(len(name)) + name, length=1)),
    ]
    sessions = []
    for i, (_, e) in enumerate(variants):
        sessions += with_ch(hostile(T0 + i * SEC, n=i + 1),
                            client_hello(exts=e + CH_EXTS))
    c = damaged("tls-sni-lengths",
                "five ClientHellos whose SNI lengths lie: " +
                "; ".join(v[0] for v in variants), sessions)
    for i, (what, _) in enumerate(variants):
        # An empty list followed by the entry it should have held is
        # malformed too: bytes after the list.
        c.expect("10.99.2.%d" % (i + 1), 41001 + i,
                 tlsfloor__client_max_version="TLSv1.0",
                 tlsfloor__reason="legacy_client",
                 tls__client__server_name=None,
                 anomalies=["bad_client_hello_extensions"])
    c.counters = {"tls.bad_hello": len(variants)}
    c.nevents = len(variants) + 1
    return c


@case
def tls_sni_odd_names():
    long_name = b"a" * 63 + b"." + b"b" * 63 + b"." + b"c" * 63 + b"." + \
        b"d" * 63 + b"." + b"e" * 40                   # 296 bytes
    odd = b"mail\x00\xff\"\\\n.example.test"
    many = b"".join(b"\x01" + u16(4) + b"skip" for _ in range(2000))
    lst = many + b"\x00" + u16(17) + b"mail.example.test"
    variants = [sni_ext(long_name), sni_ext(odd), ext(0, u16(len(lst)) + lst)]
    sessions = []
    for i, e in enumerate(variants):
        sessions += with_ch(hostile(T0 + i * SEC, n=i + 1),
                            client_hello(exts=e + CH_EXTS))
    c = damaged("tls-sni-odd-names",
                "well-formed SNI that is still hostile: a 296-byte name, "
                "NUL/0xff/quote/backslash/newline bytes, 2000 entries of "
                "another name type before the host name", sessions)
    c.expect("10.99.2.1", 41001, {
        "tls.client.server_name": long_name[:255].decode(),
        "tlsfloor.reason": "legacy_client"})
    c.expect("10.99.2.2", 41002, {
        "tls.client.server_name":
            'mail\\x00\\xff"\\x5c\\x0a.example.test',
        "tlsfloor.reason": "legacy_client"})
    c.expect("10.99.2.3", 41003, {
        "tls.client.server_name": "mail.example.test",
        "tlsfloor.reason": "legacy_client", "tlsfloor.anomalies": None})
    c.nevents = 4
    return c


@case
def tls_client_hello_dribbled():
    h = hs()
    h = K.split_payload(h, I_SH, 1)             # the server's flight too
    h = K.split_payload(h, I_CH, 1)
    c = damaged("tls-client-hello-dribbled",
                "the ClientHello one byte per TCP segment (104 segments), "
                "the server's hello flight too (1269)", h)
    c.expect(H_IP, H_PORT, dict(GOOD))
    c.at_least = {"reasm.segments": 104 + 1269}
    c.nevents = 2
    return c


def imaps_conv(n, t):
    """A TCP conversation 10.99.3.n:4200n -> 10.99.0.1:993 (IMAPS)."""
    cv = K.Conv(ip4("10.99.3.%d" % n), ip4("10.99.0.1"), 42000 + n, 993, t)
    cv.handshake()
    return cv


SH_FLIGHT = SAMPLE[I_SH].payload


@case
def tls_dribbled_implicit():
    # 993: TLS from the first byte, each byte its own segment.
    cv = imaps_conv(1, T0)
    for b in range(len(CH)):
        cv.send(C, CH[b:b + 1], ack=False)
    cv.ack(S)
    cv.send(S, SH_FLIGHT)
    cv.rst(S)
    c = damaged("tls-dribbled-implicit",
                "a ClientHello one byte per segment on 993 (IMAPS)",
                cv.pkts)
    c.expect("10.99.3.1", 42001, tlsfloor__mode="implicit",
             tlsfloor__reason="legacy_client",
             tlsfloor__client_max_version="TLSv1.0",
             tlsfloor__negotiated_version="TLSv1.0",
             tlsfloor__outcome="established", tlsfloor__anomalies=None)
    c.nevents = 2
    return c


@case
def tls_client_first_on_starttls_port():
    # 143 served by an implicit-TLS server (a mis-configured client and
    # server that agree): no greeting, the client opens with a
    # ClientHello and the server answers with its hello.  Once whole,
    # once one byte per segment.
    sessions = []
    for n, step in ((2, len(CH)), (3, 1)):
        cw = K.Conv(ip4("10.99.3.%d" % n), ip4("10.99.0.1"), 42000 + n, 143,
                    T0 + n * SEC).handshake()
        for b in range(0, len(CH), step):
            cw.send(C, CH[b:b + step], ack=False)
        cw.ack(S)
        cw.send(S, SH_FLIGHT)
        cw.rst(S)
        sessions += cw.pkts
    c = damaged("tls-client-first-on-starttls-port",
                "implicit TLS on 143: the client opens with a ClientHello "
                "(whole, then one byte per segment), the server answers "
                "with a TLS 1.0 ServerHello", sessions)
    for n in (2, 3):
        c.expect("10.99.3.%d" % n, 42000 + n,
                 tlsfloor__reason="legacy_client",
                 tlsfloor__outcome="established",
                 tlsfloor__client_max_version="TLSv1.0",
                 tlsfloor__negotiated_version="TLSv1.0")
    c.nevents = 3
    return c


@case
def tls_thousands_of_tiny_records():
    # 5000 zero-length handshake records, then the hello in 99 one-byte
    # records, all in one stream; the server's hello in one-byte records.
    frag = b"".join(record(22, CH[5 + i:6 + i]) for i in range(99))
    stream = record(22, b"") * 5000 + frag
    sh_rec = SH_FLIGHT[5:5 + 0x45]          # the ServerHello record
    sh_frag = b"".join(record(22, sh_rec[i:i + 1]) for i in range(len(sh_rec)))
    h = with_ch(hs(), stream)
    i_sh = K.find_payload(h, SH_FLIGHT[:16], False)
    h = K.replace_payload(h, i_sh, sh_frag + SH_FLIGHT[5 + len(sh_rec):])
    # And 10000 tiny records each in its own segment, on 993.
    cv = imaps_conv(1, T0 + 5 * SEC)
    for _ in range(10000):
        cv.send(C, record(22, b""), ack=False)
    for i in range(99):
        cv.send(C, record(22, CH[5 + i:6 + i]), ack=False)
    cv.ack(S)
    cv.send(S, SH_FLIGHT)
    cv.rst(S)
    c = damaged("tls-thousands-of-tiny-records",
                "5000 empty records and a ClientHello in 99 one-byte "
                "records, ServerHello in one-byte records; then 10000 "
                "empty records in 10000 segments on 993", h + cv.pkts)
    f = dict(GOOD)
    c.expect(H_IP, H_PORT, f)
    c.expect("10.99.3.1", 42001, tlsfloor__reason="legacy_client",
             tlsfloor__outcome="established",
             tlsfloor__client_max_version="TLSv1.0")
    c.at_least = {"tls.records": 5000 + 99 + 10000 + 99}
    c.counters = {"tls.bad_record": 0, "tls.bad_hello": 0}
    c.nevents = 3
    c.cpu = 1
    return c


# --- IMAP literals -----------------------------------------------------------

def imap_session(n, t, client_lines, server_replies, tls=True):
    """
    IMAP on 143: greeting, then each client chunk answered by the server
    chunk beside it, then (tls) a STARTTLS that is accepted and SAMPLE's
    hellos.
    """
    cv = K.Conv(ip4("10.99.4.%d" % n), ip4("10.99.0.1"), 43000 + n, 143,
                t).handshake()
    cv.send(S, SAMPLE[I_GREETING].payload)
    for cl, sv in zip(client_lines, server_replies):
        if cl:
            cv.send(C, cl)
        if sv:
            cv.send(S, sv)
    if tls:
        cv.send(C, b"z9 STARTTLS\r\n")
        cv.send(S, b"z9 OK Begin TLS negotiation now.\r\n")
        cv.send(C, CH)
        cv.send(S, SH_FLIGHT)
    cv.rst(S)
    return cv.pkts


STARTTLS_LEGACY = {"tlsfloor.reason": "legacy_client",
                   "tlsfloor.mode": "starttls",
                   "tlsfloor.starttls": "accepted",
                   "tlsfloor.client_max_version": "TLSv1.0",
                   "tlsfloor.negotiated_version": "TLSv1.0",
                   "tlsfloor.outcome": "established"}


@case
def imap_literal_4g_refused():
    # RFC 3501 4.3 / 7.5: the client MUST wait for the server's "+"
    # before sending a synchronizing literal; a tagged BAD or NO instead
    # ends the command and the literal never comes.
    h = imap_session(1, T0, [b"a1 LOGIN {4294967295}\r\n"],
                     [b"a1 BAD Literal too large\r\n"])
    h += imap_session(2, T0 + SEC, [b"a1 LOGIN {5}\r\n"],
                      [b"a1 NO Plaintext authentication disallowed\r\n"])
    c = damaged("imap-literal-4g-refused",
                "synchronizing literals the server refuses (tagged BAD/NO, "
                "so they are never sent): {4294967295}, and {5}; then "
                "STARTTLS", h)
    c.expect("10.99.4.1", 43001, STARTTLS_LEGACY)
    c.expect("10.99.4.2", 43002, STARTTLS_LEGACY)
    c.nevents = 3
    return c


@case
def imap_literal_over_4g():
    h = imap_session(1, T0, [b"a1 LOGIN {4294967296}\r\n"],
                     [b"a1 BAD Literal too large\r\n"])
    h += imap_session(2, T0 + SEC,
                      [b"a1 LOGIN {99999999999999999999999999}\r\n"],
                      [b"a1 BAD Literal too large\r\n"])
    c = damaged("imap-literal-over-4g",
                "literals of 2^32 and of 10^26 bytes: not believed", h)
    c.expect("10.99.4.1", 43001, STARTTLS_LEGACY)
    c.expect("10.99.4.2", 43002, STARTTLS_LEGACY)
    c.nevents = 3
    return c


@case
def imap_literal_plus_4g():
    # LITERAL+: the client sends without waiting; here it sends 64 KiB of
    # it and the connection is reset.  Skipping must not walk 4 GiB.
    cv = K.Conv(ip4("10.99.4.1"), ip4("10.99.0.1"), 43001, 143,
                T0).handshake()
    cv.send(S, SAMPLE[I_GREETING].payload)
    cv.send(C, b"a1 APPEND INBOX {4294967295+}\r\n" + b"x" * 65536)
    cv.rst(C)
    c = damaged("imap-literal-plus-4g",
                "a non-synchronizing literal {4294967295+} and 64 KiB of "
                "it", cv.pkts)
    c.expect("10.99.4.1", 43001, tlsfloor__mode="plain",
             tlsfloor__client_max_version=None)
    c.cpu = 1
    c.nevents = 2
    return c


@case
def imap_many_literals():
    lits = b"".join(b"{3+}\r\nabc " for _ in range(5000))
    lits2 = b"".join(b"{3}\r\nabc " for _ in range(200))
    conts = b"+ go ahead\r\n" * 200
    h = imap_session(1, T0, [b"a1 ID (" + lits + b")\r\n",
                             b"a2 ID (" + lits2 + b")\r\n"],
                     [b"* ID NIL\r\na1 OK ID completed.\r\n",
                      conts + b"* ID NIL\r\na2 OK ID completed.\r\n"])
    c = damaged("imap-many-literals",
                "5000 LITERAL+ literals and 200 synchronizing ones (each "
                "with its continuation) before STARTTLS", h)
    c.expect("10.99.4.1", 43001, STARTTLS_LEGACY)
    c.cpu = 1
    c.nevents = 2
    return c


@case
def imap_literal_hides_command():
    # The literal's content looks like a STARTTLS command and its reply
    # like the server's OK: neither is one.
    h = imap_session(1, T0, [b"a1 LOGIN {13+}\r\nz9 STARTTLS\r\n bob\r\n"],
                     [b"a1 NO [AUTHENTICATIONFAILED] Authentication "
                      b"failed.\r\n"])
    c = damaged("imap-literal-hides-command",
                "a LITERAL+ whose 13 bytes read \"z9 STARTTLS\\r\\n\", "
                "refused, then a real STARTTLS with the same tag", h)
    # The LOGIN went out whole (LITERAL+ does not wait), password "bob"
    # in the clear: that outranks the legacy TLS that followed.
    c.expect("10.99.4.1", 43001, dict(
        STARTTLS_LEGACY, **{"tlsfloor.reason": "cleartext_credentials",
                            "tlsfloor.cleartext_mechanism": "LOGIN"}))
    c.nevents = 2
    return c


# --- Long lines --------------------------------------------------------------

MIB = 1 << 20
LONG = 4 * MIB      # "a megabyte-long line": four, so that keeping it would
                    # show far above the RSS noise


@case
def line_megabyte_client():
    cv = K.Conv(ip4("10.99.5.1"), ip4("10.99.0.1"), 44001, 143,
                T0).handshake()
    cv.send(S, SAMPLE[I_GREETING].payload)
    cv.send(C, b"a1 " + b"A" * LONG, seg=1448)
    cv.fin(C)
    cv.fin(S)
    cv.ack(C)
    c = damaged("line-megabyte-client",
                "the client sends a 4 MiB line without a newline on 143",
                cv.pkts)
    c.expect("10.99.5.1", 44001, tlsfloor__mode="plain",
             tlsfloor__reason="plaintext", tlsfloor__end="fin")
    c.at_least = {"mail.line_too_long": 1, "mail.plaintext_depth_reached": 1}
    c.rss = 1 * MIB
    c.cpu = 1
    c.nevents = 2
    return c


@case
def line_megabyte_server():
    cv = K.Conv(ip4("10.99.5.2"), ip4("10.99.0.1"), 44002, 110,
                T0).handshake()
    cv.send(S, b"+OK " + b"B" * LONG, seg=1448)
    cv.rst(C)
    cv2 = K.Conv(ip4("10.99.5.3"), ip4("10.99.0.1"), 44003, 25,
                 T0 + SEC).handshake()
    cv2.send(S, b"220-" + b"C" * LONG, seg=1448)
    cv2.rst(C)
    c = damaged("line-megabyte-server",
                "a POP3 and an SMTP server each send a 4 MiB greeting line "
                "without a newline", cv.pkts + cv2.pkts)
    # Not one line of either: nothing says what the service is.
    c.expect("10.99.5.2", 44002, tlsfloor__mode="plain",
             tlsfloor__reason="unknown", tlsfloor__client_max_version=None)
    c.expect("10.99.5.3", 44003, tlsfloor__mode="plain",
             tlsfloor__reason="unknown", tlsfloor__client_max_version=None)
    c.at_least = {"mail.line_too_long": 2}
    c.rss = 1 * MIB
    c.cpu = 1
    c.nevents = 3
    return c


@case
def line_megabyte_held_after_starttls():
    cv = K.Conv(ip4("10.99.5.4"), ip4("10.99.0.1"), 44004, 143,
                T0).handshake()
    cv.send(S, SAMPLE[I_GREETING].payload)
    cv.send(C, b"a1 STARTTLS\r\n")
    # Before the reply: a megabyte the client should not have sent.
    cv.send(C, b"D" * LONG, seg=1448)
    cv.send(S, b"a1 OK Begin TLS negotiation now.\r\n")
    cv.rst(C)
    c = damaged("line-megabyte-held",
                "after STARTTLS and before the reply the client sends 4 MiB "
                "(held for the reply: capped)", cv.pkts)
    c.expect("10.99.5.4", 44004, tlsfloor__starttls="accepted",
             tlsfloor__client_max_version=None,
             anomalies=["client_not_tls"])
    c.at_least = {"mail.held_bytes_full": 1}
    c.rss = 1 * MIB
    c.cpu = 1
    c.nevents = 2
    return c


# --- Reassembly --------------------------------------------------------------

@case
def reasm_100k_out_of_order():
    # 993: 100000 segments of one empty handshake record each, every run
    # of 64 sent as segments 2..64 first (ascending, behind a hole) and
    # segment 1 last; then the hello in order and the server's answer.
    n, block = 100000, 64
    cv = imaps_conv(1, T0)
    cv.step = 1
    rec = record(22, b"")
    for b0 in range(0, n, block):
        base = b0 * len(rec)
        for k in range(1, min(block, n - b0)):
            cv.raw(C, base + k * len(rec), rec)
        cv.raw(C, base, rec)
    cv.advance(C, n * len(rec))
    cv.send(C, CH, ack=False)
    cv.ack(S)
    cv.send(S, SH_FLIGHT)
    cv.rst(S)
    c = damaged("reasm-100k-out-of-order",
                "100000 out-of-order segments in one flow, 63 queued "
                "behind each hole, before the ClientHello", cv.pkts)
    c.expect("10.99.3.1", 42001, tlsfloor__reason="legacy_client",
             tlsfloor__outcome="established",
             tlsfloor__client_max_version="TLSv1.0",
             tlsfloor__anomalies=None)
    c.counters = {"reasm.out_of_order": n - (n + block - 1) // block,
                  "reasm.gaps": 0, "reasm.queue_full": 0}
    c.cpu = 1
    c.rss = 8 * MIB
    c.nevents = 2
    return c


@case
def reasm_queue_overflow_and_far_segments():
    # 200 segments behind a hole that never fills (the queue holds 64),
    # then 1000 segments 2 MiB ahead (never kept), on a STARTTLS port
    # before STARTTLS; then the real STARTTLS exchange.
    cv = K.Conv(ip4("10.99.6.1"), ip4("10.99.0.1"), 45001, 143,
                T0).handshake()
    cv.send(S, SAMPLE[I_GREETING].payload)
    line = b"a1 NOOP\r\n"
    for k in range(1, 201):
        cv.raw(C, k * len(line), line)
    for k in range(1000):
        cv.raw(C, (2 << 20) + k * len(line), line)
    cv.advance(C, 201 * len(line))
    cv.send(C, b"a2 STARTTLS\r\n")
    cv.send(S, b"a2 OK Begin TLS negotiation now.\r\n")
    cv.send(C, CH)
    cv.send(S, SH_FLIGHT)
    cv.rst(S)
    c = damaged("reasm-queue-overflow",
                "200 segments behind a hole that never fills, 1000 segments "
                "2 MiB ahead, then STARTTLS and the hellos", cv.pkts)
    c.expect("10.99.6.1", 45001, STARTTLS_LEGACY,
             anomalies=["stream_gap"])
    c.at_least = {"reasm.queue_full": 1, "reasm.segment_too_far_ahead": 1000}
    c.nevents = 2
    return c


@case
def reasm_memcap_eviction():
    # 40 IMAP flows (143), each with 46 segments of 1400 bytes (64400, just
    # under the 64 KiB per direction) queued behind a one-byte hole that
    # never fills; --memcap 1M binds after about 15 of them.  Evicting a
    # flow delivers its queue across the hole to the line parser, which
    # allocates (the bytes kept for overlap checks, the line buffer).
    pkts = []
    flows = 40
    convs = [K.Conv(ip4("10.99.7.%d" % (i + 1)), ip4("10.99.0.1"), 46001 + i,
                    143, T0 + i * 1000).handshake() for i in range(flows)]
    for cv in convs:
        cv.step = 1
        for k in range(46):
            cv.raw(C, 1 + k * 1400, b"x" * 1400)
        pkts += cv.pkts
    c = damaged("reasm-memcap-eviction",
                "40 flows each queueing 64 KiB behind a hole, --memcap 1M: "
                "flows are evicted to make room, their queues flushed",
                pkts)
    c.args += ["--memcap", "1M"]
    for i in range(flows):
        c.expect("10.99.7.%d" % (i + 1), 46001 + i,
                 tlsfloor__client_max_version=None)
    c.at_least = {"flow.memcap_hit": 1, "flow.evicted": 1}
    c.nevents = flows + 1
    c.rss = 16 * MIB
    return c


def frag4(ts, src, ident, off, more, payload, proto=6):
    """An Ethernet frame with one IPv4 fragment (no checksum)."""
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload),
                      ident & 0xffff, (0x2000 if more else 0) | off // 8,
                      64, proto, 0, src, ip4("10.99.0.1"))
    fr = eth + hdr + payload
    return (ts, fr, len(fr))


@case
def defrag_flood():
    # 100000 fragments that never make a datagram: first fragments from
    # many sources, and every other one far into a 64 KiB datagram (a
    # large buffer each); then SAMPLE intact.  The fragment table stays
    # within its caps (1024 datagrams, 4 MiB), the oldest given up.
    n = 100000
    recs = [frag4(T0 + i, ip4("10.98.%d.%d" % (i >> 8 & 255, i & 255)),
                  i, 60000 if i % 2 else 0, True, bytes(8))
            for i in range(n)]
    name = "defrag-flood"
    c = Case(name, "%d IP fragments of %d datagrams that never complete, "
             "half of them 60000 bytes in, then a good session" % (n, n))
    g = good(1, T0 + 10 * SEC)
    c.files[name + ".pcap"] = K.pcap_bytes(recs + K.records(g))
    c.args = ["-v", "-r", name + ".pcap"]
    expect_good(c, 1, pktno=n + 1)
    c.counters = {"defrag.fragments": n, "defrag.reassembled": 0,
                  "defrag.alloc_failed": 0}
    c.at_least = {"defrag.evicted": n - 1024}
    c.nevents = 1
    c.cpu = 2
    c.rss = 8 * MIB
    return c


@case
def defrag_tiny_overlapping():
    # The ClientHello's segment in 8-byte fragments, twice: first a
    # forged copy of every fragment but the last (each byte XOR 0xff),
    # then the genuine ones in order.  The first copy of each byte wins
    # (as in TCP reassembly), every genuine fragment but the last is a
    # counted conflict, and the genuine last one completes a datagram of
    # forged bytes -- TCP ports included, so the segment belongs to no
    # watched connection and the hello is lost for the session: one
    # event with client_max unknown, never a crash or a hello nobody sent.
    pkts = hostile(T0)
    ch = pkts[I_CH]
    seg = ch.frame()[34:]               # TCP header + ClientHello
    recs = []
    for p in pkts[:I_CH]:
        fr = p.frame()
        recs.append((p.ts, fr, len(fr)))
    t = ch.ts
    src = ip4(H_IP)
    for k in range(0, len(seg) - 8, 8):  # forged: all but the last
        recs.append(frag4(t, src, 0x4242, k,
                          True, bytes(b ^ 0xff for b in seg[k:k + 8])))
        t += 1
    for k in range(0, len(seg), 8):     # genuine, in order
        last = k + 8 >= len(seg)
        recs.append(frag4(t, src, 0x4242, k, not last, seg[k:k + 8]))
        t += 1
    for p in pkts[I_CH + 1:]:
        fr = p.frame()
        recs.append((p.ts, fr, len(fr)))
    name = "defrag-tiny-overlapping"
    c = Case(name, "the ClientHello in 8-byte fragments, a forged copy of "
             "each but the last first: first copy wins, conflicts counted")
    g = good(1, T0 + 10 * SEC)
    c.files[name + ".pcap"] = K.pcap_bytes(recs + K.records(g))
    c.args = ["-v", "-r", name + ".pcap"]
    expect_good(c, 1)
    c.expect(H_IP, H_PORT, tlsfloor__client_max_version=None)
    c.counters = {"defrag.reassembled": 1}
    c.at_least = {"defrag.overlap_conflicts": 1}
    c.nevents = 2
    return c


def write_case(c, outdir):
    for name, data in c.files.items():
        path = os.path.join(outdir, name)
        if data is None:
            os.makedirs(path, exist_ok=True)
        else:
            with open(path, "wb") as fp:
                fp.write(data)


def build(names=None):
    out = []
    for fn in CASES:
        c = fn()
        if names and c.name not in names:
            continue
        out.append(c)
    return out


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outdir", required=True)
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    for c in build(a.names):
        d = os.path.join(a.outdir, c.name)
        os.makedirs(d, exist_ok=True)
        write_case(c, d)
        print("cd %s && tlsfloor %s%s" % (d, " ".join(c.args),
                                          " <" + c.stdin if c.stdin else ""))


if __name__ == "__main__":
    main()
