#!/usr/bin/env python3
"""Check tlsfloor's verdicts against the expected-verdict tables that the
READMEs of pcaps/ keep beside the captures (an oracle independent of the
golden .out files, which are tlsfloor's own output).

Usage: check_tables.py TLSFLOOR README [README...]

A table line is
  file | client | server | proto | mode | client_max | negotiated | outcome | reason
with "-" for an empty value; the captures live next to their README.
"""
import json
import os
import subprocess
import sys

COLS = ["proto", "mode", "client_max", "negotiated", "outcome", "reason"]


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
            "outcome": t["outcome"], "reason": t["reason"]}
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
                if len(f) < 9 or f[0] == "file" or not os.path.exists(
                        os.path.join(base, f[0])):
                    continue
                rows += 1
                if f[0] not in cache:
                    cache[f[0]] = events(tlsfloor, os.path.join(base, f[0]))
                got = cache[f[0]].get((f[1], f[2]))
                if got is None:
                    fails.append("%s %s -> %s: no event" % (f[0], f[1], f[2]))
                    continue
                for col, want in zip(COLS, f[3:9]):
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
