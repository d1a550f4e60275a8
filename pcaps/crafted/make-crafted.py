#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""
make-crafted.py -- generate the crafted edge-case captures for tlsfloor.

Usage (from anywhere; needs Debian's python3-scapy, hence /usr/bin/python3):

    /usr/bin/python3 pcaps/crafted/make-crafted.py            # (re)write all files
    /usr/bin/python3 pcaps/crafted/make-crafted.py --table    # print expected verdicts
    /usr/bin/python3 pcaps/crafted/make-crafted.py --outdir D # write somewhere else

Every capture shows ONE edge case of TCP / TLS / mail-protocol parsing.
The output is deterministic: every random byte comes from a random.Random
seeded with the file name, and timestamps start at 2026-01-01T00:00:00Z and
advance by fixed amounts, so rerunning produces byte-identical files.

All TLS / SSLv2 bytes are built by hand with struct (see the "TLS building
blocks" section); scapy is only used for Ethernet / VLAN / SLL / IP / IPv6 /
TCP and for writing classic pcap files.  pcapng is written by hand with
struct (scapy's writer goes through float timestamps).

Expected verdicts for each session are returned by the function that builds
the file and are printed with --table; pcaps/crafted/README
carries the same table plus notes.
"""

import argparse
import os
import random
import struct
import sys

from scapy.packet import Raw
from scapy.layers.l2 import (Ether, Dot1Q, Dot1AD, CookedLinux, CookedLinuxV2,
                             Loopback)
from scapy.layers.inet import (IP, TCP, UDP, IPOption_NOP, IPOption_EOL,
                               IPOption_RR, fragment)
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, PadN)
from scapy.utils import PcapWriter, checksum

# 2026-01-01T00:00:00Z
T0_US = 1767225600 * 1000000

# Data link types (LINKTYPE_* values as stored in capture files)
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

C = True    # direction: packet sent by the client
S = False   # direction: packet sent by the server

# ---------------------------------------------------------------------------
# TLS building blocks (all big-endian, as on the wire)
# ---------------------------------------------------------------------------

SSL2 = 0x0002
SSL3 = 0x0300
TLS10 = 0x0301
TLS11 = 0x0302
TLS12 = 0x0303
TLS13 = 0x0304

VNAME = {SSL2: "SSLv2", SSL3: "SSLv3", TLS10: "TLSv1.0", TLS11: "TLSv1.1",
         TLS12: "TLSv1.2", TLS13: "TLSv1.3"}

# TLS record content types
CT_CCS = 20
CT_ALERT = 21
CT_HANDSHAKE = 22
CT_APPDATA = 23

# Handshake message types
HS_CLIENT_HELLO = 1
HS_SERVER_HELLO = 2
HS_NEW_SESSION_TICKET = 4
HS_CERTIFICATE = 11
HS_SERVER_KEY_EXCHANGE = 12
HS_SERVER_HELLO_DONE = 14
HS_CLIENT_KEY_EXCHANGE = 16

# Extension types
EXT_SERVER_NAME = 0x0000
EXT_STATUS_REQUEST = 0x0005
EXT_SUPPORTED_GROUPS = 0x000a
EXT_EC_POINT_FORMATS = 0x000b
EXT_SIGNATURE_ALGORITHMS = 0x000d
EXT_EXTENDED_MASTER_SECRET = 0x0017
EXT_SESSION_TICKET = 0x0023
EXT_SUPPORTED_VERSIONS = 0x002b
EXT_PSK_KEY_EXCHANGE_MODES = 0x002d
EXT_KEY_SHARE = 0x0033
EXT_RENEGOTIATION_INFO = 0xff01

# Named groups
X25519 = 0x001d
SECP256R1 = 0x0017
SECP384R1 = 0x0018

# GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa
GREASE = [0x0a0a + 0x1010 * i for i in range(16)]

# A real (but throw-away, key discarded) self-signed P-256 certificate for
# CN=mail.example.test, valid 2025-01-01 .. 2035-01-01, DER, 362 bytes.
CERT_DER_B64 = (
    "MIIBZjCCAQygAwIBAgIBATAKBggqhkjOPQQDAjAcMRowGAYDVQQDDBFtYWlsLmV4YW1wbGUudGVz"
    "dDAeFw0yNTAxMDEwMDAwMDBaFw0zNTAxMDEwMDAwMDBaMBwxGjAYBgNVBAMMEW1haWwuZXhhbXBs"
    "ZS50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7tgYNUTsEMrsBj/Ym6VhXNmuaQlS13+1"
    "gDKbYPlUyY3dSe21P3HuTb4h9vdiFKiIs+CppeZtiEI5WqMgqKzPpKM/MD0wHAYDVR0RBBUwE4IR"
    "bWFpbC5leGFtcGxlLnRlc3QwHQYDVR0OBBYEFO7xw6T6PnsVqHBS3EKvGM6/iOqLMAoGCCqGSM49"
    "BAMCA0gAMEUCIQDBY8G5NQHv2hhrfTdhXUJuT5KTUVHfItFPFMM5u6fG8AIgP83CAe8ekEpekqgy"
    "nFooxuT7PL62IYGC7bgKWmyFh5g=")


def cert_der():
    import base64
    return base64.b64decode(CERT_DER_B64)


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def vec8(b):
    """opaque<0..2^8-1>: 1-byte length prefix"""
    return u8(len(b)) + b


def vec16(b):
    """opaque<0..2^16-1>: 2-byte length prefix"""
    return u16(len(b)) + b


def vec24(b):
    """opaque<0..2^24-1>: 3-byte length prefix"""
    return u24(len(b)) + b


def ext(etype, body):
    """Extension: type(2) + extension_data<0..2^16-1>"""
    return u16(etype) + vec16(body)


def ext_server_name(host):
    # ServerNameList<1..2^16-1> of ServerName:
    #   name_type(1) = 0 (host_name), HostName<1..2^16-1>
    entry = u8(0) + vec16(host.encode("ascii"))
    return ext(EXT_SERVER_NAME, vec16(entry))


def ext_supported_versions_client(versions):
    # ProtocolVersion versions<2..254>: 1-byte length, 2 bytes per version
    return ext(EXT_SUPPORTED_VERSIONS, vec8(b"".join(u16(v) for v in versions)))


def ext_supported_versions_server(version):
    # ServerHello form: exactly one selected_version (2 bytes), no length
    return ext(EXT_SUPPORTED_VERSIONS, u16(version))


def ext_supported_groups(groups):
    # NamedGroup named_group_list<2..2^16-1>
    return ext(EXT_SUPPORTED_GROUPS, vec16(b"".join(u16(g) for g in groups)))


def ext_ec_point_formats():
    # ECPointFormat ec_point_format_list<1..2^8-1>: 0 = uncompressed
    return ext(EXT_EC_POINT_FORMATS, vec8(b"\x00"))


def ext_signature_algorithms(algs):
    # SignatureScheme supported_signature_algorithms<2..2^16-2>
    return ext(EXT_SIGNATURE_ALGORITHMS, vec16(b"".join(u16(a) for a in algs)))


def ext_key_share_client(shares):
    # KeyShareEntry client_shares<0..2^16-1>; entry = group(2) + key<1..2^16-1>
    body = b"".join(u16(g) + vec16(k) for g, k in shares)
    return ext(EXT_KEY_SHARE, vec16(body))


def ext_key_share_server(group, key):
    # ServerHello form: a single KeyShareEntry, no list length
    return ext(EXT_KEY_SHARE, u16(group) + vec16(key))


def ext_renegotiation_info():
    # renegotiated_connection<0..255>: empty on initial handshake
    return ext(EXT_RENEGOTIATION_INFO, vec8(b""))


def ext_empty(etype):
    return ext(etype, b"")


def ext_psk_modes():
    # PskKeyExchangeMode ke_modes<1..255>: 1 = psk_dhe_ke
    return ext(EXT_PSK_KEY_EXCHANGE_MODES, vec8(b"\x01"))


def ext_status_request():
    # status_type(1)=ocsp, responder_id_list<0..2^16-1>, request_extensions<0..2^16-1>
    return ext(EXT_STATUS_REQUEST, u8(1) + vec16(b"") + vec16(b""))


def handshake(msg_type, body, length=None):
    """Handshake header: msg_type(1) + length(3) + body.
    `length` overrides the 3-byte length field (hostile cases)."""
    return u8(msg_type) + u24(len(body) if length is None else length) + body


def client_hello(rng, legacy_version, ciphers, extensions=None,
                 session_id=b"", compression=b"\x00", ext_len_adjust=0,
                 hs_length=None):
    """ClientHello handshake message (type 1).

    legacy_version(2) random(32) session_id<0..32> cipher_suites<2..2^16-2>
    compression_methods<1..2^8-1> [extensions<0..2^16-1>]
    extensions=None omits the extensions block entirely (SSLv3 style).
    ext_len_adjust adds to the extensions length field (to make it lie)."""
    body = u16(legacy_version)                      # legacy_version
    body += rng.randbytes(32)                       # random
    body += vec8(session_id)                        # legacy_session_id
    body += vec16(b"".join(u16(c) for c in ciphers))  # cipher_suites
    body += vec8(compression)                       # compression_methods
    if extensions is not None:
        exts = b"".join(extensions)
        body += u16(len(exts) + ext_len_adjust) + exts  # extensions
    return handshake(HS_CLIENT_HELLO, body, hs_length)


def server_hello(rng, version, cipher, session_id=b"", extensions=None):
    """ServerHello handshake message (type 2).

    version(2) random(32) session_id<0..32> cipher_suite(2)
    compression_method(1) [extensions<0..2^16-1>]"""
    body = u16(version)                             # (legacy_)version
    body += rng.randbytes(32)                       # random
    body += vec8(session_id)                        # session_id (echo)
    body += u16(cipher)                             # cipher_suite
    body += u8(0)                                   # compression: null
    if extensions is not None:
        body += vec16(b"".join(extensions))
    return handshake(HS_SERVER_HELLO, body)


def record(ctype, version, fragment):
    """TLSPlaintext: content_type(1) + version(2) + length(2) + fragment"""
    assert len(fragment) <= 0x4800
    return u8(ctype) + u16(version) + vec16(fragment)


def records(ctype, version, data, sizes=None):
    """Wrap `data` in one record, or split it across several records whose
    fragment lengths are given by `sizes` (the last one takes the rest)."""
    if not sizes:
        return record(ctype, version, data)
    out, pos = b"", 0
    for n in sizes:
        out += record(ctype, version, data[pos:pos + n])
        pos += n
    if pos < len(data):
        out += record(ctype, version, data[pos:])
    return out


def alert(version, level, desc):
    """Alert record: level(1) (1=warning, 2=fatal) + description(1)"""
    return record(CT_ALERT, version, u8(level) + u8(desc))


def ccs(version):
    """ChangeCipherSpec record: a single byte 0x01"""
    return record(CT_CCS, version, b"\x01")


def appdata(rng, version, n):
    """Application data record with n opaque (random) bytes"""
    return record(CT_APPDATA, version, rng.randbytes(n))


def certificate_msg():
    # Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>
    return handshake(HS_CERTIFICATE, vec24(vec24(cert_der())))


def fake_ecdsa_sig(rng):
    # DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s }, 32-byte r/s
    r = bytes([rng.randrange(1, 0x80)]) + rng.randbytes(31)
    s = bytes([rng.randrange(1, 0x80)]) + rng.randbytes(31)
    return b"\x30\x44" + b"\x02\x20" + r + b"\x02\x20" + s


def server_key_exchange_ecdhe(rng, version, group):
    """ServerKeyExchange for ECDHE_ECDSA:
    curve_type(1)=3 named_curve, namedcurve(2), public<1..2^8-1>,
    [TLS1.2: SignatureAndHashAlgorithm(2)] signature<0..2^16-1>"""
    pub = rng.randbytes(32) if group == X25519 else b"\x04" + rng.randbytes(64)
    body = u8(3) + u16(group) + vec8(pub)
    if version >= TLS12:
        body += u16(0x0403)                         # ecdsa_secp256r1_sha256
    body += vec16(fake_ecdsa_sig(rng))
    return handshake(HS_SERVER_KEY_EXCHANGE, body)


def client_key_exchange_ecdhe(rng, group):
    """ClientKeyExchange for ECDHE: ECPoint<1..2^8-1>"""
    pub = rng.randbytes(32) if group == X25519 else b"\x04" + rng.randbytes(64)
    return handshake(HS_CLIENT_KEY_EXCHANGE, vec8(pub))


# --- cipher suites ---------------------------------------------------------
TLS13_SUITES = [0x1301, 0x1302, 0x1303]
TLS12_SUITES = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
                0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
LEGACY_SUITES = [0xc00a, 0xc009, 0xc014, 0xc013, 0x0039, 0x0033,
                 0x0035, 0x002f, 0x000a, 0x00ff]
SSL3_SUITES = [0x0035, 0x002f, 0x000a, 0x0005, 0x0004, 0x00ff]
SIG_ALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            0x0201]

HOST = "mail.example.test"


def ch_tls13(rng, host=HOST, grease=True, **kw):
    """A Chrome/OpenSSL-3-like TLS 1.3 ClientHello (legacy_version 0x0303,
    supported_versions = [GREASE,] 1.3, 1.2)."""
    g = rng.choice(GREASE) if grease else None
    g2 = rng.choice(GREASE) if grease else None
    ciphers = ([g] if grease else []) + TLS13_SUITES + TLS12_SUITES
    exts = []
    if grease:
        exts.append(ext_empty(g))
    exts += [
        ext_server_name(host),
        ext_empty(EXT_EXTENDED_MASTER_SECRET),
        ext_renegotiation_info(),
        ext_supported_groups(([g] if grease else []) + [X25519, SECP256R1,
                                                        SECP384R1]),
        ext_ec_point_formats(),
        ext_empty(EXT_SESSION_TICKET),
        ext_status_request(),
        ext_signature_algorithms(SIG_ALGS),
        ext_key_share_client(([(g, b"\x00")] if grease else [])
                             + [(X25519, rng.randbytes(32))]),
        ext_psk_modes(),
        ext_supported_versions_client(([g] if grease else [])
                                      + [TLS13, TLS12]),
    ]
    if grease:
        exts.append(ext(g2, b"\x00"))
    return client_hello(rng, TLS12, ciphers, exts,
                        session_id=rng.randbytes(32), **kw)


def ch_tls12(rng, host=HOST, **kw):
    """A TLS 1.2 ClientHello (legacy_version 0x0303, no supported_versions)."""
    exts = [
        ext_server_name(host),
        ext_supported_groups([X25519, SECP256R1, SECP384R1]),
        ext_ec_point_formats(),
        ext_signature_algorithms(SIG_ALGS),
        ext_renegotiation_info(),
        ext_empty(EXT_EXTENDED_MASTER_SECRET),
        ext_empty(EXT_SESSION_TICKET),
    ]
    return client_hello(rng, TLS12, TLS12_SUITES, exts, **kw)


def ch_legacy(rng, version, host=HOST, **kw):
    """A TLS 1.0 / 1.1 ClientHello (no signature_algorithms, which is 1.2+)."""
    exts = [
        ext_server_name(host),
        ext_supported_groups([SECP256R1, SECP384R1]),
        ext_ec_point_formats(),
        ext_renegotiation_info(),
        ext_empty(EXT_SESSION_TICKET),
    ]
    return client_hello(rng, version, LEGACY_SUITES, exts, **kw)


def ch_sslv3(rng):
    """SSLv3 ClientHello: legacy_version 0x0300 and NO extensions block."""
    return client_hello(rng, SSL3, SSL3_SUITES, extensions=None)


# --- SSLv2 -----------------------------------------------------------------
SSL2_CK_RC4_128_WITH_MD5 = 0x010080
SSL2_CK_RC4_128_EXPORT40_WITH_MD5 = 0x020080
SSL2_CK_RC2_128_CBC_WITH_MD5 = 0x030080
SSL2_CK_DES_64_CBC_WITH_MD5 = 0x060040
SSL2_CK_DES_192_EDE3_CBC_WITH_MD5 = 0x0700c0


def sslv2_record(body):
    """SSLv2 record with a 2-byte header: high bit set, 15-bit length
    (no padding).  The length does not include the header."""
    assert len(body) < 0x8000
    return u16(0x8000 | len(body)) + body


def sslv2_client_hello(rng, version, specs, challenge_len=16, session_id=b""):
    """SSLv2 CLIENT-HELLO (also the 'SSLv2-compatible' hello of SSLv3/TLS
    clients when version >= 0x0300):
    msg_type(1)=1, version(2), cipher_spec_length(2), session_id_length(2),
    challenge_length(2), cipher_specs(3 each), session_id, challenge"""
    cs = b"".join(u24(s) for s in specs)
    body = u8(1)                                    # MSG-CLIENT-HELLO
    body += u16(version)                            # CLIENT-VERSION
    body += u16(len(cs))                            # CIPHER-SPECS-LENGTH
    body += u16(len(session_id))                    # SESSION-ID-LENGTH
    body += u16(challenge_len)                      # CHALLENGE-LENGTH
    body += cs + session_id + rng.randbytes(challenge_len)
    return sslv2_record(body)


def sslv2_server_hello(rng, version, specs, cert):
    """SSLv2 SERVER-HELLO: msg_type(1)=4, session_id_hit(1),
    certificate_type(1) (1=X.509), server_version(2), certificate_length(2),
    cipher_specs_length(2), connection_id_length(2), certificate,
    cipher_specs, connection_id"""
    cs = b"".join(u24(s) for s in specs)
    conn_id = rng.randbytes(16)
    body = u8(4)                                    # MSG-SERVER-HELLO
    body += u8(0)                                   # SESSION-ID-HIT
    body += u8(1)                                   # CERTIFICATE-TYPE X.509
    body += u16(version)                            # SERVER-VERSION
    body += u16(len(cert))                          # CERTIFICATE-LENGTH
    body += u16(len(cs))                            # CIPHER-SPECS-LENGTH
    body += u16(len(conn_id))                       # CONNECTION-ID-LENGTH
    body += cert + cs + conn_id
    return sslv2_record(body)


def sslv2_client_master_key(rng, spec):
    """SSLv2 CLIENT-MASTER-KEY: msg_type(1)=2, cipher_kind(3),
    clear_key_length(2), encrypted_key_length(2), key_arg_length(2), data"""
    enc = rng.randbytes(64)
    body = u8(2) + u24(spec) + u16(0) + u16(len(enc)) + u16(0) + enc
    return sslv2_record(body)


# ---------------------------------------------------------------------------
# TCP conversation builder
# ---------------------------------------------------------------------------

class Capture:
    """An ordered list of captured frames sharing one clock.
    Each entry: [t_us, from_client, conn, l3_packet]."""

    def __init__(self, t0_us=T0_US):
        self.t = t0_us
        self.frames = []


class Conn:
    """One TCP connection.  Sequence numbers are kept modulo 2^32.
    Packets are created with mk()/segs() (which do not record them) and
    recorded in the capture with emit(); send() does both."""

    def __init__(self, cap, rng, cli, srv, cport, sport, c_isn=None,
                 s_isn=None, v6=False, v6_exthdrs=False, ip_opts=None,
                 cmac="02:00:00:00:01:01", smac="02:00:00:00:02:01",
                 tcp_ts=True):
        self.cap, self.rng = cap, rng
        self.cli, self.srv, self.cport, self.sport = cli, srv, cport, sport
        self.seq = {C: rng.getrandbits(32) if c_isn is None else c_isn,
                    S: rng.getrandbits(32) if s_isn is None else s_isn}
        self.ipid = {C: rng.getrandbits(16), S: rng.getrandbits(16)}
        self.tsbase = {C: rng.getrandbits(31), S: rng.getrandbits(31)}
        self.tslast = {C: 0, S: 0}
        self.v6, self.v6_exthdrs, self.ip_opts = v6, v6_exthdrs, ip_opts
        self.mac = {C: cmac, S: smac}
        self.tcp_ts = tcp_ts
        self.last_dir = None

    # -- packet construction -------------------------------------------
    def mk(self, d, flags, payload=b"", seq=None, ack=None, ip_opts=None,
           window=None, syn_opts=()):
        """Build one L3 packet from direction d (C or S).  `window`
        overrides the advertised window (zero-window cases); `syn_opts` are
        extra TCP options appended on a SYN (TCP Fast Open cookie)."""
        o = not d
        if self.v6:
            ip = IPv6(src=self.cli if d else self.srv,
                      dst=self.srv if d else self.cli, hlim=64)
            if self.v6_exthdrs:
                # Hop-by-Hop (next header 0) then Destination Options (60),
                # each padded with a PadN option; scapy fills nh/len fields.
                ip = (ip / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00" * 4)])
                      / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * 4)]))
        else:
            opts = ip_opts if ip_opts is not None else self.ip_opts
            ip = IP(src=self.cli if d else self.srv,
                    dst=self.srv if d else self.cli, ttl=64, flags="DF",
                    id=self.ipid[d], options=opts or [])
            self.ipid[d] = (self.ipid[d] + 1) & 0xffff
        tsval = (self.tsbase[d] + (self.cap.t - T0_US) // 1000) & 0xffffffff
        if "S" in flags:
            win = 64240 if d else 65160
            topts = [("MSS", 1460), ("SAckOK", b"")]
            if self.tcp_ts:
                topts.append(("Timestamp", (tsval, self.tslast[o])))
            topts += [("NOP", None), ("WScale", 7)] + list(syn_opts)
        else:
            win = 502 if d else 509
            topts = []
            if self.tcp_ts:
                topts = [("NOP", None), ("NOP", None),
                         ("Timestamp", (tsval, self.tslast[o]))]
        if window is not None:
            win = window
        self.tslast[d] = tsval
        if seq is None:
            seq = self.seq[d]
        if ack is None:
            ack = self.seq[o] if "A" in flags else 0
        tcp = TCP(sport=self.cport if d else self.sport,
                  dport=self.sport if d else self.cport,
                  seq=seq & 0xffffffff, ack=ack & 0xffffffff, flags=flags,
                  window=win, options=topts)
        p = ip / tcp
        if payload:
            p = p / Raw(payload)
        return p

    def emit(self, d, p, delay=None):
        """Record packet p (sent by d) in the capture after `delay` us."""
        if delay is None:
            # same direction back-to-back: 60us; turn-around: ~ 9.7ms RTT
            delay = 60 if d == self.last_dir else 9700
        self.cap.t += delay
        self.cap.frames.append([self.cap.t, d, self, p])
        self.last_dir = d
        return p

    def segs(self, d, data, cuts=()):
        """Split data at offsets `cuts` into segments, advance d's sequence
        number, and return the (not yet emitted) packets with their ranges."""
        bounds = [0] + list(cuts) + [len(data)]
        assert all(a < b for a, b in zip(bounds, bounds[1:])), (bounds,
                                                                 "empty seg")
        out = []
        for i in range(len(bounds) - 1):
            a, b = bounds[i], bounds[i + 1]
            last = i == len(bounds) - 2
            p = self.mk(d, "PA" if last else "A", data[a:b],
                        seq=self.seq[d] + a)
            out.append(p)
        self.seq[d] = (self.seq[d] + len(data)) & 0xffffffff
        return out

    def send(self, d, data, cuts=(), delay=None):
        """Send data from d (split at cuts) and emit it in order."""
        ps = self.segs(d, data, cuts)
        for i, p in enumerate(ps):
            self.emit(d, p, delay if i == 0 else None)
        return ps

    def ack(self, d, delay=None):
        """Pure ACK from d."""
        return self.emit(d, self.mk(d, "A"), delay)

    def open(self):
        """Three-way handshake."""
        self.emit(C, self.mk(C, "S"), delay=1000)
        self.seq[C] = (self.seq[C] + 1) & 0xffffffff
        self.emit(S, self.mk(S, "SA"))
        self.seq[S] = (self.seq[S] + 1) & 0xffffffff
        self.ack(C)

    def close(self, first=C):
        """FIN/ACK from `first`, FIN/ACK from the other side, final ACK."""
        other = not first
        self.emit(first, self.mk(first, "FA"))
        self.seq[first] = (self.seq[first] + 1) & 0xffffffff
        self.emit(other, self.mk(other, "FA"))
        self.seq[other] = (self.seq[other] + 1) & 0xffffffff
        self.ack(first)

    def rst(self, d, delay=None):
        """RST/ACK from d."""
        return self.emit(d, self.mk(d, "RA"), delay)

    def addr(self, d):
        ip = self.cli if d else self.srv
        port = self.cport if d else self.sport
        return ("[%s]:%d" % (ip, port)) if self.v6 else ("%s:%d" % (ip, port))


# ---------------------------------------------------------------------------
# Mail dialogues (plaintext part)
# ---------------------------------------------------------------------------

POP3_GREETING = b"+OK mail.example.test POP3 server ready\r\n"
POP3_CAPA = (b"+OK Capability list follows\r\n"
             b"TOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nUSER\r\n"
             b"SASL PLAIN LOGIN\r\nSTLS\r\n.\r\n")
IMAP_CAPS = (b"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ "
             b"STARTTLS LOGINDISABLED")
IMAP_GREETING = (b"* OK [CAPABILITY " + IMAP_CAPS
                 + b"] mail.example.test IMAP4 ready.\r\n")
SMTP_GREETING = b"220 mail.example.test ESMTP Postfix\r\n"
SMTP_EHLO = b"EHLO client.example.test\r\n"
SMTP_EHLO_REPLY = (b"250-mail.example.test\r\n250-PIPELINING\r\n"
                   b"250-SIZE 10240000\r\n250-ENHANCEDSTATUSCODES\r\n"
                   b"250-8BITMIME\r\n250-DSN\r\n250 STARTTLS\r\n")


def pop3_stls(c, reply=b"+OK Begin TLS negotiation now.\r\n"):
    c.send(S, POP3_GREETING)
    c.send(C, b"CAPA\r\n")
    c.send(S, POP3_CAPA)
    c.send(C, b"STLS\r\n")
    c.send(S, reply)


def imap_starttls(c, reply=b"a2 OK Begin TLS negotiation now.\r\n"):
    c.send(S, IMAP_GREETING)
    c.send(C, b"a1 CAPABILITY\r\n")
    c.send(S, b"* CAPABILITY " + IMAP_CAPS + b"\r\n"
           b"a1 OK Pre-login capabilities listed, post-login capabilities "
           b"have more.\r\n")
    c.send(C, b"a2 STARTTLS\r\n")
    c.send(S, reply)


def smtp_starttls(c, reply=b"220 2.0.0 Ready to start TLS\r\n"):
    c.send(S, SMTP_GREETING)
    c.send(C, SMTP_EHLO)
    c.send(S, SMTP_EHLO_REPLY)
    c.send(C, b"STARTTLS\r\n")
    c.send(S, reply)


# ---------------------------------------------------------------------------
# TLS conversations (after the ClientHello)
# ---------------------------------------------------------------------------

RSA_KX_SUITES = {0x0004, 0x0005, 0x000a, 0x002f, 0x0035, 0x009c, 0x009d}


def legacy_params(version):
    """cipher suite / ECDHE group the server picks for SSLv3 .. TLS 1.2"""
    if version == SSL3:
        return 0x000a, None                 # RSA_WITH_3DES_EDE_CBC_SHA
    if version >= TLS12:
        return 0xc02b, X25519               # ECDHE_ECDSA_AES_128_GCM_SHA256
    return 0xc009, SECP256R1                # ECDHE_ECDSA_AES_128_CBC_SHA


def finished_len(version, cipher):
    if cipher in (0xc02b, 0xc02f, 0x009c, 0x009d):
        return 8 + 16 + 16                  # GCM: nonce + verify + tag
    if version >= TLS11:
        return 16 + 48                      # CBC with explicit IV
    return 48                               # CBC, implicit IV (1.0/SSLv3)


def server_flight_12(rng, version, cipher=None, group=None):
    """ServerHello, Certificate, [ServerKeyExchange], ServerHelloDone, each in
    its own record (as OpenSSL does), for SSLv3 .. TLS 1.2.  No
    ServerKeyExchange for static-RSA suites."""
    dcipher, dgroup = legacy_params(version)
    cipher = cipher or dcipher
    group = group or dgroup
    if version == SSL3:
        sh = server_hello(rng, SSL3, cipher)  # SSLv3: no extensions at all
    else:
        exts = [ext_renegotiation_info()]
        if cipher not in RSA_KX_SUITES:
            exts.append(ext_ec_point_formats())
        if version >= TLS12:
            exts.append(ext_empty(EXT_EXTENDED_MASTER_SECRET))
        sh = server_hello(rng, version, cipher, extensions=exts)
    out = record(CT_HANDSHAKE, version, sh)
    out += record(CT_HANDSHAKE, version, certificate_msg())
    if cipher not in RSA_KX_SUITES:
        out += record(CT_HANDSHAKE, version,
                      server_key_exchange_ecdhe(rng, version, group))
    out += record(CT_HANDSHAKE, version, handshake(HS_SERVER_HELLO_DONE, b""))
    return out


def finish_12(c, rng, version, implicit, proto, cipher=None, group=None,
              close_first=C, server_flight=True, srv_cuts=()):
    """Rest of an SSLv3..TLS1.2 session after the ClientHello: server flight,
    client key exchange + CCS + Finished, server CCS + Finished, a little
    application data, close_notify, TCP close."""
    dcipher, dgroup = legacy_params(version)
    cipher = cipher or dcipher
    group = group or dgroup
    if server_flight:
        c.send(S, server_flight_12(rng, version, cipher, group), cuts=srv_cuts)
    if cipher in RSA_KX_SUITES:
        # RSA-encrypted premaster secret (64 bytes = 512-bit modulus);
        # SSLv3 sends it bare, TLS adds a 2-byte length prefix
        enc = rng.randbytes(64)
        cke = handshake(HS_CLIENT_KEY_EXCHANGE,
                        enc if version == SSL3 else vec16(enc))
    else:
        cke = client_key_exchange_ecdhe(rng, group)
    fl = finished_len(version, cipher)
    c.send(C, record(CT_HANDSHAKE, version, cke) + ccs(version)
           + record(CT_HANDSHAKE, version, rng.randbytes(fl)))
    c.send(S, ccs(version) + record(CT_HANDSHAKE, version, rng.randbytes(fl)))
    tls_tail(c, rng, version, implicit, proto, close_first)


def tls_tail(c, rng, rv, implicit, proto, close_first=C):
    """Encrypted mail dialogue + encrypted close_notify + TCP close."""
    if implicit:
        c.send(S, appdata(rng, rv, 64))     # server greeting
    c.send(C, appdata(rng, rv, 48))         # e.g. CAPA / a3 CAPABILITY / EHLO
    c.send(S, appdata(rng, rv, 160))
    c.send(C, appdata(rng, rv, 32))         # QUIT / LOGOUT
    c.send(S, appdata(rng, rv, 48))
    c.send(C, record(CT_ALERT, rv, rng.randbytes(26 if rv < TLS13 else 19)))
    c.close(close_first)


def server_flight_13(rng, session_id):
    """TLS 1.3 ServerHello (legacy_version 0x0303, supported_versions=0x0304,
    key_share x25519) + middlebox-compat CCS + encrypted flight
    (EncryptedExtensions..Finished as one application_data record)."""
    sh = server_hello(rng, TLS12, 0x1301, session_id=session_id,
                      extensions=[ext_supported_versions_server(TLS13),
                                  ext_key_share_server(X25519,
                                                       rng.randbytes(32))])
    return (record(CT_HANDSHAKE, TLS12, sh) + ccs(TLS12)
            + appdata(rng, TLS12, 620))


def finish_13(c, rng, implicit, proto, session_id, close_first=C,
              server_flight=True, srv_cuts=()):
    if server_flight:
        c.send(S, server_flight_13(rng, session_id), cuts=srv_cuts)
    c.send(C, ccs(TLS12) + appdata(rng, TLS12, 53))   # client Finished
    c.send(S, appdata(rng, TLS12, 250))               # NewSessionTicket
    tls_tail(c, rng, TLS12, implicit, proto, close_first)


def session_id_of(ch):
    """Extract legacy_session_id from a ClientHello handshake message."""
    n = ch[4 + 2 + 32]
    return ch[4 + 2 + 32 + 1: 4 + 2 + 32 + 1 + n]


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def ether(entry):
    t, d, c, p = entry
    return Ether(src=c.mac[d], dst=c.mac[not d]) / p


def frames_of(cap, encap):
    return [(t, bytes(encap([t, d, c, p]))) for t, d, c, p in cap.frames]


def write_pcap(path, cap, linktype=LINKTYPE_ETHERNET, encap=ether,
               endian="<", nano=False):
    """Classic pcap via scapy's PcapWriter, linktype and byte order forced,
    timestamps passed as exact integers."""
    frames = frames_of(cap, encap)
    w = PcapWriter(path, linktype=linktype, endianness=endian, nano=nano,
                   sync=True)
    w.write_header(None)
    for t, fb in frames:
        sec, us = divmod(t, 1000000)
        w.write_packet(fb, sec=sec, usec=us * 1000 if nano else us)
    w.close()
    return frames


def write_frames(path, frames, linktype=LINKTYPE_ETHERNET):
    """Classic pcap of ready-made (time, bytes) frames: for encapsulations
    that turn one packet into several frames (outer IP fragments)."""
    w = PcapWriter(path, linktype=linktype, endianness="<", sync=True)
    w.write_header(None)
    for t, fb in frames:
        sec, us = divmod(t, 1000000)
        w.write_packet(fb, sec=sec, usec=us)
    w.close()


def write_pcapng(path, cap, linktype=LINKTYPE_ETHERNET, encap=ether):
    """pcapng written by hand (little-endian): SHB, one IDB, EPBs."""
    def opt(code, val):
        pad = (-len(val)) % 4
        return struct.pack("<HH", code, len(val)) + val + b"\x00" * pad

    def block(btype, body):
        body += b"\x00" * ((-len(body)) % 4)
        total = 12 + len(body)
        return struct.pack("<II", btype, total) + body + struct.pack("<I", total)

    frames = frames_of(cap, encap)
    with open(path, "wb") as f:
        # Section Header Block: byte-order magic, version 1.0, section
        # length -1 (unknown), options shb_userappl(4), opt_endofopt
        shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
        shb += opt(4, b"tlsfloor make-crafted.py") + opt(0, b"")
        f.write(block(0x0A0D0D0A, shb))
        # Interface Description Block: linktype, reserved, snaplen,
        # options if_name(2), if_tsresol(9)=6 (microseconds), opt_endofopt
        idb = struct.pack("<HHI", linktype, 0, 262144)
        idb += opt(2, b"eth0") + opt(9, b"\x06") + opt(0, b"")
        f.write(block(1, idb))
        # Enhanced Packet Blocks: interface 0, 64-bit timestamp in us
        for t, fb in frames:
            epb = struct.pack("<IIIII", 0, t >> 32, t & 0xffffffff,
                              len(fb), len(fb)) + fb
            f.write(block(6, epb))
    return frames


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

CASES = []          # (filename, builder)


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


def row(c, proto, mode, cmax, neg, outcome, reason):
    return dict(client=c.addr(C), server=c.addr(S), proto=proto, mode=mode,
                cmax=cmax, neg=neg, outcome=outcome, reason=reason)


def rng_for(name):
    # str seeds use SHA-512 of the string: stable across runs and platforms
    return random.Random("tlsfloor-crafted:" + name)


# 1 --------------------------------------------------------------------------
@case("01-pop3-stls-tls10-ch-3-segments.pcap")
def c01(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.1.10", "10.1.0.1", 40101, 110)
    c.open()
    pop3_stls(c)
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10))
    # three TCP segments: cut inside the record header (3) and mid-body
    c.send(C, ch, cuts=[3, 90])
    finish_12(c, rng, TLS10, implicit=False, proto="pop3")
    write_pcap(path, cap)
    return [row(c, "pop3", "starttls", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


# 2 --------------------------------------------------------------------------
@case("02-imaps-tls13-ch-4-records-grease.pcap")
def c02(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.2.10", "10.2.0.1", 40201, 993)
    c.open()
    ch = ch_tls13(rng)
    # 4 TLS records: the first carries only 3 bytes of the 4-byte handshake
    # header, then 80, 100 and the rest.
    recs = records(CT_HANDSHAKE, TLS10, ch, sizes=[3, 80, 100])
    # record boundaries are at 8, 93, 198; TCP cuts elsewhere: inside the
    # 2nd record header (10), mid record (150), inside the 4th header (200)
    c.send(C, recs, cuts=[10, 150, 200])
    finish_13(c, rng, implicit=True, proto="imap",
              session_id=session_id_of(ch))
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.3", "TLSv1.3", "established",
                "ok")]


# 3 --------------------------------------------------------------------------
@case("03-imap-starttls-tls11-out-of-order.pcap")
def c03(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.3.10", "10.3.0.1", 40301, 143)
    c.open()
    imap_starttls(c)
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS11))
    start = c.seq[C]
    ps = c.segs(C, ch, cuts=[40, 85])
    # captured in reverse order; the server answers each early arrival with
    # a duplicate ACK for the hole, then a cumulative ACK
    c.emit(C, ps[2])
    c.emit(S, c.mk(S, "A", ack=start))
    c.emit(C, ps[1], delay=200)
    c.emit(S, c.mk(S, "A", ack=start))
    c.emit(C, ps[0], delay=200)
    # server flight in two segments, captured swapped
    sf = server_flight_12(rng, TLS11)
    sstart = c.seq[S]
    sp = c.segs(S, sf, cuts=[300])
    c.emit(S, sp[1])
    c.emit(C, c.mk(C, "A", ack=sstart))
    c.emit(S, sp[0], delay=300)
    c.ack(C)
    finish_12(c, rng, TLS11, implicit=False, proto="imap",
              server_flight=False)
    write_pcap(path, cap)
    return [row(c, "imap", "starttls", "TLSv1.1", "TLSv1.1", "established",
                "legacy_client")]


# 4 --------------------------------------------------------------------------
@case("04-smtp587-tls12-retrans-overlap.pcap")
def c04(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.4.10", "10.4.0.1", 40401, 587)
    c.open()
    smtp_starttls(c)
    ch = record(CT_HANDSHAKE, TLS10, ch_tls12(rng))
    base = c.seq[C]
    assert len(ch) > 130
    a = c.mk(C, "A", ch[0:60], seq=base)
    overlap = c.mk(C, "A", ch[30:110], seq=base + 30)
    last = c.mk(C, "PA", ch[110:], seq=base + 110)
    c.seq[C] = (base + len(ch)) & 0xffffffff
    c.emit(C, a)
    c.emit(C, a.copy(), delay=204000)       # RTO retransmission, same bytes
    c.emit(C, overlap)                      # re-segmented: bytes 30..109
    c.emit(C, last)
    c.ack(S)
    c.emit(C, last.copy(), delay=200)       # spurious retransmission
    c.ack(S)                                # duplicate ACK
    sf = server_flight_12(rng, TLS12)
    sp = c.send(S, sf)
    c.emit(S, sp[0].copy(), delay=210000)   # server flight retransmitted
    c.ack(C)
    finish_12(c, rng, TLS12, implicit=False, proto="smtp",
              server_flight=False)
    write_pcap(path, cap)
    return [row(c, "smtp", "starttls", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 5 --------------------------------------------------------------------------
@case("05-pop3s-vlan-8021q.pcap")
def c05(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.5.10", "10.5.0.1", 40501, 995)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(c, rng, TLS12, implicit=True, proto="pop3")

    def vlan(e):
        t, d, cc, p = e
        return (Ether(src=cc.mac[d], dst=cc.mac[not d])
                / Dot1Q(prio=0, vlan=105) / p)
    write_pcap(path, cap, encap=vlan)
    return [row(c, "pop3", "implicit", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 6 --------------------------------------------------------------------------
@case("06-imap-starttls-qinq.pcap")
def c06(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.6.10", "10.6.0.1", 40601, 143)
    c.open()
    imap_starttls(c)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(c, rng, TLS12, implicit=False, proto="imap")

    def qinq(e):
        t, d, cc, p = e
        # outer S-tag: ethertype 0x88a8 (802.1ad), vlan 600;
        # inner C-tag: ethertype 0x8100 (802.1Q), vlan 106
        return (Ether(src=cc.mac[d], dst=cc.mac[not d], type=0x88a8)
                / Dot1AD(vlan=600, type=0x8100) / Dot1Q(vlan=106) / p)
    write_pcap(path, cap, encap=qinq)
    return [row(c, "imap", "starttls", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 7 --------------------------------------------------------------------------
@case("07-smtps-ipv6-exthdrs-tls10-alert70.pcap")
def c07(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "fd00:7:1::10", "fd00:7:2::1", 40701, 465, v6=True,
             v6_exthdrs=True)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    # fatal(2) protocol_version(70), then the server closes
    c.send(S, alert(TLS10, 2, 70))
    c.close(first=S)
    write_pcap(path, cap)
    return [row(c, "smtp", "implicit", "TLSv1.0", "", "refused",
                "legacy_refused")]


# 8 --------------------------------------------------------------------------
@case("08-imaps-ipv4-options-tls12.pcap")
def c08(path, name):
    rng = rng_for(name)
    cap = Capture()
    # every packet: NOP NOP NOP EOL (IHL 6)
    nops = [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_EOL()]
    c = Conn(cap, rng, "192.168.8.10", "10.8.0.1", 40801, 993, ip_opts=nops)
    c.open()
    # the ClientHello packet: Record Route with 9 slots + EOL (IHL 15, the
    # maximum 60-byte IPv4 header)
    rr = [IPOption_RR(pointer=8, routers=["192.168.8.1"] + ["0.0.0.0"] * 8),
          IPOption_EOL()]
    ch = record(CT_HANDSHAKE, TLS10, ch_tls12(rng))
    c.emit(C, c.mk(C, "PA", ch, ip_opts=rr))
    c.seq[C] = (c.seq[C] + len(ch)) & 0xffffffff
    finish_12(c, rng, TLS12, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 9 --------------------------------------------------------------------------
@case("09-pop3s-sslv2-compat-hello-tls10.pcap")
def c09(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.9.10", "10.9.0.1", 40901, 995)
    c.open()
    specs = [0x000039, 0x000038, 0x000035, 0x000033, 0x000032, 0x00002f,
             0x00000a, SSL2_CK_DES_192_EDE3_CBC_WITH_MD5,
             SSL2_CK_RC4_128_WITH_MD5, 0x000005, 0x000004, 0x0000ff]
    c.send(C, sslv2_client_hello(rng, TLS10, specs, challenge_len=32))
    # server answers with an ordinary TLS 1.0 ServerHello picking one of the
    # offered suites: 0x0035 RSA_WITH_AES_256_CBC_SHA (no ServerKeyExchange)
    finish_12(c, rng, TLS10, implicit=True, proto="pop3", cipher=0x0035)
    write_pcap(path, cap)
    return [row(c, "pop3", "implicit", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


# 10 -------------------------------------------------------------------------
@case("10-imap-starttls-sslv3.pcap")
def c10(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.10.10", "10.10.0.1", 41001, 143)
    c.open()
    imap_starttls(c)
    c.send(C, record(CT_HANDSHAKE, SSL3, ch_sslv3(rng)))
    finish_12(c, rng, SSL3, implicit=False, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "starttls", "SSLv3", "SSLv3", "established",
                "legacy_client")]


# 11 -------------------------------------------------------------------------
@case("11-smtps-sslv2.pcap")
def c11(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.11.10", "10.11.0.1", 41101, 465)
    c.open()
    specs = [SSL2_CK_RC4_128_WITH_MD5, SSL2_CK_RC2_128_CBC_WITH_MD5,
             SSL2_CK_DES_192_EDE3_CBC_WITH_MD5, SSL2_CK_DES_64_CBC_WITH_MD5,
             SSL2_CK_RC4_128_EXPORT40_WITH_MD5]
    c.send(C, sslv2_client_hello(rng, SSL2, specs, challenge_len=16))
    c.send(S, sslv2_server_hello(rng, SSL2, specs[:3], cert_der()))
    c.send(C, sslv2_client_master_key(rng, SSL2_CK_RC4_128_WITH_MD5))
    # encrypted SSLv2 records (CLIENT-FINISHED, SERVER-VERIFY, ...)
    c.send(S, sslv2_record(rng.randbytes(33)))
    c.send(C, sslv2_record(rng.randbytes(33)))
    c.send(S, sslv2_record(rng.randbytes(33)) + sslv2_record(rng.randbytes(80)))
    c.send(C, sslv2_record(rng.randbytes(40)))
    c.send(S, sslv2_record(rng.randbytes(50)))
    c.close(first=C)
    write_pcap(path, cap)
    return [row(c, "smtp", "implicit", "SSLv2", "SSLv2", "established",
                "legacy_client")]


# 12 -------------------------------------------------------------------------
@case("12-pop3-stls-legacy-negotiated.pcap")
def c12(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.12.10", "10.12.0.1", 41201, 110)
    c.open()
    pop3_stls(c)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    # server (capped at TLS 1.0) answers 0x0301 with a CBC suite
    finish_12(c, rng, TLS10, implicit=False, proto="pop3")
    write_pcap(path, cap)
    return [row(c, "pop3", "starttls", "TLSv1.2", "TLSv1.0", "established",
                "legacy_negotiated")]


# 13 -------------------------------------------------------------------------
@case("13-imaps-tls10-server-close.pcap")
def c13(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.13.10", "10.13.0.1", 41301, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    c.ack(S, delay=9700)                    # bare ACK (no payload)
    c.close(first=S)                        # server FIN, client FIN, ACK
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.0", "", "server_close",
                "legacy_refused")]


# 14 -------------------------------------------------------------------------
@case("14-pop3s-tls12-client-abort.pcap")
def c14(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.14.10", "10.14.0.1", 41401, 995)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    c.ack(S)                                # bare ACK, no TLS answer
    c.rst(C, delay=10000000)                # client gives up after 10 s
    write_pcap(path, cap)
    return [row(c, "pop3", "implicit", "TLSv1.2", "", "client_abort", "ok")]


# 15 -------------------------------------------------------------------------
@case("15a-pop3-stls-refused.pcap")
def c15a(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.15.10", "10.15.0.1", 41501, 110)
    c.open()
    pop3_stls(c, reply=b"-ERR [SYS/TEMP] TLS support not available\r\n")
    c.send(C, b"USER alice\r\n")
    c.send(S, b"+OK\r\n")
    c.send(C, b"QUIT\r\n")
    c.send(S, b"+OK Logging out\r\n")
    c.close(first=S)
    write_pcap(path, cap)
    return [row(c, "pop3", "plain", "", "", "starttls_refused",
                "plaintext")]


@case("15b-imap-starttls-refused-no-bad.pcap")
def c15b(path, name):
    rng = rng_for(name)
    cap = Capture()
    rows = []
    # session 1: a2 NO
    c = Conn(cap, rng, "192.168.15.20", "10.15.0.2", 41511, 143)
    c.open()
    imap_starttls(c, reply=b"a2 NO [UNAVAILABLE] TLS not available\r\n")
    c.send(C, b"a3 CAPABILITY\r\n")
    c.send(S, b"* CAPABILITY " + IMAP_CAPS + b"\r\na3 OK done\r\n")
    c.send(C, b"a4 LOGOUT\r\n")
    c.send(S, b"* BYE Logging out\r\na4 OK Logout completed.\r\n")
    c.close(first=S)
    rows.append(row(c, "imap", "plain", "", "", "starttls_refused",
                    "plaintext"))
    # session 2: a2 BAD (server does not know STARTTLS)
    c = Conn(cap, rng, "192.168.15.21", "10.15.0.2", 41512, 143)
    c.open()
    c.send(S, b"* OK mail.example.test IMAP4rev1 ready.\r\n")
    c.send(C, b"a1 CAPABILITY\r\n")
    c.send(S, b"* CAPABILITY IMAP4rev1 ID IDLE\r\na1 OK done\r\n")
    c.send(C, b"a2 STARTTLS\r\n")
    c.send(S, b"a2 BAD Error in IMAP command STARTTLS: Unknown command\r\n")
    c.send(C, b"a3 LOGOUT\r\n")
    c.send(S, b"* BYE Logging out\r\na3 OK Logout completed.\r\n")
    c.close(first=S)
    rows.append(row(c, "imap", "plain", "", "", "starttls_refused",
                    "plaintext"))
    write_pcap(path, cap)
    return rows


@case("15c-smtp-starttls-refused-454.pcap")
def c15c(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.15.30", "10.15.0.3", 41521, 25)
    c.open()
    smtp_starttls(c, reply=b"454 4.7.0 TLS not available due to local "
                           b"problem\r\n")
    c.send(C, b"MAIL FROM:<alice@example.test>\r\n")
    c.send(S, b"250 2.1.0 Ok\r\n")
    c.send(C, b"QUIT\r\n")
    c.send(S, b"221 2.0.0 Bye\r\n")
    c.close(first=S)
    write_pcap(path, cap)
    return [row(c, "smtp", "plain", "", "", "starttls_refused",
                "plaintext")]


# 16 -------------------------------------------------------------------------
@case("16-smtp-pipelined-starttls-tls13.pcap")
def c16(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.16.10", "10.16.0.1", 41601, 25)
    c.open()
    c.send(S, SMTP_GREETING)
    c.send(C, SMTP_EHLO)
    c.send(S, SMTP_EHLO_REPLY)
    c.send(C, b"RSET\r\nSTARTTLS\r\n")                  # one segment
    c.send(S, b"250 2.0.0 Ok\r\n220 2.0.0 Ready to start TLS\r\n")
    ch = ch_tls13(rng, grease=False)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch))
    finish_13(c, rng, implicit=False, proto="smtp",
              session_id=session_id_of(ch))
    write_pcap(path, cap)
    return [row(c, "smtp", "starttls", "TLSv1.3", "TLSv1.3", "established",
                "ok")]


# 17 -------------------------------------------------------------------------
@case("17-imap-starttls-seq-wrap.pcap")
def c17(path, name):
    rng = rng_for(name)
    cap = Capture()
    # client bytes before the ClientHello: SYN(1) + "a1 CAPABILITY\r\n"(15)
    # + "a2 STARTTLS\r\n"(13) = 29, so the ClientHello starts at 0xffffffc0
    # and its 2nd segment crosses 2^32.
    c_isn = 0xffffffc0 - 29
    # server bytes before its TLS flight: SYN(1) + greeting + caps + OK
    s_pre = 1 + len(IMAP_GREETING) + len(
        b"* CAPABILITY " + IMAP_CAPS + b"\r\n"
        b"a1 OK Pre-login capabilities listed, post-login capabilities "
        b"have more.\r\n") + len(b"a2 OK Begin TLS negotiation now.\r\n")
    s_isn = (0x100000000 - s_pre - 200) & 0xffffffff   # wraps in SH flight
    c = Conn(cap, rng, "192.168.17.10", "10.17.0.1", 41701, 143,
             c_isn=c_isn, s_isn=s_isn)
    c.open()
    imap_starttls(c)
    assert c.seq[C] == 0xffffffc0
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10))
    # seg1: 0xffffffc0..0xffffffdd (30 bytes), seg2: 0xffffffde..0x00000019
    # (60 bytes, wraps after its 34th byte), seg3: 0x0000001a.. end
    assert len(ch) > 100
    c.send(C, ch, cuts=[30, 90])
    finish_12(c, rng, TLS10, implicit=False, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "starttls", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


# 18 -------------------------------------------------------------------------
@case("18-imaps-midstream-tls11.pcap")
def c18(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.18.10", "10.18.0.1", 41801, 993)
    # no SYN / SYN-ACK / ACK: capture starts with the ClientHello
    c.seq[C] = (c.seq[C] + 1) & 0xffffffff
    c.seq[S] = (c.seq[S] + 1) & 0xffffffff
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS11)), delay=0)
    finish_12(c, rng, TLS11, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.1", "TLSv1.1", "established",
                "legacy_client")]


# 19 -------------------------------------------------------------------------
def short_imaps_tls10(name):
    """The short IMAPS TLS 1.0 session used for all link-type variants."""
    rng = rng_for("19-linktype-common")
    cap = Capture()
    c = Conn(cap, rng, "192.168.19.10", "10.19.0.1", 41901, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    finish_12(c, rng, TLS10, implicit=True, proto="imap")
    return cap, c


def row19(c):
    return [row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


@case("19a-linktype-linux-sll.pcap")
def c19a(path, name):
    cap, c = short_imaps_tls10(name)

    def sll(e):
        t, d, cc, p = e
        mac = bytes.fromhex(cc.mac[d].replace(":", ""))
        # pkttype 4 = outgoing (client is the capturing host), 0 = to us
        return CookedLinux(pkttype=4 if d else 0, lladdrtype=1, lladdrlen=6,
                           src=mac + b"\x00\x00", proto=0x0800) / p
    write_pcap(path, cap, LINKTYPE_LINUX_SLL, sll)
    return row19(c)


@case("19b-linktype-linux-sll2.pcap")
def c19b(path, name):
    cap, c = short_imaps_tls10(name)

    def sll2(e):
        t, d, cc, p = e
        mac = bytes.fromhex(cc.mac[d].replace(":", ""))
        return CookedLinuxV2(proto=0x0800, ifindex=2, lladdrtype=1,
                             pkttype=4 if d else 0, lladdrlen=6,
                             src=mac + b"\x00\x00") / p
    write_pcap(path, cap, LINKTYPE_LINUX_SLL2, sll2)
    return row19(c)


@case("19c-linktype-raw.pcap")
def c19c(path, name):
    cap, c = short_imaps_tls10(name)
    write_pcap(path, cap, LINKTYPE_RAW, lambda e: e[3])
    return row19(c)


@case("19d-linktype-null.pcap")
def c19d(path, name):
    cap, c = short_imaps_tls10(name)
    # 4-byte AF value in host byte order; this file is little-endian, so
    # AF_INET = 2 is stored as 02 00 00 00 (scapy Loopback writes it so).
    write_pcap(path, cap, LINKTYPE_NULL, lambda e: Loopback(type=2) / e[3],
               endian="<")
    return row19(c)


@case("19e-linktype-ethernet.pcapng")
def c19e(path, name):
    cap, c = short_imaps_tls10(name)
    write_pcapng(path, cap)
    return row19(c)


@case("19f-linktype-ethernet-bigendian.pcap")
def c19f(path, name):
    cap, c = short_imaps_tls10(name)
    write_pcap(path, cap, endian=">")
    return row19(c)


@case("19g-linktype-ethernet-nanosec.pcap")
def c19g(path, name):
    cap, c = short_imaps_tls10(name)
    write_pcap(path, cap, nano=True)
    return row19(c)


# 20 -------------------------------------------------------------------------
@case("20-interleaved-imap-tls13-pop3-tls11.pcap")
def c20(path, name):
    rng = rng_for(name)
    cap1, cap2 = Capture(), Capture()
    a = Conn(cap1, rng, "192.168.20.10", "10.20.0.1", 42001, 143)
    a.open()
    imap_starttls(a)
    ch = ch_tls13(rng)
    a.send(C, record(CT_HANDSHAKE, TLS10, ch))
    finish_13(a, rng, implicit=False, proto="imap",
              session_id=session_id_of(ch))
    b = Conn(cap2, rng, "192.168.20.11", "10.20.0.2", 42002, 110,
             cmac="02:00:00:00:01:02", smac="02:00:00:00:02:02")
    b.open()
    pop3_stls(b)
    b.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS11)))
    finish_12(b, rng, TLS11, implicit=False, proto="pop3")
    # alternate a, b, a, b, ... then the rest; re-time 1 ms apart
    out = Capture()
    fa, fb = cap1.frames, cap2.frames
    for i in range(max(len(fa), len(fb))):
        for f in (fa, fb):
            if i < len(f):
                out.frames.append(list(f[i]))
    for i, f in enumerate(out.frames):
        f[0] = T0_US + 1000 * (i + 1)
    write_pcap(path, out)
    return [row(a, "imap", "starttls", "TLSv1.3", "TLSv1.3", "established",
                "ok"),
            row(b, "pop3", "starttls", "TLSv1.1", "TLSv1.1", "established",
                "legacy_client")]


# 21 -------------------------------------------------------------------------
@case("21-imaps-tls10-warning-alert-then-sh.pcap")
def c21(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.21.10", "10.21.0.1", 42101, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    # warning(1) unrecognized_name(112) in its own segment, then the flight
    c.send(S, alert(TLS10, 1, 112))
    finish_12(c, rng, TLS10, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


# 22 -------------------------------------------------------------------------
@case("22-imap-id-before-starttls.pcap")
def c22(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.22.10", "10.22.0.1", 42201, 143)
    c.open()
    c.send(S, b"* OK [CAPABILITY IMAP4rev1 ID STARTTLS LOGINDISABLED] "
              b"mail.example.test ready.\r\n")
    c.send(C, b'a1 ID ("name" "x")\r\n')
    c.send(S, b"* ID NIL\r\na1 OK ID completed.\r\n")
    c.send(C, b"a2 STARTTLS\r\n")
    c.send(S, b"a2 OK Begin TLS negotiation now.\r\n")
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(c, rng, TLS12, implicit=False, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "starttls", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 23 -------------------------------------------------------------------------
def good_imaps_tls12(cap, rng, cli, cport, srv):
    """A normal IMAPS TLS 1.2 session following a hostile one."""
    c = Conn(cap, rng, cli, srv, cport, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(c, rng, TLS12, implicit=True, proto="imap")
    return row(c, "imap", "implicit", "TLSv1.2", "TLSv1.2", "established",
               "ok")


def hostile_row(c, proto, mode, what, *verdict):
    r = row(c, proto, mode, *verdict)
    r["note"] = what
    return r


@case("23-hostile-ch-ext-len-overrun.pcap")
def c23(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.23.10", "10.23.0.1", 42301, 993)
    c.open()
    # extensions length field = real length + 1 (one byte past the end of
    # the ClientHello); handshake and record lengths are consistent
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng, ext_len_adjust=1)))
    c.send(S, alert(TLS12, 2, 50))          # fatal decode_error
    c.close(first=S)
    r1 = hostile_row(c, "imap", "implicit",
                     "malformed ClientHello (extensions length overruns the "
                     "message by 1): reported with the anomaly "
                     "bad_client_hello_extensions",
                     "TLSv1.2", "", "refused", "ok")
    r2 = good_imaps_tls12(cap, rng, "192.168.23.11", 42302, "10.23.0.1")
    write_pcap(path, cap)
    return [r1, r2]


# 24 -------------------------------------------------------------------------
@case("24-hostile-hs-len-16mib.pcap")
def c24(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.24.10", "10.24.0.1", 42401, 995)
    c.open()
    # handshake header length = 0xffffff (16 MiB - 1, the 3-byte maximum);
    # the record only carries the real ~150-byte body
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10,
                                                    hs_length=0xffffff)))
    c.send(S, alert(TLS10, 2, 47))          # fatal illegal_parameter
    c.close(first=S)
    r1 = hostile_row(c, "pop3", "implicit",
                     "handshake length 0xffffff: counted, nothing buffered, "
                     "hello unknown (anomaly bad_client_hello)",
                     "", "", "refused", "unknown")
    c2 = Conn(cap, rng, "192.168.24.11", "10.24.0.1", 42402, 995)
    c2.open()
    c2.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(c2, rng, TLS12, implicit=True, proto="pop3")
    write_pcap(path, cap)
    return [r1, row(c2, "pop3", "implicit", "TLSv1.2", "TLSv1.2",
                    "established", "ok")]


# 25 -------------------------------------------------------------------------
def truncated(path, name, cut_in_header):
    rng = rng_for("25-truncated-common")
    cap = Capture()
    # A: POP3S TLS 1.0, complete
    a = Conn(cap, rng, "192.168.25.10", "10.25.0.1", 42501, 995)
    a.open()
    a.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    finish_12(a, rng, TLS10, implicit=True, proto="pop3")
    # B: SMTP STARTTLS TLS 1.2, complete
    b = Conn(cap, rng, "192.168.25.11", "10.25.0.2", 42502, 25)
    b.open()
    smtp_starttls(b)
    b.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(b, rng, TLS12, implicit=False, proto="smtp")
    # C: IMAPS TLS 1.1 ClientHello; the file ends inside the packet that
    # carries the server's ServerHello flight
    x = Conn(cap, rng, "192.168.25.12", "10.25.0.3", 42503, 993)
    x.open()
    x.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS11)))
    x.send(S, server_flight_12(rng, TLS11))
    frames = write_pcap(path, cap)
    n = len(frames)                         # the last frame gets cut
    off = 24 + sum(16 + len(fb) for _, fb in frames[:-1])
    cut = off + 7 if cut_in_header else off + 16 + 90
    with open(path, "r+b") as f:
        f.truncate(cut)
    rows = [row(a, "pop3", "implicit", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client"),
            row(b, "smtp", "starttls", "TLSv1.2", "TLSv1.2", "established",
                "ok"),
            row(x, "imap", "implicit", "TLSv1.1", "", "incomplete",
                "legacy_client")]
    rows[2]["note"] = ("file ends inside record #%d (%s) at byte %d; packets "
                       "1..%d are complete" % (
                           n, "its 16-byte header" if cut_in_header
                           else "its data, 90 of %d bytes" % len(frames[-1][1]),
                           cut, n - 1))
    return rows


@case("25a-hostile-truncated-mid-packet.pcap")
def c25a(path, name):
    return truncated(path, name, cut_in_header=False)


@case("25b-hostile-truncated-mid-record-header.pcap")
def c25b(path, name):
    return truncated(path, name, cut_in_header=True)


# extra ----------------------------------------------------------------------
@case("26-smtp-plaintext-no-starttls.pcap")
def c26(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.26.10", "10.26.0.1", 42601, 25)
    c.open()
    c.send(S, SMTP_GREETING)
    c.send(C, SMTP_EHLO)
    c.send(S, b"250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000"
              b"\r\n250 8BITMIME\r\n")
    c.send(C, b"MAIL FROM:<alice@example.test>\r\n")
    c.send(S, b"250 2.1.0 Ok\r\n")
    c.send(C, b"RCPT TO:<bob@example.test>\r\n")
    c.send(S, b"250 2.1.5 Ok\r\n")
    c.send(C, b"DATA\r\n")
    c.send(S, b"354 End data with <CR><LF>.<CR><LF>\r\n")
    c.send(C, b"Subject: test\r\n\r\nhello\r\n.\r\n")
    c.send(S, b"250 2.0.0 Ok: queued as 4F1A2B3C\r\n")
    c.send(C, b"QUIT\r\n")
    c.send(S, b"221 2.0.0 Bye\r\n")
    c.close(first=S)
    write_pcap(path, cap)
    return [row(c, "smtp", "plain", "", "", "plaintext", "plaintext")]


# ===========================================================================
# Cases 27.. (issue 3: real SPAN traffic -- mid-stream pickup, TCP oddities,
# overlaps that disagree, capture gaps, tunnels, IP fragments)
# ===========================================================================

M32 = 0xffffffff


def noted(r, text):
    """A row with a note (printed by --table after "# ")."""
    r["note"] = text
    return r


def pickup(c, c_pre=0, s_pre=0):
    """The capture starts after the TCP handshake: both ISNs + 1 (the SYNs)
    plus c_pre / s_pre payload bytes each side sent before the capture
    began.  The timestamp echo starts from a plausible earlier TSval."""
    c.seq[C] = (c.seq[C] + 1 + c_pre) & M32
    c.seq[S] = (c.seq[S] + 1 + s_pre) & M32
    c.tslast[C] = c.tsbase[C]
    c.tslast[S] = c.tsbase[S]


IMAP_CAPA_REPLY = (b"* CAPABILITY " + IMAP_CAPS + b"\r\n"
                   b"a1 OK Pre-login capabilities listed, post-login "
                   b"capabilities have more.\r\n")


# 27 -------------------------------------------------------------------------
@case("27a-pop3-stls-midstream-before-stls-tls10.pcap")
def c27a(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.27.10", "10.27.0.1", 42701, 110)
    # handshake and greeting happened before the capture; the first packet
    # is the client's CAPA
    pickup(c, s_pre=len(POP3_GREETING))
    c.send(C, b"CAPA\r\n", delay=0)
    c.send(S, POP3_CAPA)
    c.send(C, b"STLS\r\n")
    c.send(S, b"+OK Begin TLS negotiation now.\r\n")
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    finish_12(c, rng, TLS10, implicit=False, proto="pop3")
    write_pcap(path, cap)
    return [row(c, "pop3", "starttls", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


@case("27b-imap-starttls-midstream-after-stls-tls11.pcap")
def c27b(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.27.20", "10.27.0.2", 42702, 143)
    # the whole plaintext part (greeting .. "a2 OK") is before the capture;
    # the first packet is the ClientHello
    pickup(c, c_pre=len(b"a1 CAPABILITY\r\n") + len(b"a2 STARTTLS\r\n"),
           s_pre=len(IMAP_GREETING) + len(IMAP_CAPA_REPLY)
           + len(b"a2 OK Begin TLS negotiation now.\r\n"))
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS11)), delay=0)
    finish_12(c, rng, TLS11, implicit=False, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "starttls", "TLSv1.1", "TLSv1.1", "established",
                "legacy_client")]


# 28 -------------------------------------------------------------------------
@case("28-smtp-midstream-server-banner-first-tls12.pcap")
def c28(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.28.10", "10.28.0.1", 42801, 25)
    pickup(c)                       # handshake missed; banner comes first
    c.send(S, SMTP_GREETING, delay=0)
    c.send(C, SMTP_EHLO)
    c.send(S, SMTP_EHLO_REPLY)
    c.send(C, b"STARTTLS\r\n")
    c.send(S, b"220 2.0.0 Ready to start TLS\r\n")
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    finish_12(c, rng, TLS12, implicit=False, proto="smtp")
    write_pcap(path, cap)
    return [row(c, "smtp", "starttls", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 29 -------------------------------------------------------------------------
@case("29-imaps-syn-retransmitted-tls10.pcap")
def c29(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.29.10", "10.29.0.1", 42901, 993)
    c.emit(C, c.mk(C, "S"), delay=1000)
    # no SYN/ACK within the initial RTO: the same SYN (same ISN, new TSval,
    # next IP ID) 1 s later
    c.cap.t += 1000000
    c.emit(C, c.mk(C, "S"), delay=0)
    c.seq[C] = (c.seq[C] + 1) & M32
    c.emit(S, c.mk(S, "SA"))
    c.seq[S] = (c.seq[S] + 1) & M32
    c.ack(C)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    finish_12(c, rng, TLS10, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


# 30 -------------------------------------------------------------------------
@case("30-imaps-tcp-fast-open-ch-in-syn-tls11.pcap")
def c30(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.30.10", "10.30.0.1", 43001, 993)
    cookie = struct.unpack("!II", rng.randbytes(8))
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS11))
    # RFC 7413: SYN with the Fast Open cookie option (kind 34, 8-byte
    # cookie) carrying the ClientHello; the SYN/ACK acknowledges SYN + data
    c.emit(C, c.mk(C, "S", ch, syn_opts=[("TFO", cookie)]), delay=1000)
    c.seq[C] = (c.seq[C] + 1 + len(ch)) & M32
    c.emit(S, c.mk(S, "SA"))
    c.seq[S] = (c.seq[S] + 1) & M32
    c.ack(C)
    finish_12(c, rng, TLS11, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [row(c, "imap", "implicit", "TLSv1.1", "TLSv1.1", "established",
                "legacy_client")]


# 31 -------------------------------------------------------------------------
@case("31-pop3-stls-tls10-server-rst-after-sh.pcap")
def c31(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.31.10", "10.31.0.1", 43101, 110)
    c.open()
    pop3_stls(c)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    c.send(S, server_flight_12(rng, TLS10))
    fl = finished_len(TLS10, 0xc009)
    c.send(C, record(CT_HANDSHAKE, TLS10,
                     client_key_exchange_ecdhe(rng, SECP256R1))
           + ccs(TLS10) + record(CT_HANDSHAKE, TLS10, rng.randbytes(fl)))
    # the server process dies: RST/ACK instead of CCS + Finished
    c.rst(S)
    write_pcap(path, cap)
    return [row(c, "pop3", "starttls", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


# 32 -------------------------------------------------------------------------
@case("32-imap-starttls-tls12-client-fin-server-keeps-sending.pcap")
def c32(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.32.10", "10.32.0.1", 43201, 143)
    c.open()
    imap_starttls(c)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    c.send(S, server_flight_12(rng, TLS12))
    fl = finished_len(TLS12, 0xc02b)
    c.send(C, record(CT_HANDSHAKE, TLS12,
                     client_key_exchange_ecdhe(rng, X25519))
           + ccs(TLS12) + record(CT_HANDSHAKE, TLS12, rng.randbytes(fl)))
    c.send(S, ccs(TLS12) + record(CT_HANDSHAKE, TLS12, rng.randbytes(fl)))
    c.send(C, appdata(rng, TLS12, 48))      # a3 LOGIN
    c.send(S, appdata(rng, TLS12, 64))      # a3 OK
    c.send(C, appdata(rng, TLS12, 48))      # a4 FETCH 1:* BODY[]
    c.send(S, appdata(rng, TLS12, 1400))    # the mailbox starts coming
    # the client gives up: close_notify, then FIN (half-close)
    c.send(C, record(CT_ALERT, TLS12, rng.randbytes(26)))
    c.emit(C, c.mk(C, "FA"), delay=60)
    c.seq[C] = (c.seq[C] + 1) & M32
    # the server keeps sending (its segments ACK the FIN); the client,
    # half-closed, still ACKs
    c.send(S, appdata(rng, TLS12, 1400))
    c.send(S, appdata(rng, TLS12, 1400))
    c.ack(C)
    c.send(S, appdata(rng, TLS12, 600))
    c.ack(C)
    c.send(S, record(CT_ALERT, TLS12, rng.randbytes(26)))
    c.emit(S, c.mk(S, "FA"), delay=60)
    c.seq[S] = (c.seq[S] + 1) & M32
    c.ack(C)
    write_pcap(path, cap)
    return [row(c, "imap", "starttls", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 33 -------------------------------------------------------------------------
def record_ends(data):
    """Offsets just past each TLS record in data."""
    out, pos = [], 0
    while pos < len(data):
        pos += 5 + struct.unpack("!H", data[pos + 3:pos + 5])[0]
        out.append(pos)
    return out


@case("33-smtp-starttls-tls10-zero-window-probe-keepalive.pcap")
def c33(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.33.10", "10.33.0.1", 43301, 25)
    c.open()
    smtp_starttls(c)
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    sf = server_flight_12(rng, TLS10)
    k = record_ends(sf)[1]                  # after SH + Certificate
    s0 = c.seq[S]
    sp = c.segs(S, sf, cuts=[k])
    c.emit(S, sp[0])
    # the client's receive buffer is full: ACK with window 0
    c.emit(C, c.mk(C, "A", ack=s0 + k, window=0))
    # zero-window probe, Linux style: no data, seq = SND.UNA - 1
    c.emit(S, c.mk(S, "A", seq=s0 + k - 1), delay=200000)
    c.emit(C, c.mk(C, "A", ack=s0 + k, window=0))
    # zero-window probe, BSD style: 1 byte of new data at SND.NXT
    c.emit(S, c.mk(S, "A", sf[k:k + 1], seq=s0 + k), delay=400000)
    c.emit(C, c.mk(C, "A", ack=s0 + k, window=0))   # byte not taken
    c.emit(C, c.mk(C, "A", ack=s0 + k), delay=150000)  # window update
    c.emit(S, sp[1])                        # the rest, from the probe byte
    c.ack(C)
    # the client is slow to compute its key exchange; both sides' keep-
    # alives run: server (Linux) no data, seq = SND.NXT - 1; client
    # (Windows) one garbage byte 0x00 at SND.NXT - 1
    c.emit(S, c.mk(S, "A", seq=c.seq[S] - 1), delay=5000000)
    c.ack(C)
    c.emit(C, c.mk(C, "A", b"\x00", seq=c.seq[C] - 1), delay=5000000)
    c.ack(S)
    finish_12(c, rng, TLS10, implicit=False, proto="smtp",
              server_flight=False)
    write_pcap(path, cap)
    return [noted(row(c, "smtp", "starttls", "TLSv1.0", "TLSv1.0",
                      "established", "legacy_client"),
                  "no anomaly: probe and keep-alive bytes are neither gaps "
                  "nor conflicts")]


# 34 -------------------------------------------------------------------------
def overlap_conflict(name, cport, cli, order):
    """IMAPS, genuine TLS 1.0 ClientHello `g` (117 bytes) and a copy `x` of
    part of it whose legacy_version (record offsets 9-10) says 0x0303.
    order: which copy of bytes 3..59 reaches the wire first."""
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, cli, "10.34.0.1", cport, 993)
    c.open()
    g = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10))
    assert g[9:11] == b"\x03\x01"
    x = g[:9] + b"\x03\x03" + g[11:]
    base = c.seq[C]
    c.seq[C] = (base + len(g)) & M32
    seg = lambda data, a, b, fl="A": c.mk(C, fl, data[a:b], seq=base + a)
    if order == "inorder":
        # genuine 0..59 delivered in order, then a copy of the same range
        # with other bytes, then the rest
        c.emit(C, seg(g, 0, 60))
        c.emit(C, seg(x, 0, 60), delay=30)
        c.emit(C, seg(g, 60, len(g), "PA"))
        c.ack(S)
        first_is_genuine = True
    else:
        # bytes 0..2 travel alone and come late; both copies of 3..59 wait
        # in the queue, the first to arrive wins
        a, b = (g, x) if order == "genuine-first" else (x, g)
        c.emit(C, seg(a, 3, 60))
        c.emit(S, c.mk(S, "A", ack=base))   # dup ACK for the hole
        c.emit(C, seg(b, 3, 60), delay=30)
        c.emit(S, c.mk(S, "A", ack=base))
        c.emit(C, seg(g, 0, 3), delay=200000)
        c.emit(C, seg(g, 60, len(g), "PA"))
        c.ack(S)
        first_is_genuine = a is g
    if first_is_genuine:
        finish_12(c, rng, TLS10, implicit=True, proto="imap")
        return cap, c, noted(row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0",
                                 "established", "legacy_client"),
                             "first copy (genuine 0x0301) wins; anomaly "
                             "overlap_conflict")
    # The server's TCP kept the first copy too (Linux drops an out-of-order
    # segment that an earlier one fully covers), so it read 0x0303 and
    # answers TLS 1.2 with a suite the client offered; the real client
    # (TLS 1.0 only) rejects that with a fatal protocol_version alert.
    c.send(S, server_flight_12(rng, TLS12, cipher=0xc009, group=SECP256R1))
    c.send(C, alert(TLS10, 2, 70))
    c.close(first=C)
    return cap, c, noted(row(c, "imap", "implicit", "TLSv1.2", "TLSv1.2",
                             "client_abort", "ok"),
                         "first copy by arrival (the forged 0x0303) wins, as "
                         "in the server's TCP; anomaly overlap_conflict; "
                         "client alert protocol_version")


@case("34a-imaps-overlap-conflict-genuine-first-in-order-tls10.pcap")
def c34a(path, name):
    cap, c, r = overlap_conflict(name, 43401, "192.168.34.10", "inorder")
    write_pcap(path, cap)
    return [r]


@case("34b-imaps-overlap-conflict-forged-first-queued.pcap")
def c34b(path, name):
    cap, c, r = overlap_conflict(name, 43402, "192.168.34.11", "forged-first")
    write_pcap(path, cap)
    return [r]


@case("34c-imaps-overlap-conflict-genuine-first-queued-tls10.pcap")
def c34c(path, name):
    cap, c, r = overlap_conflict(name, 43403, "192.168.34.12",
                                 "genuine-first")
    write_pcap(path, cap)
    return [r]


# 35 -------------------------------------------------------------------------
@case("35a-imaps-gap-mid-ch-tls12.pcap")
def c35a(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.35.10", "10.35.0.1", 43501, 993)
    c.open()
    ch = record(CT_HANDSHAKE, TLS10, ch_tls12(rng))
    ps = c.segs(C, ch, cuts=[50, 100])
    c.emit(C, ps[0])
    c.emit(C, ps[2], delay=120)             # ps[1] (bytes 50..99) not captured
    c.ack(S)                                # the server got all of it
    finish_12(c, rng, TLS12, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [noted(row(c, "imap", "implicit", "", "TLSv1.2", "established",
                      "ok"),
                  "CH bytes 50..99 not captured: anomalies client_hello_lost, "
                  "stream_gap; reason from the negotiated version")]


@case("35b-imaps-gap-sh-segment-lost-tls10.pcap")
def c35b(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.35.20", "10.35.0.2", 43502, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    sp = c.segs(S, server_flight_12(rng, TLS10), cuts=[300])
    c.emit(S, sp[1])                        # sp[0] (SH + start of the
    c.ack(C)                                # Certificate) not captured
    finish_12(c, rng, TLS10, implicit=True, proto="imap",
              server_flight=False)
    write_pcap(path, cap)
    return [noted(row(c, "imap", "implicit", "TLSv1.0", "", "gap",
                      "legacy_client"),
                  "SH segment not captured: anomalies server_hello_lost, "
                  "stream_gap")]


@case("35c-imaps-gap-in-appdata-after-hellos-tls10.pcap")
def c35c(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.35.30", "10.35.0.3", 43503, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    c.send(S, server_flight_12(rng, TLS10))
    fl = finished_len(TLS10, 0xc009)
    c.send(C, record(CT_HANDSHAKE, TLS10,
                     client_key_exchange_ecdhe(rng, SECP256R1))
           + ccs(TLS10) + record(CT_HANDSHAKE, TLS10, rng.randbytes(fl)))
    c.send(S, ccs(TLS10) + record(CT_HANDSHAKE, TLS10, rng.randbytes(fl)))
    c.send(S, appdata(rng, TLS10, 64))      # greeting
    c.send(C, appdata(rng, TLS10, 48))      # a1 CAPABILITY
    sp = c.segs(S, appdata(rng, TLS10, 160) + appdata(rng, TLS10, 96),
                cuts=[165])
    c.emit(S, sp[1])                        # sp[0] not captured
    c.ack(C)
    c.send(C, appdata(rng, TLS10, 32))      # a2 LOGOUT
    c.send(S, appdata(rng, TLS10, 48))
    c.send(C, record(CT_ALERT, TLS10, rng.randbytes(26)))
    c.close()
    write_pcap(path, cap)
    return [noted(row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0",
                      "established", "legacy_client"),
                  "gap in application data after both hellos: verdict "
                  "stands")]


# 36 -------------------------------------------------------------------------
def partial_ch(name, cli, cport, refuse):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, cli, "10.36.0.1", cport, 995)
    c.open()
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10))
    ps = c.segs(C, ch, cuts=[40])
    c.emit(C, ps[0])                        # holds legacy_version 0x0301
    c.ack(S, delay=9760)                    # ps[1] not captured; ACKed
    if refuse:
        # a server with a TLS 1.2 floor: fatal protocol_version, close
        c.send(S, alert(TLS10, 2, 70), delay=60)
        c.close(first=S)
        return cap, noted(row(c, "pop3", "implicit", "TLSv1.0", "",
                              "refused", "legacy_refused"),
                          "CH bytes 40..120 not captured, nothing after "
                          "them: anomalies client_hello_lost, "
                          "client_hello_partial, stream_gap")
    finish_12(c, rng, TLS10, implicit=True, proto="pop3")
    return cap, noted(row(c, "pop3", "implicit", "TLSv1.0", "TLSv1.0",
                          "established", "legacy_client"),
                      "CH bytes 40..120 not captured: anomalies "
                      "client_hello_lost, client_hello_partial, stream_gap")


@case("36a-pop3s-partial-ch-tls10-established.pcap")
def c36a(path, name):
    cap, r = partial_ch(name, "192.168.36.10", 43601, refuse=False)
    write_pcap(path, cap)
    return [r]


@case("36b-pop3s-partial-ch-tls10-refused.pcap")
def c36b(path, name):
    cap, r = partial_ch(name, "192.168.36.11", 43602, refuse=True)
    write_pcap(path, cap)
    return [r]


# 37 -------------------------------------------------------------------------
@case("37-smtps-tls12-server-seq-wrap-in-sh.pcap")
def c37(path, name):
    rng = rng_for(name)
    cap = Capture()
    # server ISN 0xffffffdf: its first data byte (the SH record) is at
    # 0xffffffe0, so the flight wraps 32 bytes in, inside the SH random
    c = Conn(cap, rng, "192.168.37.10", "10.37.0.1", 43701, 465,
             s_isn=0xffffffdf)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_tls12(rng)))
    sf = server_flight_12(rng, TLS12)
    sh_end = record_ends(sf)[0]
    assert c.seq[S] == 0xffffffe0 and 60 < sh_end
    # segments: 0xffffffe0 (20 bytes), 0xfffffff4 (40 bytes, wraps after
    # its 12th byte), 0x0000001c (the rest, from the SH's last bytes on)
    c.send(S, sf, cuts=[20, 60])
    finish_12(c, rng, TLS12, implicit=True, proto="smtp",
              server_flight=False)
    write_pcap(path, cap)
    return [row(c, "smtp", "implicit", "TLSv1.2", "TLSv1.2", "established",
                "ok")]


# 38 -------------------------------------------------------------------------
# One short IMAPS TLS 1.0 session, carried in each tunnel / encapsulation.
# Tunnel endpoints and mirror sources: 172.16.38.1 (client side / switch),
# 172.16.38.2 (server side), 172.16.38.100 (the probe), MACs
# 02:00:00:00:03:01 / :02 / 02:00:00:00:04:01.

ENCAP_A, ENCAP_B, PROBE = "172.16.38.1", "172.16.38.2", "172.16.38.100"
MAC_A, MAC_B, MAC_PROBE = ("02:00:00:00:03:01", "02:00:00:00:03:02",
                           "02:00:00:00:04:01")


def short_imaps_tls10_38(v6=False):
    rng = rng_for("38-encap-common")
    cap = Capture()
    if v6:
        c = Conn(cap, rng, "fd00:38:1::10", "fd00:38:2::1", 43801, 993,
                 v6=True)
    else:
        c = Conn(cap, rng, "192.168.38.10", "10.38.0.1", 43801, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    finish_12(c, rng, TLS10, implicit=True, proto="imap")
    return cap, c


def row38(c):
    return [row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0", "established",
                "legacy_client")]


class Outer:
    """Outer Ethernet + IPv4 for tunnel packets.  Point to point (client
    side A <-> server side B, by direction) or, for a mirror session, always
    switch -> probe.  DF set, IP IDs counting per sender."""

    def __init__(self, mirror=False):
        self.mirror = mirror
        self.ipid = {C: 0x3800, S: 0x5800}

    def __call__(self, d, proto, payload):
        if self.mirror:
            d = C
            src, dst, smac, dmac = ENCAP_A, PROBE, MAC_A, MAC_PROBE
        else:
            src, dst = (ENCAP_A, ENCAP_B) if d else (ENCAP_B, ENCAP_A)
            smac, dmac = (MAC_A, MAC_B) if d else (MAC_B, MAC_A)
        ip = IP(src=src, dst=dst, ttl=64, flags="DF", id=self.ipid[d],
                proto=proto)
        self.ipid[d] = (self.ipid[d] + 1) & 0xffff
        return Ether(src=smac, dst=dmac) / ip / payload


def inner_ether(cc, d, p):
    """The mirrored / bridged frame: the session's own Ethernet header."""
    return bytes(Ether(src=cc.mac[d], dst=cc.mac[not d]) / p)


def mpls_lse(label, bottom, ttl=63, tc=0):
    """RFC 3032 label stack entry: label(20) TC(3) S(1) TTL(8)"""
    return struct.pack("!I", label << 12 | tc << 9 | bottom << 8 | ttl)


def gre_hdr(proto, csum=False, key=None, seq=None, payload=b""):
    """RFC 2784 / RFC 2890: C(0x8000) K(0x2000) S(0x1000), version 0,
    protocol type, [checksum + reserved1] [key] [sequence number].  The
    checksum covers the GRE header and payload (RFC 2784 2.2)."""
    flags = (0x8000 if csum else 0) | (0x2000 if key is not None else 0) \
        | (0x1000 if seq is not None else 0)
    opt = b""
    if key is not None:
        opt += struct.pack("!I", key)
    if seq is not None:
        opt += struct.pack("!I", seq)
    if not csum:
        return struct.pack("!HH", flags, proto) + opt + payload
    hdr = struct.pack("!HHHH", flags, proto, 0, 0) + opt
    cs = checksum(hdr + payload)
    return struct.pack("!HHHH", flags, proto, cs, 0) + opt + payload


@case("38a-imaps-mpls-two-labels.pcap")
def c38a(path, name):
    cap, c = short_imaps_tls10_38()

    def mpls(e):
        t, d, cc, p = e
        # transport label + service label (bottom of stack), then IPv4
        stack = (mpls_lse(16038 if d else 16039, 0)
                 + mpls_lse(3801 if d else 3802, 1))
        return (Ether(src=MAC_A if d else MAC_B, dst=MAC_B if d else MAC_A,
                      type=0x8847) / Raw(stack + bytes(p)))
    write_pcap(path, cap, encap=mpls)
    return row38(c)


@case("38b-imaps-mpls-ethernet-pw-control-word.pcap")
def c38b(path, name):
    cap, c = short_imaps_tls10_38()
    seqno = {C: 0, S: 0}

    def pw(e):
        t, d, cc, p = e
        # RFC 4448 Ethernet pseudowire: tunnel label, PW label (S=1), the
        # control word 0000 | reserved(12) | sequence(16) (RFC 4385: first
        # nibble 0), then the customer's Ethernet frame (no FCS)
        seqno[d] = seqno[d] % 0xffff + 1   # 1..65535, 0 = "not used"
        stack = (mpls_lse(16038 if d else 16039, 0)
                 + mpls_lse(3803 if d else 3804, 1))
        cw = struct.pack("!HH", 0, seqno[d])
        return (Ether(src=MAC_A if d else MAC_B, dst=MAC_B if d else MAC_A,
                      type=0x8847) / Raw(stack + cw + inner_ether(cc, d, p)))
    write_pcap(path, cap, encap=pw)
    return row38(c)


@case("38c-imaps-gre-ipv4-key.pcap")
def c38c(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer()

    def gre(e):
        t, d, cc, p = e
        return outer(d, 47, Raw(gre_hdr(0x0800, key=3801, payload=bytes(p))))
    write_pcap(path, cap, encap=gre)
    return row38(c)


@case("38d-imaps-gre-teb-ethernet-checksum.pcap")
def c38d(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer()

    def teb(e):
        t, d, cc, p = e
        return outer(d, 47, Raw(gre_hdr(0x6558, csum=True,
                                        payload=inner_ether(cc, d, p))))
    write_pcap(path, cap, encap=teb)
    return row38(c)


@case("38e-imaps-erspan-type2.pcap")
def c38e(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer(mirror=True)
    n = [0]

    def erspan2(e):
        t, d, cc, p = e
        n[0] += 1
        # type II header: Ver=1 | VLAN=0, COS=0 En=0 T=0 Session ID=38,
        # Reserved(12)=0 | Index(20)=0x26 (the monitored port)
        hdr = struct.pack("!HHI", 1 << 12 | 0, 38, 0x26)
        return outer(d, 47, Raw(gre_hdr(0x88be, seq=n[0],
                                        payload=hdr + inner_ether(cc, d, p))))
    write_pcap(path, cap, encap=erspan2)
    return row38(c)


def erspan3_hdr(t, d, platform):
    """ERSPAN type III: Ver=2 | VLAN, COS BSO T Session ID, Timestamp,
    SGT, P FT(5) HwID(6) D Gra(2) O; with O an 8-byte platform specific
    subheader (Platf ID 3: reserved(12) port(14) + upper timestamp)."""
    word1 = struct.pack("!HH", 2 << 12 | 0, 38)
    # P=1 (Ethernet frame), FT=0, HwID=1, D: 0 ingress (client's frames
    # entering the monitored port), 1 egress; Gra 00 = 100 us ticks, or
    # 10 = IEEE 1588 (ns, seconds in the subheader) with the subheader
    d_bit = 0 if d else 1
    if not platform:
        ts = (t // 100) & M32
        low = 1 << 15 | 0 << 10 | 1 << 4 | d_bit << 3 | 0 << 1 | 0
        return word1 + struct.pack("!IHH", ts, 0, low)
    ts = (t % 1000000) * 1000                   # ns within the second
    low = 1 << 15 | 0 << 10 | 1 << 4 | d_bit << 3 | 2 << 1 | 1
    sub = struct.pack("!II", 3 << 26 | 0 << 14 | 0x26, (t // 1000000) & M32)
    return word1 + struct.pack("!IHH", ts, 0, low) + sub


@case("38f-imaps-erspan-type3.pcap")
def c38f(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer(mirror=True)
    n = [0]

    def erspan3(e):
        t, d, cc, p = e
        n[0] += 1
        return outer(d, 47, Raw(gre_hdr(
            0x22eb, seq=n[0],
            payload=erspan3_hdr(t, d, False) + inner_ether(cc, d, p))))
    write_pcap(path, cap, encap=erspan3)
    return row38(c)


@case("38g-imaps-erspan-type3-platform-subheader.pcap")
def c38g(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer(mirror=True)
    n = [0]

    def erspan3o(e):
        t, d, cc, p = e
        n[0] += 1
        return outer(d, 47, Raw(gre_hdr(
            0x22eb, seq=n[0],
            payload=erspan3_hdr(t, d, True) + inner_ether(cc, d, p))))
    write_pcap(path, cap, encap=erspan3o)
    return row38(c)


@case("38h-imaps-vxlan.pcap")
def c38h(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer()

    def vxlan(e):
        t, d, cc, p = e
        # RFC 7348: flags 0x08 (I), reserved(24), VNI(24)=3801, reserved(8);
        # UDP source port = the sending VTEP's flow hash, checksum 0
        hdr = struct.pack("!II", 0x08 << 24, 3801 << 8)
        udp = UDP(sport=49321 if d else 51873, dport=4789, chksum=0)
        return outer(d, 17, udp / Raw(hdr + inner_ether(cc, d, p)))
    write_pcap(path, cap, encap=vxlan)
    return row38(c)


@case("38i-imaps-gtpu.pcap")
def c38i(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer()
    seqno = {C: 0x4000, S: 0x8000}

    def gtpu(e):
        t, d, cc, p = e
        # TS 29.281 5.1: flags 0x32 (version 1, PT 1, S 1), type 255
        # (G-PDU), length = bytes after the first 8 (the optional 4 +
        # T-PDU), TEID (uplink: the SGW's, downlink: the eNodeB's), then
        # sequence number(2), N-PDU number(1)=0, next extension type(1)=0
        inner = bytes(p)
        hdr = struct.pack("!BBHIHBB", 0x32, 255, 4 + len(inner),
                          0x0000a026 if d else 0x0000b026, seqno[d], 0, 0)
        seqno[d] = (seqno[d] + 1) & 0xffff
        return outer(d, 17, UDP(sport=2152, dport=2152) / Raw(hdr + inner))
    write_pcap(path, cap, encap=gtpu)
    return row38(c)


@case("38j-imaps-ipv4-in-ipv4.pcap")
def c38j(path, name):
    cap, c = short_imaps_tls10_38()
    outer = Outer()
    write_pcap(path, cap, encap=lambda e: outer(e[1], 4, Raw(bytes(e[3]))))
    return row38(c)


@case("38k-imaps-ipv6-in-ipv4.pcap")
def c38k(path, name):
    cap, c = short_imaps_tls10_38(v6=True)
    outer = Outer()
    write_pcap(path, cap, encap=lambda e: outer(e[1], 41, Raw(bytes(e[3]))))
    return row38(c)


@case("38l-imaps-linux-sll2-8021q.pcap")
def c38l(path, name):
    cap, c = short_imaps_tls10_38()

    def sll2vlan(e):
        t, d, cc, p = e
        # the tag was not stripped by the NIC: SLL2 protocol 0x8100, then
        # TCI (VLAN 38) and the inner EtherType
        mac = bytes.fromhex(cc.mac[d].replace(":", ""))
        return (CookedLinuxV2(proto=0x8100, ifindex=3, lladdrtype=1,
                              pkttype=4 if d else 0, lladdrlen=6,
                              src=mac + b"\x00\x00")
                / Dot1Q(prio=0, vlan=38, type=0x0800) / p)
    write_pcap(path, cap, LINKTYPE_LINUX_SLL2, sll2vlan)
    return row38(c)


@case("38m-imaps-mpls-ethernet-pw-no-cw-mac-00.pcap")
def c38m(path, name):
    cap, c = short_imaps_tls10_38()
    # two VMs (VMware OUI 00:50:56) behind an Ethernet pseudowire WITHOUT a
    # control word (RFC 4448 4.6 makes it optional): the customer frame's
    # destination MAC starts with the nibble 0, like a control word
    c.mac = {C: "00:50:56:a8:38:10", S: "00:50:56:a8:38:01"}

    def pw(e):
        t, d, cc, p = e
        stack = (mpls_lse(16038 if d else 16039, 0)
                 + mpls_lse(3805 if d else 3806, 1))
        return (Ether(src=MAC_A if d else MAC_B, dst=MAC_B if d else MAC_A,
                      type=0x8847) / Raw(stack + inner_ether(cc, d, p)))
    write_pcap(path, cap, encap=pw)
    return [noted(row38(c)[0], "no control word; inner MAC 00:50:56:..: "
                  "decode must not take the MAC for a control word")]


# 39 -------------------------------------------------------------------------
@case("39-imaps-ch-ip-fragmented-tls10.pcap")
def c39(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.39.10", "10.39.0.1", 43901, 993)
    c.open()
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10))
    p = c.mk(C, "PA", ch)
    p[IP].flags = 0                         # DF clear: may be fragmented
    seg = bytes(p)[20:]                     # TCP header + ClientHello
    c.seq[C] = (c.seq[C] + len(ch)) & M32
    # fragmented on the way (a 136-byte MTU hop): offsets 0 (MF) and 96
    for off, more in ((0, True), (96, False)):
        part = seg[off:off + 96] if more else seg[off:]
        c.emit(C, IP(src=c.cli, dst=c.srv, ttl=64, id=p[IP].id,
                     flags="MF" if more else 0, frag=off // 8, proto=6)
               / Raw(part))
    finish_12(c, rng, TLS10, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [noted(row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0",
                      "established", "legacy_client"),
                  "the two fragments reassembled (defrag.reassembled 1): "
                  "the CH is read whole")]


# 39b ------------------------------------------------------------------------
@case("39b-imaps-ch-ipv6-fragmented-reordered-tls11.pcap")
def c39b(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "fd00:39:1::10", "fd00:39:2::1", 43902, 993, v6=True)
    c.open()
    ch = record(CT_HANDSHAKE, TLS11, ch_legacy(rng, TLS11))
    p = c.mk(C, "PA", ch)
    seg = bytes(p[TCP])                     # TCP header + ClientHello
    c.seq[C] = (c.seq[C] + len(ch)) & M32
    # three fragments of 64, 64 and the rest: the last arrives first, the
    # first twice (a retransmission by the hop that fragmented it)
    parts = [(0, seg[0:64], 1), (64, seg[64:128], 1), (128, seg[128:], 0)]
    for i in (2, 0, 0, 1):
        off, part, more = parts[i]
        c.emit(C, IPv6(src=c.cli, dst=c.srv, hlim=64, nh=44)
               / IPv6ExtHdrFragment(nh=6, offset=off // 8, m=more,
                                    id=0x39b00001)
               / Raw(part))
    finish_12(c, rng, TLS11, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [noted(row(c, "imap", "implicit", "TLSv1.1", "TLSv1.1",
                      "established", "legacy_client"),
                  "IPv6 fragments last first, the first twice (same bytes, "
                  "no conflict): reassembled")]


# 39c ------------------------------------------------------------------------
@case("39c-imaps-erspan-outer-fragmented.pcap")
def c39c(path, name):
    """ERSPAN type II from a switch over a 1500-byte path: the server's
    full-size segment (ServerHello and the start of the certificates) is a
    1550-byte outer datagram, fragmented at 1500 on the way to the probe."""
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.39.12", "10.39.0.3", 43903, 993)
    c.open()
    c.send(C, record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10)))
    # a five-certificate chain: the flight spans two segments, the first
    # full-size
    sh = server_hello(rng, TLS10, 0xc009, extensions=[
        ext_renegotiation_info(), ext_ec_point_formats()])
    chain = handshake(HS_CERTIFICATE, vec24(vec24(cert_der()) * 5))
    flight = (record(CT_HANDSHAKE, TLS10, sh)
              + record(CT_HANDSHAKE, TLS10, chain)
              + record(CT_HANDSHAKE, TLS10,
                       server_key_exchange_ecdhe(rng, TLS10, SECP256R1))
              + record(CT_HANDSHAKE, TLS10,
                       handshake(HS_SERVER_HELLO_DONE, b"")))
    assert len(flight) > 1448
    c.send(S, flight, cuts=(1448,))
    finish_12(c, rng, TLS10, implicit=True, proto="imap", server_flight=False)
    frames = []
    n = 0
    for t, d, cc, p in cap.frames:
        n += 1
        hdr = struct.pack("!HHI", 1 << 12 | 0, 39, 0x27)
        gre = gre_hdr(0x88be, seq=n, payload=hdr + inner_ether(cc, d, p))
        outer = IP(src=ENCAP_A, dst=PROBE, ttl=64, flags=0, id=0x3900 + n,
                   proto=47) / Raw(gre)
        for fr in (fragment(outer, fragsize=1480) if len(outer) > 1500
                   else [outer]):
            frames.append((t, bytes(Ether(src=MAC_A, dst=MAC_PROBE) / fr)))
    assert len(frames) > len(cap.frames)
    write_frames(path, frames)
    return [noted(row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0",
                      "established", "legacy_client"),
                  "outer IPv4 fragments of ERSPAN reassembled; the "
                  "ServerHello rides in the fragmented segment")]


# 39d ------------------------------------------------------------------------
@case("39d-imaps-ch-ip-fragment-overlap-conflict.pcap")
def c39d(path, name):
    rng = rng_for(name)
    cap = Capture()
    c = Conn(cap, rng, "192.168.39.14", "10.39.0.4", 43904, 993)
    c.open()
    ch = record(CT_HANDSHAKE, TLS10, ch_legacy(rng, TLS10))
    p = c.mk(C, "PA", ch)
    p[IP].flags = 0
    seg = bytes(p)[20:]
    c.seq[C] = (c.seq[C] + len(ch)) & M32

    def frag(off, part, more):
        return (IP(src=c.cli, dst=c.srv, ttl=64, id=p[IP].id,
                   flags="MF" if more else 0, frag=off // 8, proto=6)
                / Raw(part))
    # the last fragment, then a forged copy of it claiming TLS 1.2 in
    # different bytes (an evasion attempt), then the first: the first copy
    # of each byte wins, the conflict is counted
    tail = seg[96:]
    forged = bytes(b ^ 0x5a for b in tail)
    c.emit(C, frag(96, tail, False))
    c.emit(C, frag(96, forged, False))
    c.emit(C, frag(0, seg[:96], True))
    finish_12(c, rng, TLS10, implicit=True, proto="imap")
    write_pcap(path, cap)
    return [noted(row(c, "imap", "implicit", "TLSv1.0", "TLSv1.0",
                      "established", "legacy_client"),
                  "overlapping fragment with other bytes: first copy wins "
                  "(defrag.overlap_conflicts 1)")]


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outdir", default=os.path.dirname(os.path.abspath(
        __file__)))
    ap.add_argument("--table", action="store_true",
                    help="print the expected verdict table")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    table = []
    for name, fn in CASES:
        path = os.path.join(args.outdir, name)
        rows = fn(path, name)
        for r in rows:
            table.append((name, r))
        if not args.table:
            print("%-48s %6d bytes" % (name, os.path.getsize(path)))
    if args.table:
        cols = ["file", "client", "server", "proto", "mode", "cmax", "neg",
                "outcome", "reason"]
        for name, r in table:
            vals = [name] + [r[k] or "-" for k in cols[1:]]
            print(" | ".join(vals) + ((" | # " + r["note"]) if "note" in r
                                      else ""))


if __name__ == "__main__":
    sys.exit(main())
