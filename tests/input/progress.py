#!/usr/bin/env python3
"""progress.py -- tlsfloor's progress line while it reads files.

A capture of 3000 packets (SYNs to port 443: more than the 1024 packets
after which tlsfloor first looks at the clock, so the line is drawn at
least once whatever the machine's speed) is read three times:

  stderr on a pseudo-terminal          the line is drawn ("\\r", then
                                       name, %, MB, MB/s, ETA, sessions)
                                       and cleared before the summary
  stderr on a pseudo-terminal, -q      no line, no summary
  stderr on a pipe                     no line; the summary only

usage: progress.py TLSFLOOR
"""
import os
import pty
import struct
import subprocess
import sys
import tempfile


def capture(path, n):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)]
    for i in range(n):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0x4000,
                         64, 6, 0, bytes([10, 99, 2, 1]),
                         bytes([10, 99, 2, 2]))
        tcp = struct.pack("!HHIIBBHHH", 10000 + i % 50000, 443, i, 0,
                          5 << 4, 0x02, 65535, 0, 0)
        fr = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + \
            ip + tcp
        out.append(struct.pack("<IIII", 1800000000 + i // 1000,
                               (i % 1000) * 1000, len(fr), len(fr)) + fr)
    open(path, "wb").write(b"".join(out))


def on_pty(argv):
    """Run argv with stderr on a pty; all it wrote there."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:          # EIO: the child closed its end
            break
        if not chunk:
            break
        data += chunk
    p.wait()
    os.close(master)
    return p.returncode, data.decode("utf-8", "replace")


def main():
    bin_ = sys.argv[1]
    fails = 0
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.pcap")
        capture(path, 3000)

        rc, err = on_pty([bin_, "-r", path])
        line = err.split("\r\x1b[K")
        drawn = [x for x in line if x.startswith(path + ": ")]
        if rc != 0 or not drawn:
            print("FAIL progress on a terminal: exit %d, %r" % (rc, err))
            fails += 1
        else:
            first = drawn[0]
            for part in ("%, ", " MB, ", " MB/s, ETA ", " sessions"):
                if part not in first:
                    print("FAIL progress line %r lacks %r" % (first, part))
                    fails += 1
            # cleared before the summary: the summary starts a fresh line
            if "\r\x1b[Ktlsfloor: 3000 packets" not in err:
                print("FAIL progress line not cleared before the summary: "
                      "%r" % err[-300:])
                fails += 1

        rc, err = on_pty([bin_, "-q", "-r", path])
        if rc != 0 or err != "":
            print("FAIL -q on a terminal: exit %d, %r" % (rc, err))
            fails += 1

        p = subprocess.run([bin_, "-r", path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        err = p.stderr.decode()
        if p.returncode != 0 or "\r" in err or \
                not err.startswith("tlsfloor: 3000 packets"):
            print("FAIL stderr on a pipe: exit %d, %r" % (p.returncode, err))
            fails += 1
    return 1 if fails else 0


sys.exit(main())
