#!/usr/bin/env python3
"""
sample.py -- captures for the HTML report's test and screenshot, made from
the sample sessions of pcaps/ (tests/hostile/pcapkit.py reads and writes
them; nothing here is random).

  sample.py trend OUTDIR    day-1.pcap .. day-6.pcap: copies of the legacy
                            sample sessions moved 1..6 days before the
                            captures' own day, from new client addresses,
                            fewer each day (the trend toward zero); and a
                            client fixed by its server: TLS 1.0 negotiated
                            on day -6, the same ClientHello answered with
                            TLS 1.2 on day -1
  sample.py hostile OUT     two TLS 1.0 sessions whose SNI is markup:
                            <script>alert(1)</script> and
                            "><img src=x onerror=alert(2)>
"""
import os
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(top, "tests", "hostile"))
import pcapkit as K  # noqa: E402

LEGACY = ["imaps-tls1_0", "pop3s-tls1_1", "smtps-tls1_0",
          "imap-starttls-tls1_0", "pop3-stls-tls1_0",
          "submission-starttls-tls1_1", "smtp-starttls-tls1_0",
          "imap-starttls-tls1_1", "pop3-stls-tls1_1"]
DAY_US = 86400 * 1000000

HOSTILE_SNI = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>"]


def load(name):
    return K.load(os.path.join(top, "pcaps", name + ".pcap"))


def trend(outdir):
    os.makedirs(outdir, exist_ok=True)
    for k in range(1, 7):
        recs = []
        n = 0
        # Day -k: 2k sessions per legacy capture from 1 + k clients each.
        for j, name in enumerate(LEGACY[:3 + k]):
            pkts = load(name)
            for i in range(k + 1):
                n += 1
                cli = K.ip4("10.20.%d.%d" % (k, 10 * j + i + 1))
                t0 = pkts[0].ts - k * DAY_US + n * 1000000
                recs += K.records(K.readdress(pkts, cli=cli,
                                              cport=40000 + n, t0=t0))
        recs += fixed(k)
        recs.sort(key=lambda r: r[0])
        with open(os.path.join(outdir, "day-%d.pcap" % k), "wb") as f:
            f.write(K.pcap_bytes(recs))


def fixed(k):
    """Day -k's session of the client whose server is fixed on day -1."""
    pkts = load("legacy-negotiated-imap-starttls-tls1_0")
    if k == 1:
        # The ServerHello's version (after the record and handshake
        # headers): TLS 1.0 -> 1.2, same length, so the stream stays whole.
        i = next(i for i, p in enumerate(pkts) if not K.is_client(pkts, p)
                 and p.payload[:1] == b"\x16" and p.payload[5:6] == b"\x02")
        pl = pkts[i].payload
        if pl[9:11] != b"\x03\x01":
            raise ValueError("ServerHello is not TLS 1.0")
        pkts = pkts[:i] + [pkts[i].copy(payload=pl[:9] + b"\x03\x03" +
                                        pl[11:])] + pkts[i + 1:]
    elif k != 6:
        return []
    return K.records(K.readdress(pkts, cli=K.ip4("10.20.9.1"), cport=39999,
                                 t0=pkts[0].ts - k * DAY_US))


def u(v, n):
    return v.to_bytes(n, "big")


def with_sni(rec, name):
    """The one-record ClientHello rec with its SNI set to name."""
    if rec[0] != 22 or rec[5] != 1 or len(rec) != 5 + int.from_bytes(
            rec[3:5], "big"):
        raise ValueError("not one ClientHello record")
    body = rec[9:9 + int.from_bytes(rec[6:9], "big")]
    o = 2 + 32
    o += 1 + body[o]
    o += 2 + int.from_bytes(body[o:o + 2], "big")
    o += 1 + body[o]
    exts = body[o + 2:] if len(body) > o else b""
    kept, i = b"", 0
    while i + 4 <= len(exts):
        t = int.from_bytes(exts[i:i + 2], "big")
        ln = int.from_bytes(exts[i + 2:i + 4], "big")
        if t != 0:
            kept += exts[i:i + 4 + ln]
        i += 4 + ln
    n = name.encode()
    sni = u(0, 2) + u(len(n) + 5, 2) + u(len(n) + 3, 2) + b"\x00" + \
        u(len(n), 2) + n
    exts = sni + kept
    body = body[:o] + u(len(exts), 2) + exts
    hs = b"\x01" + u(len(body), 3) + body
    return rec[:3] + u(len(hs), 2) + hs


def hostile(out):
    pkts = load("imaps-tls1_0")
    recs = []
    for j, name in enumerate(HOSTILE_SNI):
        i = K.find_payload(pkts, b"\x16\x03", True)
        p = K.replace_payload(pkts, i, with_sni(pkts[i].payload, name))
        recs += K.records(K.readdress(p, cli=K.ip4("10.66.0.%d" % (j + 1)),
                                      t0=pkts[0].ts + j * 1000000))
    with open(out, "wb") as f:
        f.write(K.pcap_bytes(recs))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "trend":
        trend(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "hostile":
        hostile(sys.argv[2])
    else:
        sys.exit(__doc__)
