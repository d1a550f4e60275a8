#!/usr/bin/env python3
"""make-corpus.py -- seed corpora for the fuzz targets, from the captures.

    fuzz/make-corpus.py                 # writes fuzz/corpus/<target>/
    fuzz/make-corpus.py --out DIR       # elsewhere
    fuzz/make-corpus.py --extra ../shared/pcaps-public --out /tmp/seeds
                                        # more captures (not to commit)

Reads pcaps/*.pcap, pcaps/crafted/* and pcaps/dns/* (pcap and pcapng, any link type
decode.c supports) with nothing but the standard library, and writes for

  fuzz_packet       single Ethernet frames (those with a TCP payload, the
                    SYNs, FINs and RSTs)
  fuzz_packet_link  single frames of the other link types, behind the
                    selector byte of fuzz_packet.c, plus Ethernet frames
                    with each selector bit
  fuzz_pcap         whole capture files, cut at a packet boundary to
                    PCAP_MAX bytes, and the broken captures tests/hostile
                    generates
  fuzz_stream       each TCP connection as fuzz_stream.c's segment list
  fuzz_mail_*       each STARTTLS-port connection of that protocol as a
                    chunked dialogue (fuzz.h framing)
  fuzz_tls          every ClientHello/ServerHello body (parser mode) and
                    each connection's TLS bytes as chunks (stream mode)
  fuzz_config       YAML files: conf/*.yaml if any, plus a few written here
  fuzz_dns          the DNS messages (UDP and TCP port 53) of the captures

File names are the SHA-1 of the content (as libFuzzer names its own), so
running the script again changes nothing unless the captures changed.  The
committed corpus is kept small (a few hundred KB): the caps below bound
each seed, and with --minimize (the fuzz targets built: make fuzz-build)
each target's seeds go through libFuzzer's -merge=1, which keeps only the
seeds that add coverage.  Without --minimize every seed is written.
"""

import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PCAP_MAX = 2048          # bytes of a capture kept for fuzz_pcap
STREAM_MAX = 2048        # bytes of a fuzz_stream seed
MAIL_MAX = 2048          # bytes of a mail dialogue seed
TLS_STREAM_MAX = 2048    # bytes of a fuzz_tls stream seed
FRAME_MAX = 1600         # longest frame kept for fuzz_packet

# decode.h link types
LINK_NULL, LINK_EN10MB, LINK_RAW, LINK_LOOP = 0, 1, 12, 108
LINK_RAW_ALT, LINK_SLL, LINK_SLL2 = 101, 113, 276
LINK_IPV4, LINK_IPV6, LINK_RAW_BSD = 228, 229, 14
# fuzz_packet.c links[] order (selector bits 0-3)
LINK_INDEX = {LINK_EN10MB: 0, LINK_SLL: 1, LINK_SLL2: 2, LINK_RAW: 3,
              LINK_NULL: 4, LINK_LOOP: 5, LINK_RAW_BSD: 6,
              LINK_RAW_ALT: 7, LINK_IPV4: 8, LINK_IPV6: 9}

# config.c default ports: port -> (proto, implicit)
MAIL_PORTS = {110: ("pop3", False), 995: ("pop3", True),
              143: ("imap", False), 993: ("imap", True),
              25: ("smtp", False), 587: ("smtp", False),
              465: ("smtp", True)}
# fuzz_stream.c ports[] order (selector bits 0-2)
STREAM_PORTS = [110, 143, 25, 587, 995, 993, 465, 8443]

TH_FIN, TH_SYN, TH_RST, TH_ACK = 0x01, 0x02, 0x04, 0x10


# --- capture files -----------------------------------------------------------

def read_capture(path):
    """(linktype, [(ts, frame, record_bytes)], header_bytes) of a pcap or
    pcapng file; record_bytes is the raw pcap record (None for pcapng).
    Stops quietly at a truncated record."""
    with open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4:
        return None
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    else:
        return None
    if len(data) < 24:
        return None
    link = struct.unpack(end + "I", data[20:24])[0] & 0x0fffffff
    pkts = []
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        if off + 16 + incl > len(data):
            break
        pkts.append((sec, data[off + 16:off + 16 + incl],
                     data[off:off + 16 + incl]))
        off += 16 + incl
    return link, pkts, data[:24]


def read_pcapng(data):
    """Enough pcapng for the crafted files: SHB, IDB, EPB, SPB."""
    off = 0
    end = "<"
    links = []
    pkts = []
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0a0d0d0a:
            bom = data[off + 8:off + 12]
            end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 8:
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, hi, lo, cap, orig = struct.unpack(end + "IIIII", body[:20])
            pkts.append((hi, body[20:20 + cap], None))
        elif btype == 3 and len(body) >= 4 and links:
            pkts.append((0, body[4:], None))
        off += blen
    if not links:
        return None
    return links[0], pkts, None


# --- decoding (only what the seeds need) --------------------------------------

class Seg:
    __slots__ = ("src", "dst", "sport", "dport", "seq", "ack", "flags",
                 "payload", "family", "udp")

    def __init__(self):
        self.udp = False


def decode(link, frame):
    """A Seg for a TCP segment, else None."""
    p = frame
    if link == LINK_EN10MB:
        if len(p) < 14:
            return None
        etype = struct.unpack(">H", p[12:14])[0]
        p = p[14:]
        return decode_ethertype(etype, p)
    if link == LINK_SLL:
        if len(p) < 16:
            return None
        return decode_ethertype(struct.unpack(">H", p[14:16])[0], p[16:])
    if link == LINK_SLL2:
        if len(p) < 20:
            return None
        return decode_ethertype(struct.unpack(">H", p[0:2])[0], p[20:])
    if link in (LINK_RAW, LINK_RAW_ALT, LINK_RAW_BSD, LINK_IPV4, LINK_IPV6):
        return decode_ip(p)
    if link in (LINK_NULL, LINK_LOOP):
        return decode_ip(p[4:])
    return None


def decode_ethertype(etype, p):
    while etype in (0x8100, 0x88a8, 0x9100) and len(p) >= 4:
        etype = struct.unpack(">H", p[2:4])[0]
        p = p[4:]
    if etype in (0x0800, 0x86dd):
        return decode_ip(p)
    return None


def decode_ip(p):
    if not p:
        return None
    ver = p[0] >> 4
    if ver == 4 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        tot = struct.unpack(">H", p[2:4])[0]
        if p[9] not in (6, 17) or ihl < 20:
            return None
        s = (decode_tcp if p[9] == 6 else decode_udp)(p[ihl:min(tot, len(p))])
        if s:
            s.src, s.dst, s.family = p[12:16], p[16:20], 4
        return s
    if ver == 6 and len(p) >= 40:
        plen = struct.unpack(">H", p[4:6])[0]
        nh = p[6]
        q = p[40:40 + plen]
        while nh in (0, 43, 60) and len(q) >= 8:
            nh, ln = q[0], (q[1] + 1) * 8
            q = q[ln:]
        if nh == 44 and len(q) >= 8:
            nh, q = q[0], q[8:]
        if nh not in (6, 17):
            return None
        s = (decode_tcp if nh == 6 else decode_udp)(q)
        if s:
            s.src, s.dst, s.family = p[8:24], p[24:40], 6
        return s
    return None


def decode_tcp(p):
    if len(p) < 20:
        return None
    s = Seg()
    s.sport, s.dport, s.seq, s.ack = struct.unpack(">HHII", p[:12])
    thl = (p[12] >> 4) * 4
    s.flags = p[13]
    if thl < 20 or thl > len(p):
        return None
    s.payload = p[thl:]
    return s


def decode_udp(p):
    """A Seg with udp set (no seq/ack/flags) for a UDP datagram."""
    if len(p) < 8:
        return None
    s = Seg()
    s.sport, s.dport = struct.unpack(">HH", p[:4])
    s.seq = s.ack = s.flags = 0
    s.payload = p[8:]
    s.udp = True
    return s


def connections(link, pkts):
    """{key: [(dir, Seg)]} in capture order; dir 0 is the client (the SYN's
    sender, else the side not on a mail port)."""
    conns = {}
    order = []
    for ts, frame, rec in pkts:
        s = decode(link, frame)
        if s is None or s.udp:
            continue
        a, b = (s.src, s.sport), (s.dst, s.dport)
        key = (min(a, b), max(a, b))
        if key not in conns:
            if s.flags & TH_SYN and not s.flags & TH_ACK:
                cli = a
            elif s.flags & TH_SYN:
                cli = b
            elif s.dport in MAIL_PORTS or s.sport not in MAIL_PORTS:
                cli = a
            else:
                cli = b
            conns[key] = (cli, [])
            order.append(key)
        cli, segs = conns[key]
        segs.append((0 if a == cli else 1, s))
    return [(conns[k][0], conns[k][1]) for k in order]


def server_port(cli, segs):
    d, s = segs[0]
    return s.dport if d == 0 else s.sport


def new_bytes(segs):
    """[(dir, bytes)] of each segment's bytes not seen before in its
    direction (retransmissions dropped, out-of-order kept in capture
    order as the capture shows them)."""
    seen = [set(), set()]
    nxt = [None, None]
    out = []
    for d, s in segs:
        seq = (s.seq + (1 if s.flags & TH_SYN else 0)) & 0xffffffff
        if nxt[d] is None:
            nxt[d] = seq
        if not s.payload:
            continue
        key = (seq, len(s.payload))
        if key in seen[d]:
            continue
        seen[d].add(key)
        out.append((d, s.payload))
    return out


# --- seed builders ----------------------------------------------------------------

def chunks(dialogue, limit):
    """fuzz.h framing: hdr(1) len(1) bytes, chunks of at most 255 bytes."""
    out = bytearray()
    for d, data in dialogue:
        for i in range(0, len(data), 255):
            part = data[i:i + 255]
            if len(out) + 2 + len(part) > limit:
                return bytes(out)
            out += bytes([d, len(part)]) + part
    return bytes(out)


def stream_seed(cli, segs):
    """fuzz_stream.c encoding of a connection."""
    port = server_port(cli, segs)
    sel = STREAM_PORTS.index(port) if port in STREAM_PORTS else 7
    isn = [None, None]
    for d, s in segs:
        if isn[d] is None:
            isn[d] = (s.seq - (0 if s.flags & TH_SYN else 1)) & 0xffffffff
    isn = [x if x is not None else 0 for x in isn]
    out = bytearray([sel]) + struct.pack(">II", isn[0], isn[1])
    cursor = [0, 0]
    for d, s in segs:
        syn = bool(s.flags & TH_SYN)
        base = (isn[d] + cursor[d] + (0 if syn else 1)) & 0xffffffff
        off = (s.seq - base + 0x80000000) % (1 << 32) - 0x80000000
        far = False
        if not -32768 <= off <= 32767:
            if off % 4096 == 0 and -32768 <= off // 4096 <= 32767:
                off //= 4096
                far = True
            else:
                continue
        fl = d
        fl |= 0x02 if syn else 0
        fl |= 0x04 if s.flags & TH_ACK else 0
        fl |= 0x08 if s.flags & TH_FIN else 0
        fl |= 0x10 if s.flags & TH_RST else 0
        fl |= 0x20 if far else 0
        n = len(s.payload)
        seg = bytearray()
        if n > 255:
            fl |= 0x40
            seg += struct.pack(">BhbH", fl, off, 0, n)
        else:
            seg += struct.pack(">BhbB", fl, off, 0, n)
        seg += s.payload
        if len(out) + len(seg) > STREAM_MAX:
            break
        out += seg
        real = off * 4096 if far else off
        if real + n > 0 and not syn:
            cursor[d] += real + n
    return bytes(out)


def is_tls_start(data, d):
    return len(data) >= 3 and data[1] == 3 and (
        data[0] == 22 or (d == 1 and data[0] == 21))


def tls_part(dialogue, implicit):
    """Each direction's bytes from its first TLS record on."""
    if implicit:
        return dialogue
    started = [False, False]
    out = []
    for d, data in dialogue:
        if not started[d]:
            if not (is_tls_start(data, d) or
                    (data[:1] and data[0] & 0x80 and len(data) > 2)):
                continue
            started[d] = True
        out.append((d, data))
    return out


def hellos(dialogue):
    """Handshake bodies of the first handshake message each side sends,
    [(kind, body)]: kind 'ch' / 'sh' / 'v2ch' / 'v2sh'."""
    out = []
    for d in (0, 1):
        data = b"".join(x for dd, x in dialogue if dd == d)
        i = 0
        # skip to the first TLS/SSLv2 record
        while i < len(data) and not is_tls_start(data[i:], d) and \
                not (data[i] & 0x80 and i + 2 < len(data) and
                     data[i + 2] == (1 if d == 0 else 4)):
            nl = data.find(b"\n", i)
            if nl < 0:
                i = len(data)
                break
            i = nl + 1
        if i >= len(data):
            continue
        if data[i] & 0x80:
            n = (data[i] & 0x7f) << 8 | data[i + 1]
            out.append(("v2ch" if d == 0 else "v2sh", data[i + 2:i + 2 + n]))
            continue
        hs = bytearray()
        while i + 5 <= len(data):
            typ, n = data[i], struct.unpack(">H", data[i + 3:i + 5])[0]
            if typ == 22:
                hs += data[i + 5:i + 5 + n]
            i += 5 + n
            if len(hs) >= 4:
                need = 4 + (hs[1] << 16 | hs[2] << 8 | hs[3])
                if len(hs) >= need:
                    break
        if len(hs) >= 4 and hs[0] in (1, 2):
            need = 4 + (hs[1] << 16 | hs[2] << 8 | hs[3])
            out.append(("ch" if hs[0] == 1 else "sh", bytes(hs[4:need])))
    return out


def cut_capture(hdr, pkts):
    """A pcap of the first packets that fit in PCAP_MAX bytes."""
    out = bytearray(hdr)
    for ts, frame, rec in pkts:
        if len(out) + len(rec) > PCAP_MAX:
            break
        out += rec
    return bytes(out)


CONFIG_SEEDS = [
    # small, each one part of conf/tlsfloor.yaml (the whole file is a seed
    # too when conf/ has it)
    b"floor: \"1.2\"\nscope: mail\n",
    b"floor: \"1.3\"\nscope: all_tls\n",
    b"ports:\n  pop3: { starttls: [110], implicit: [995] }\n"
    b"  imap: { starttls: [143, 10143], implicit: [993] }\n"
    b"  smtp: { starttls: [25, 587], implicit: [465] }\n",
    b"capture:\n  interfaces: [eth1, eth2]\n  bpf: \"tcp port 143\"\n"
    b"  snaplen: 65535\n  promiscuous: true\n  buffer_size: 32M\n"
    b"  immediate: true\n  drop_warn_percent: 1\n",
    b"dpi:\n  enabled: true\n  packets: 10\n"
    b"limits:\n  max_flows: 200000\n  idle_timeout: 10m\n  linger: 5s\n"
    b"  memcap: 64M\n  stream_buffer: 64K\n  plaintext_depth: 64K\n",
    b"outputs:\n  json:\n    enabled: true\n    path: \"-\"\n"
    b"    events: [session, alert, alert_summary, stats, inventory]\n"
    b"  text:\n    enabled: true\n    path: /tmp/x.txt\n"
    b"  syslog:\n    enabled: true\n    facility: local3\n"
    b"    ident: tlsfloor\n    ok: false\n"
    b"  remote:\n    - host: 192.0.2.10\n      port: 514\n"
    b"      transport: tcp\n      format: cef\n      queue: 10000\n",
    b"alerts:\n  dedup_window: 1h\n  session_events_ok: false\n"
    b"stats:\n  interval: 5m\ninventory:\n  path: /var/lib/tlsfloor/inv\n"
    b"  interval: 15m\n",
    b"exceptions:\n  - client: 10.1.4.0/24\n    server: 10.0.0.5\n"
    b"    protocol: imap\n    owner: \"Jane Doe <jane@example.com>\"\n"
    b"    expires: 2026-12-31\n    ticket: CHG-1234\n"
    b"    note: \"scanner in room 4\"\n"
    b"  - client: \"2001:db8::/32\"\n    owner: x\n    expires: 2027-01-01\n",
    b"daemon:\n  user: tlsfloor\n  group: tlsfloor\n"
    b"  pidfile: /run/tlsfloor.pid\n  chroot: null\n  allow_root: false\n",
    # hostile: aliases, duplicate keys, wrong types, tags, bad UTF-8
    b"a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n",
    b"floor: \"1.2\"\nfloor: \"1.0\"\n",
    b"ports: {imap: {starttls: \"not a list\"}}\n",
    b"%YAML 1.1\n---\nfloor: !!str 1.2\n...\n",
    b"limits: {memcap: 99999999999999999999G, linger: -1s}\n",
    b"outputs: {syslog: {ident: \"\xc3\x28\xff\"}}\n",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
]


# --- main ---------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(TOP, "fuzz", "corpus"))
    ap.add_argument("--extra", action="append", default=[],
                    help="another directory of captures")
    ap.add_argument("--max-per-capture", type=int, default=8,
                    help="frames per capture for fuzz_packet")
    ap.add_argument("--minimize", action="store_true",
                    help="keep only seeds that add coverage (needs "
                    "fuzz/build/<target>, see fuzz.mk)")
    ap.add_argument("--no-hostile", action="store_true",
                    help="leave out the captures of tests/hostile")
    ap.add_argument("--clean", action="store_true",
                    help="empty each target's output directory first")
    args = ap.parse_args()

    files = []
    for d in [os.path.join(TOP, "pcaps"),
              os.path.join(TOP, "pcaps", "crafted"),
              os.path.join(TOP, "pcaps", "dns")] + args.extra:
        if os.path.isdir(d):
            files += sorted(os.path.join(d, f) for f in os.listdir(d)
                            if f.endswith((".pcap", ".pcapng")))

    seeds = {}
    eth_variants = 0

    def add(target, data):
        if data:
            seeds.setdefault(target, set()).add(bytes(data))

    for path in files:
        cap = read_capture(path)
        if cap is None:
            continue
        link, pkts, hdr = cap
        # fuzz_pcap: the file (cut), or a pcapng as it is when small
        if hdr is not None:
            add("fuzz_pcap", cut_capture(hdr, pkts))
        elif os.path.getsize(path) <= PCAP_MAX * 2:
            with open(path, "rb") as fh:
                add("fuzz_pcap", fh.read())
        # fuzz_dns: every DNS message (sel 0 UDP / 1 TCP, the message)
        for ts, frame, rec in pkts:
            s = decode(link, frame)
            if s is not None and s.payload and 53 in (s.sport, s.dport):
                add("fuzz_dns", bytes([0 if s.udp else 1]) + s.payload)
        # single frames
        picked = 0
        for ts, frame, rec in pkts:
            s = decode(link, frame)
            if s is None or len(frame) > FRAME_MAX:
                continue
            if s.udp and 53 not in (s.sport, s.dport):
                continue
            if not (s.payload or s.flags & (TH_SYN | TH_FIN | TH_RST)):
                continue
            if picked >= args.max_per_capture:
                break
            picked += 1
            if link == LINK_EN10MB:
                add("fuzz_packet", frame)
                if picked <= 3 and eth_variants < 24:
                    # each selector bit: scope, tight, flush, clock
                    eth_variants += 1
                    for bit in (0x10, 0x20, 0x40, 0x80):
                        add("fuzz_packet_link", bytes([bit]) + frame)
            elif link in LINK_INDEX:
                add("fuzz_packet_link", bytes([LINK_INDEX[link]]) + frame)
        # connections
        for cli, segs in connections(link, pkts):
            port = server_port(cli, segs)
            add("fuzz_stream", stream_seed(cli, segs))
            dialogue = new_bytes(segs)
            if not dialogue:
                continue
            proto, implicit = MAIL_PORTS.get(port, ("tls", True))
            if not implicit:
                add("fuzz_mail_" + proto, b"\x00" + chunks(dialogue, MAIL_MAX))
            tls = tls_part(dialogue, implicit)
            if tls:
                sel = 0x42 if proto == "tls" else 0x40
                add("fuzz_tls", bytes([sel]) + chunks(tls, TLS_STREAM_MAX))
            for kind, body in hellos(tls):
                # parser mode (sel < 0x40): the body alone
                add("fuzz_tls", b"\x00" + body)

    # fuzz_pcap: the broken and hostile captures of tests/hostile (made by
    # its generator in a temporary directory), each cut to PCAP_MAX
    # bytes -- a cut file is one more broken capture.
    hostile = os.path.join(TOP, "tests", "hostile", "cases.py")
    if os.path.exists(hostile) and not args.no_hostile:
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run([sys.executable, hostile, "--outdir", tmp],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env=dict(os.environ,
                                        PYTHONDONTWRITEBYTECODE="1"))
            if r.returncode == 0:
                for dirpath, dirs, names in sorted(os.walk(tmp)):
                    for name in sorted(names):
                        with open(os.path.join(dirpath, name), "rb") as fh:
                            data = fh.read(PCAP_MAX)
                        if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                                        b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",
                                        b"\x0a\x0d\x0d\x0a") or len(data) < 24:
                            add("fuzz_pcap", data)

    confdir = os.path.join(TOP, "conf")
    if os.path.isdir(confdir):
        for f in sorted(os.listdir(confdir)):
            if f.endswith((".yaml", ".yml")):
                with open(os.path.join(confdir, f), "rb") as fh:
                    add("fuzz_config", fh.read())
    for c in CONFIG_SEEDS:
        add("fuzz_config", c)

    total = 0
    for target in sorted(seeds):
        d = os.path.join(args.out, target)
        if args.clean and os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d, exist_ok=True)
        binary = os.path.join(TOP, "fuzz", "build", target)
        if args.minimize and os.access(binary, os.X_OK):
            with tempfile.TemporaryDirectory() as tmp:
                write_seeds(tmp, seeds[target])
                merge(binary, d, tmp)
        else:
            if args.minimize:
                print("%s: not built, seeds not minimized" % target,
                      file=sys.stderr)
            write_seeds(d, seeds[target])
        files = [os.path.join(d, f) for f in os.listdir(d)]
        size = sum(os.path.getsize(f) for f in files)
        total += size
        print("%-18s %4d seeds %7d bytes" % (target, len(files), size))
    print("%-18s %4s       %7d bytes" % ("total", "", total))


def write_seeds(d, datas):
    for data in sorted(datas):
        p = os.path.join(d, hashlib.sha1(data).hexdigest())
        if not os.path.exists(p):
            with open(p, "wb") as fh:
                fh.write(data)


def merge(binary, out, src):
    """libFuzzer -merge=1: into out, the inputs of src that add coverage."""
    env = dict(os.environ, FUZZ_QUIET="1")
    r = subprocess.run([binary, "-merge=1", "-timeout=25",
                        "-rss_limit_mb=2560", out, src],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env)
    if r.returncode != 0:
        sys.stdout.write(r.stdout.decode("utf-8", "replace")[-3000:])
        raise SystemExit("%s -merge=1 failed" % binary)


if __name__ == "__main__":
    sys.exit(main())
