# -*- coding: utf-8 -*-
"""
pcapkit.py -- the few packet and capture-file tools the hostile tests need.

Frames are built by hand with struct, so that every length field can be
made to lie (scapy would "fix" them); the real sessions of pcaps/ are read
with our own reader for the same reason.  Nothing here is random: the
tests are byte-for-byte reproducible.

  Pkt            one Ethernet / IPv4|IPv6 / TCP frame, as fields
  Pkt.frame()    its bytes, with optional lies (see Pkt.frame)
  load(path)     the packets of a classic pcap of pcaps/
  Conv           a synthetic TCP conversation: seq/ack bookkeeping
  pcap_bytes()   a classic pcap file from (ts_us, frame[, orig_len]) records
  pcapng_bytes() the same as pcapng, with extra blocks where asked
"""
import socket
import struct

ETH_HDR = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

C = 0   # client to server
S = 1   # server to client


def csum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Pkt(object):
    """One TCP segment over IPv4 or IPv6 over Ethernet."""
    __slots__ = ("ts", "family", "src", "dst", "sport", "dport", "seq", "ack",
                 "flags", "win", "opts", "payload", "ttl", "ipid")

    def __init__(self, ts, family, src, dst, sport, dport, seq, ack, flags,
                 payload=b"", opts=b"", win=65535, ttl=64, ipid=0):
        self.ts = ts
        self.family = family
        self.src = src          # packed address (4 or 16 bytes)
        self.dst = dst
        self.sport = sport
        self.dport = dport
        self.seq = seq & 0xFFFFFFFF
        self.ack = ack & 0xFFFFFFFF
        self.flags = flags
        self.payload = payload
        self.opts = opts
        self.win = win
        self.ttl = ttl
        self.ipid = ipid

    def copy(self, **kw):
        p = Pkt(self.ts, self.family, self.src, self.dst, self.sport,
                self.dport, self.seq, self.ack, self.flags, self.payload,
                self.opts, self.win, self.ttl, self.ipid)
        for k, v in kw.items():
            setattr(p, k, v)
        return p

    def frame(self, ip_totlen=None, ip_ihl=None, ip_opts=b"",
              ip6_plen=None, ip6_ext=None, tcp_doff=None, trailer=b"",
              checksums=True):
        """
        The frame's bytes.  Lies, each replacing the true value:
          ip_totlen  IPv4 total length      ip_ihl   IPv4 header length (words)
          ip6_plen   IPv6 payload length    ip6_ext  (next_header, raw bytes)
                                                      of extension headers
          tcp_doff   TCP data offset (words)
          trailer    bytes after the datagram (Ethernet padding)
        ip_opts are real IPv4 option bytes (the IHL grows with them).
        """
        if len(self.opts) % 4:
            raise ValueError("TCP options must be a multiple of 4")
        doff = 5 + len(self.opts) // 4
        tcp = struct.pack("!HHIIBBHHH", self.sport, self.dport, self.seq,
                          self.ack,
                          (tcp_doff if tcp_doff is not None else doff) << 4,
                          self.flags, self.win, 0, 0) + self.opts
        seg = tcp + self.payload
        if self.family == 4:
            if checksums:
                ph = self.src + self.dst + struct.pack("!BBH", 0, 6,
                                                       len(seg))
                c = csum(ph + seg)
                seg = seg[:16] + struct.pack("!H", c) + seg[18:]
            ihl = 5 + len(ip_opts) // 4
            tot = 4 * ihl + len(seg)
            ip = struct.pack("!BBHHHBBH4s4s",
                             0x40 | (ip_ihl if ip_ihl is not None else ihl),
                             0,
                             ip_totlen if ip_totlen is not None else tot,
                             self.ipid, 0x4000, self.ttl, 6, 0, self.src,
                             self.dst) + ip_opts
            if checksums:
                ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            return ETH_HDR + b"\x08\x00" + ip + seg + trailer
        nh, ext = 6, b""
        if ip6_ext is not None:
            nh, ext = ip6_ext
        if checksums:
            ph = self.src + self.dst + struct.pack("!I3xB", len(seg), 6)
            c = csum(ph + seg)
            seg = seg[:16] + struct.pack("!H", c) + seg[18:]
        plen = len(ext) + len(seg)
        ip = struct.pack("!IHBB16s16s", 0x60000000,
                         ip6_plen if ip6_plen is not None else plen, nh,
                         self.ttl, self.src, self.dst)
        return ETH_HDR + b"\x86\xdd" + ip + ext + seg + trailer


def parse_frame(ts, frame):
    """Ethernet / IPv4|IPv6 / TCP as captured by the sample scripts."""
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800:
        ihl = (frame[14] & 0x0F) * 4
        tot = struct.unpack("!H", frame[16:18])[0]
        src, dst = frame[26:30], frame[30:34]
        l4 = frame[14 + ihl:14 + tot]
        family = 4
        ttl, ipid = frame[22], struct.unpack("!H", frame[18:20])[0]
    elif et == 0x86DD:
        plen = struct.unpack("!H", frame[18:20])[0]
        if frame[20] != 6:
            raise ValueError("IPv6 extension headers not expected here")
        src, dst = frame[22:38], frame[38:54]
        l4 = frame[54:54 + plen]
        family = 6
        ttl, ipid = frame[21], 0
    else:
        raise ValueError("not IP")
    sport, dport, seq, ack, off, flags, win = struct.unpack("!HHIIBBH",
                                                           l4[:16])
    thl = (off >> 4) * 4
    return Pkt(ts, family, src, dst, sport, dport, seq, ack, flags,
               payload=bytes(l4[thl:]), opts=bytes(l4[20:thl]), win=win,
               ttl=ttl, ipid=ipid)


def read_pcap(path):
    """[(ts_us, frame, orig_len)] of a classic little-endian pcap."""
    with open(path, "rb") as fp:
        data = fp.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic != 0xA1B2C3D4:
        raise ValueError("%s: expected a little-endian microsecond pcap"
                         % path)
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        recs.append((sec * 1000000 + usec, data[off + 16:off + 16 + incl],
                     orig))
        off += 16 + incl
    return recs


def load(path):
    """The packets of one of our sample captures (Ethernet, TCP)."""
    return [parse_frame(ts, fr) for ts, fr, _ in read_pcap(path)]


def ip4(s):
    return socket.inet_pton(socket.AF_INET, s)


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


# --- sessions ----------------------------------------------------------------

def client_of(pkts):
    """(address, port) of the sender of the first SYN."""
    for p in pkts:
        if p.flags & SYN and not p.flags & ACK:
            return p.src, p.sport
    raise ValueError("no SYN")


def readdress(pkts, cli=None, cport=None, srv=None, t0=None):
    """
    The session with a new client address/port (and server address), its
    timestamps moved so that it starts at t0 (relative times kept).
    """
    ca, cp = client_of(pkts)
    out = []
    base = pkts[0].ts
    for p in pkts:
        q = p.copy()
        if t0 is not None:
            q.ts = t0 + (p.ts - base)
        if p.src == ca and p.sport == cp:
            if cli is not None:
                q.src = cli
            if cport is not None:
                q.sport = cport
            if srv is not None:
                q.dst = srv
        else:
            if cli is not None:
                q.dst = cli
            if cport is not None:
                q.dport = cport
            if srv is not None:
                q.src = srv
        out.append(q)
    return out


def is_client(pkts, p):
    ca, cp = client_of(pkts)
    return p.src == ca and p.sport == cp


def replace_payload(pkts, i, new):
    """
    Packet i carries new instead of its payload; the sender's later
    sequence numbers and the peer's later acknowledgements move by the
    difference, so the stream stays consistent.
    """
    p = pkts[i]
    delta = len(new) - len(p.payload)
    fromcli = is_client(pkts, p)
    out = pkts[:i] + [p.copy(payload=new)]
    for q in pkts[i + 1:]:
        q = q.copy()
        if is_client(pkts, q) == fromcli:
            q.seq = (q.seq + delta) & 0xFFFFFFFF
        elif q.flags & ACK:
            q.ack = (q.ack + delta) & 0xFFFFFFFF
        out.append(q)
    return out


def split_payload(pkts, i, size=1, step_us=1):
    """Packet i's payload as segments of size bytes, dt step_us apart."""
    p = pkts[i]
    segs = []
    for k in range(0, len(p.payload), size):
        last = k + size >= len(p.payload)
        segs.append(p.copy(seq=(p.seq + k) & 0xFFFFFFFF,
                           payload=p.payload[k:k + size],
                           flags=p.flags if last else p.flags & ~(PSH | FIN),
                           ts=p.ts + (k // size) * step_us))
    tail = segs[-1].ts - p.ts
    rest = [q.copy(ts=q.ts + tail) for q in pkts[i + 1:]]
    return pkts[:i] + segs + rest


def find_payload(pkts, prefix, fromcli=None):
    """Index of the first packet whose payload starts with prefix."""
    for i, p in enumerate(pkts):
        if p.payload.startswith(prefix) and (
                fromcli is None or is_client(pkts, p) == fromcli):
            return i
    raise ValueError("no payload starting %r" % prefix)


class Conv(object):
    """
    A synthetic TCP conversation between a client and a server: keeps both
    sides' sequence numbers and emits well-formed segments.  Times advance
    by step_us per packet.
    """

    def __init__(self, cli, srv, cport, sport, t0, family=4, step_us=100,
                 isn=(1000, 500000)):
        self.addr = [cli, srv]
        self.port = [cport, sport]
        self.family = family
        self.t = t0
        self.step = step_us
        self.nxt = [isn[0], isn[1]]
        self.pkts = []

    def _pkt(self, d, flags, seq, payload=b"", ack=True):
        p = Pkt(self.t, self.family, self.addr[d], self.addr[1 - d],
                self.port[d], self.port[1 - d], seq,
                self.nxt[1 - d] if ack else 0,
                flags | (ACK if ack else 0), payload)
        self.t += self.step
        self.pkts.append(p)
        return p

    def handshake(self):
        self._pkt(C, SYN, self.nxt[C], ack=False)
        self.nxt[C] += 1
        self._pkt(S, SYN, self.nxt[S])
        self.nxt[S] += 1
        self._pkt(C, 0, self.nxt[C])
        return self

    def send(self, d, data, seg=1460, ack=True):
        """data from side d in segments of at most seg bytes, each ACKed."""
        for k in range(0, len(data), seg):
            chunk = data[k:k + seg]
            self._pkt(d, PSH, self.nxt[d], chunk)
            self.nxt[d] += len(chunk)
            if ack:
                self._pkt(1 - d, 0, self.nxt[1 - d])
        return self

    def raw(self, d, rel, data, flags=PSH):
        """A segment of side d at nxt[d] + rel, nxt unchanged (reordering)."""
        return self._pkt(d, flags, (self.nxt[d] + rel) & 0xFFFFFFFF, data)

    def advance(self, d, n):
        self.nxt[d] += n

    def ack(self, d):
        return self._pkt(d, 0, self.nxt[d])

    def fin(self, d):
        self._pkt(d, FIN, self.nxt[d])
        self.nxt[d] += 1
        return self

    def close(self):
        """FIN from the client, FIN from the server, last ACK."""
        self.fin(C)
        self.fin(S)
        self.ack(C)
        return self

    def rst(self, d):
        self._pkt(d, RST, self.nxt[d])
        return self


# --- capture files -----------------------------------------------------------

def records(pkts, **lies):
    """(ts_us, frame, orig_len) records of packets."""
    out = []
    for p in pkts:
        fr = p.frame(**lies)
        out.append((p.ts, fr, len(fr)))
    return out


def pcap_header(snaplen=262144, linktype=1, magic=0xA1B2C3D4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(ts_us, data, orig_len=None, caplen=None):
    return struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000,
                       len(data) if caplen is None else caplen,
                       len(data) if orig_len is None else orig_len) + data


def pcap_bytes(recs, snaplen=262144, linktype=1):
    """A classic pcap; records are (ts_us, frame[, orig_len])."""
    out = [pcap_header(snaplen, linktype)]
    for r in recs:
        out.append(pcap_record(r[0], r[1], r[2] if len(r) > 2 else None))
    return b"".join(out)


def png_block(btype, body):
    body += b"\x00" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def png_shb():
    return png_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def png_idb(linktype=1, snaplen=262144):
    return png_block(1, struct.pack("<HHI", linktype, 0, snaplen))


def png_epb(ts_us, data, orig_len=None, iface=0):
    return png_block(6, struct.pack("<IIIII", iface, ts_us >> 32,
                                    ts_us & 0xFFFFFFFF, len(data),
                                    len(data) if orig_len is None
                                    else orig_len) + data)


def pcapng_bytes(recs, extra=None, linktype=1):
    """
    A pcapng with one interface; extra maps a record index to the raw
    blocks written just before that record (len(recs): after the last).
    """
    extra = extra or {}
    out = [png_shb(), png_idb(linktype)]
    for i, r in enumerate(recs):
        out.extend(extra.get(i, []))
        out.append(png_epb(r[0], r[1], r[2] if len(r) > 2 else None))
    out.extend(extra.get(len(recs), []))
    return b"".join(out)
