#!/usr/bin/env python3
"""JA3/JA3S against Wireshark's, and JA4 against the JA4 specification.

Usage: check.py TLSFLOOR

1. ja3-tshark.tsv (made by make-reference.sh with tshark) holds Wireshark's
   JA3 and JA3S for every hello in our captures and the public corpus; for
   each session tlsfloor reports with --all-tls, its tls.client.ja3 /
   tls.server.ja3s and the strings under tlsfloor.*_hello must equal the
   first hello tshark saw on that connection, keyed by the innermost IP
   header (a tunnelled session is reported by its inner addresses).
   Every reference hello of a capture that is there must have its event:
   one without is a failure, not a skip.  Hellos tshark did not dissect
   (SSLv2 format) are not in the file; a session with no reference hello
   (SSLv2, malformed or partial hellos) must carry no fingerprint.
2. JA4: see tests/unit/check_fingerprint.c, which rebuilds the worked
   example of FoxIO's technical_details/JA4.md byte by byte.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Where we knowingly differ from Wireshark, asserted value by value:
# (file, client, side) -> (our JA3 string or None, why).
MALFORMED = ("the hello's lengths lie (tls.bad_hello): we give no "
             "fingerprint rather than one of whatever parsed")
DEVIATIONS = {
    # compression_methods<1..2^8-1> is empty, then one stray byte where
    # the extensions length should be
    ("corpus/ndpi__tls_invalid_reads.pcap", "192.168.10.101:3967", "client"):
        (None, MALFORMED),
    ("corpus/ndpi__tls_cipher_lens.pcap", "192.168.11.11:51591", "client"):
        (None, MALFORMED),
    ("pcaps/crafted/23-hostile-ch-ext-len-overrun.pcap",
     "192.168.23.10:42301", "client"): (None, MALFORMED),
}
TOP = os.path.dirname(os.path.dirname(HERE))


def endpoint(ip, port):
    return ("[%s]:%d" % (ip, port)) if ":" in ip else ("%s:%d" % (ip, port))


def main():
    tlsfloor = sys.argv[1]
    corpus = os.environ.get("TLSFLOOR_CORPUS",
                            os.path.join(TOP, "..", "shared", "pcaps-public"))
    ref = {}
    for line in open(os.path.join(HERE, "ja3-tshark.tsv")):
        if line.startswith("#"):
            continue
        f, cli, srv, side, h, full = line.rstrip("\n").split("\t")
        ref.setdefault((f, cli, srv, side), (h, full))
    files = sorted({k[0] for k in ref})
    fails, checked, skipped = [], 0, 0
    seen = set()
    for f in files:
        path = os.path.join(corpus, f[len("corpus/"):]) \
            if f.startswith("corpus/") else os.path.join(TOP, f)
        if not os.path.exists(path):
            skipped += 1
            continue
        p = subprocess.run([tlsfloor, "-q", "--all-tls", "-r", path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           check=False)
        for line in p.stdout.decode().splitlines():
            e = json.loads(line)
            cli = endpoint(e["source"]["ip"], e["source"]["port"])
            srv = endpoint(e["destination"]["ip"], e["destination"]["port"])
            tls = e.get("tls", {})
            tf = e["tlsfloor"]
            for side, h, full in (
                    ("client", tls.get("client", {}).get("ja3"),
                     tf.get("client_hello", {}).get("ja3_string")),
                    ("server", tls.get("server", {}).get("ja3s"),
                     tf.get("server_hello", {}).get("ja3s_string"))):
                want = ref.get((f, cli, srv, side))
                if want is None:
                    # No hello tshark could dissect: tlsfloor must not
                    # have made up a fingerprint either.
                    if (h is not None or full is not None) and \
                            (f, cli, side) not in DEVIATIONS:
                        fails.append("%s %s -> %s %s: %s %r, but tshark "
                                     "saw no such hello" % (f, cli, srv,
                                                            side, h, full))
                    continue
                seen.add((f, cli, srv, side))
                checked += 1
                dev = DEVIATIONS.get((f, cli, side))
                if dev is not None:
                    if full != dev[0]:
                        fails.append("%s %s %s: expected %r (%s), got %r"
                                     % (f, cli, side, dev[0], dev[1], full))
                    continue
                if (h, full) != want:
                    fails.append("%s %s -> %s %s: ours %s %r, tshark %s %r"
                                 % (f, cli, srv, side, h, full, want[0],
                                    want[1]))
    # Every reference hello of a file we read must have had its event
    # (a hello keyed by an address tlsfloor does not report, such as a
    # tunnel's outer one, is a failure, not a silent skip).
    for k in sorted(ref):
        path = os.path.join(corpus, k[0][len("corpus/"):]) \
            if k[0].startswith("corpus/") else os.path.join(TOP, k[0])
        if os.path.exists(path) and k not in seen:
            fails.append("%s %s -> %s %s: tshark's hello has no event"
                         % k)
    for x in fails:
        print("FAIL " + x)
    print("fingerprints: %d JA3/JA3S values compared with tshark's, %d "
          "failures%s" % (checked, len(fails),
                          ", %d files absent" % skipped if skipped else ""))
    if skipped and os.environ.get("CI"):
        print("fingerprints: %d reference files absent, and under CI "
              "that is a failure" % skipped)
        return 1
    return 1 if fails or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
