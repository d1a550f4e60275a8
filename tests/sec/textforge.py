#!/usr/bin/env python3
"""
textforge.py -- a client forges fields of its own --format text line
(issue 14, item 4).

  textforge.py TLSFLOOR DIR

One legacy session whose ClientHello names the server
"mail.example.test alert=server:fatal:protocol_version exception=live
midstream" (with a '"' and a tab for good measure).  The text line must
keep that in one token: after the reason, every token is key=value with a
known key or "midstream", none of them alert/exception/midstream (the
session had none), and the sni value, unescaped, is the name sent.
Exit 0 when that holds, 1 otherwise.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "hostile"))
import cases  # noqa: E402
import pcapkit as K  # noqa: E402

NAME = (b'mail.example.test alert=server:fatal:protocol_version '
        b'exception=live "x"\tmidstream')


def unescape(s):
    return re.sub(rb"\\x([0-9a-f]{2})",
                  lambda m: bytes([int(m.group(1), 16)]), s.encode())


def main():
    prog, d = sys.argv[1:3]
    pkts = cases.with_ch(cases.hostile(cases.T0),
                         cases.client_hello(exts=cases.sni_ext(NAME) +
                                            cases.CH_EXTS))
    path = os.path.join(d, "forge.pcap")
    with open(path, "wb") as f:
        f.write(K.pcap_bytes(cases.frames(pkts)))
    r = subprocess.run([prog, "-q", "--format", "text", "-r", path],
                       capture_output=True, timeout=60)
    lines = r.stdout.decode().splitlines()
    if r.returncode != 0 or len(lines) != 1:
        print("exit %d, %d lines: %r" % (r.returncode, len(lines),
                                          r.stdout[:400]))
        return 1
    toks = lines[0].split()
    # time proto mode client -> server offered negotiated outcome reason
    extra = toks[10:]
    problems = []
    for t in extra:
        k = t.split("=", 1)[0]
        if "=" not in t or k not in ("sni", "dns", "endpoint"):
            problems.append("forged token %r" % t)
    sni = [t for t in extra if t.startswith("sni=")]
    if len(sni) != 1:
        problems.append("%d sni tokens" % len(sni))
    elif unescape(sni[0][4:]) != NAME:
        problems.append("sni %r does not unescape to the name sent"
                        % sni[0])
    if problems:
        print("; ".join(problems) + " -- line: " + lines[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
