#!/usr/bin/env python3
"""Check tlsfloor's verdicts against the expected-verdict tables that the
READMEs of pcaps/ keep beside the captures (an oracle independent of the
golden .out files, which are tlsfloor's own output).

Usage: check_tables.py TLSFLOOR README [README...]

A table line is either
  file | client | server | proto | mode | client_max | negotiated | outcome | reason [| name | source]
(pcaps/crafted/README), or, for a capture holding a single session,
  file  client_max  negotiated  outcome  reason
(pcaps/README), with "-" for an empty value; the captures live next to
their README.
"""
import json
import os
import subprocess
import sys

COLS = ["proto", "mode", "client_max", "negotiated", "outcome", "reason",
        "name", "source"]
OUTCOMES = {"established", "refused", "server_close", "client_abort", "gap",
            "incomplete", "plaintext", "starttls_refused"}
REASONS = {"legacy_refused", "legacy_client", "legacy_negotiated",
           "plaintext", "unknown", "ok"}


def endpoint(ip, port):
    return ("[%s]:%d" % (ip, port)) if ":" in ip else ("%s:%d" % (ip, port))


def events(tlsfloor, path):
    p = subprocess.run([tlsfloor, "-q", "-r", path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=False)
    out = {}
    for line in p.stdout.decode().splitlines():
        e = json.loads(line)
        t = e["tlsfloor"]
        out[(endpoint(e["source"]["ip"], e["source"]["port"]),
             endpoint(e["destination"]["ip"], e["destination"]["port"]))] = {
            "proto": e["network"]["protocol"], "mode": t["mode"],
            "client_max": t["client_max_version"] or "-",
            "negotiated": t["negotiated_version"] or "-",
            "outcome": t["outcome"], "reason": t["reason"],
            "name": e["destination"].get("domain") or "-",
            "source": t.get("server_name_source") or "-"}
    return out


def main():
    tlsfloor, readmes = sys.argv[1], sys.argv[2:]
    fails, rows = [], 0
    for readme in readmes:
        base = os.path.dirname(readme)
        cache = {}
        with open(readme) as fp:
            for line in fp:
                f = [x.strip() for x in line.split("|")]
                w = line.split()
                if len(f) >= 9 and os.path.exists(os.path.join(base, f[0])):
                    name, key = f[0], (f[1], f[2])
                    want_v = f[3:11] if len(f) >= 11 else f[3:9]
                    cols = COLS[:len(want_v)]
                elif (len(w) == 5 and w[0].endswith((".pcap", ".pcapng"))
                      and "/" not in w[0] and w[3] in OUTCOMES
                      and w[4] in REASONS
                      and os.path.exists(os.path.join(base, w[0]))):
                    name, key, cols, want_v = w[0], None, COLS[2:6], w[1:5]
                else:
                    continue
                rows += 1
                if name not in cache:
                    cache[name] = events(tlsfloor, os.path.join(base, name))
                if key is None:
                    evs = list(cache[name].values())
                    if len(evs) != 1:
                        fails.append("%s: %d events, table expects one"
                                     % (name, len(evs)))
                        continue
                    got, key = evs[0], ("-", "-")
                else:
                    got = cache[name].get(key)
                f = [name, key[0], key[1]]
                if got is None:
                    fails.append("%s %s -> %s: no event" % (f[0], f[1], f[2]))
                    continue
                for col, want in zip(cols, want_v):
                    if got[col] != want:
                        fails.append("%s %s -> %s: %s is %s, table says %s"
                                     % (f[0], f[1], f[2], col, got[col], want))
    for x in fails:
        print("FAIL " + x)
    print("tables: %d expected sessions checked, %d failures" % (rows,
                                                                len(fails)))
    return 1 if fails or rows == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
