#!/usr/bin/env python3
"""Independent checks of the golden cases that depend on an option
(--floor, --port, --format text): the .out files are tlsfloor's own
output, so each is held against facts it did not produce.

Usage: check_options.py TLSFLOOR

  --floor V   every event's reason is re-derived from the documented rules
              (tlsfloor(8), Verdicts) from its versions and outcome at
              floor V, and its versions equal those of a run at the
              default floor (a floor changes judgement, never facts);
  --port P:N[:implicit]
              every session to port N is reported as protocol P (and mode
              implicit when asked), and there is at least one;
  --format text
              every text line says what the JSON of the same captures
              says: time, protocol, mode, client, server, versions,
              outcome, reason, server name (the JSON being checked
              against the READMEs' tables by check_tables.py).
Exit status 0 when every case holds, 1 otherwise.
"""
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ORDER = {"SSLv2": 0x0200, "SSLv3": 0x0300, "TLSv1.0": 0x0301,
         "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
REFUSED = {"refused", "server_close"}


def run(tlsfloor, files, opts):
    args = [tlsfloor, "-q"]
    for f in files:
        args += ["-r", os.path.join(TOP, f)]
    p = subprocess.run(args + opts, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=False,
                       env=dict(os.environ, TZ="UTC"))
    return p.stdout.decode()


def key(e):
    return (e["source"]["ip"], e["source"]["port"],
            e["destination"]["ip"], e["destination"]["port"])


def reason_at(floor, t):
    """The reason tlsfloor(8) gives a session, from its facts."""
    cmax = ORDER.get(t.get("client_max_version"))
    neg = ORDER.get(t.get("negotiated_version"))
    if t["outcome"] in ("plaintext", "starttls_refused"):
        return "plaintext"
    if cmax is None and neg is None:
        return "unknown"
    if cmax is not None and cmax < floor:
        return "legacy_refused" if t["outcome"] in REFUSED \
            else "legacy_client"
    if neg is not None and neg < floor:
        return "legacy_negotiated"
    return "ok"


def golden(name):
    """The events of a .out file (run.sh appends stderr: and exit lines)."""
    return [l.rstrip("\n") for l in
            open(os.path.join(TOP, "tests/golden", name + ".out"))
            if not l.startswith(("stderr: ", "exit "))]


def check_floor(tlsfloor, name, files, opts, fails):
    floor = ORDER["TLSv" + opts[opts.index("--floor") + 1]]
    got = [json.loads(l) for l in golden(name)]
    base = {key(e): e for e in map(json.loads, run(tlsfloor, files,
                                                   []).splitlines())}
    if not got:
        fails.append("%s: no events" % name)
    for e in got:
        t = e["tlsfloor"]
        want = reason_at(floor, t)
        if t["reason"] != want:
            fails.append("%s %s: reason %s, the rules say %s"
                         % (name, key(e), t["reason"], want))
        b = base.get(key(e), {}).get("tlsfloor", {})
        for f in ("client_max_version", "negotiated_version", "outcome"):
            if b.get(f) != t.get(f):
                fails.append("%s %s: %s %r at the floor, %r at the default"
                             % (name, key(e), f, t.get(f), b.get(f)))


def check_port(name, opts, fails):
    spec = opts[opts.index("--port") + 1].split(":")
    proto, port = spec[0], int(spec[1])
    implicit = len(spec) > 2 and spec[2] == "implicit"
    got = [json.loads(l) for l in golden(name)]
    on = [e for e in got if e["destination"]["port"] == port]
    if not on:
        fails.append("%s: no session to port %d" % (name, port))
    for e in on:
        if e["network"]["protocol"] != proto:
            fails.append("%s: port %d reported as %s, not %s"
                         % (name, port, e["network"]["protocol"], proto))
        if implicit and e["tlsfloor"]["mode"] != "implicit":
            fails.append("%s: port %d mode %s, not implicit"
                         % (name, port, e["tlsfloor"]["mode"]))


def endpoint(ip, port):
    return ("[%s]:%d" % (ip, port)) if ":" in ip else ("%s:%d" % (ip, port))


def unescape(s):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)),
                  s)


def check_text(tlsfloor, name, files, opts, fails):
    lines = golden(name)
    rest = [o for o in opts if o not in ("--format", "text")]
    evs = [json.loads(l) for l in run(tlsfloor, files, rest).splitlines()]
    sess = [l for l in lines if " summary " not in l]
    if len(sess) != len(evs):
        fails.append("%s: %d session lines, %d JSON events"
                     % (name, len(sess), len(evs)))
        return
    for line, e in zip(sess, evs):
        tok = line.split()
        t = e["tlsfloor"]
        want = [e["@timestamp"][:19] + "Z", e["network"]["protocol"],
                t["mode"], endpoint(e["source"]["ip"], e["source"]["port"]),
                "->", endpoint(e["destination"]["ip"],
                               e["destination"]["port"]),
                t.get("client_max_version") or "-",
                t.get("negotiated_version") or "-", t["outcome"],
                t["reason"]]
        if tok[:10] != want:
            fails.append("%s: text %r, JSON says %r" % (name, tok[:10],
                                                         want))
        names = [x for x in tok[10:] if x.startswith(("sni=", "dns="))]
        sni = e.get("tls", {}).get("client", {}).get("server_name")
        if sni is not None and (not names or
                                unescape(names[0][4:]) != sni):
            fails.append("%s: text names %r, JSON server_name %r"
                         % (name, names, sni))


def main():
    tlsfloor = os.path.abspath(sys.argv[1])
    fails, cases = [], 0
    for line in open(os.path.join(TOP, "tests/golden/TESTLIST")):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        name, files, opts = parts[0], parts[1].split(","), parts[2:]
        if "--floor" in opts:
            check_floor(tlsfloor, name, files, opts, fails)
        elif "--port" in opts:
            check_port(name, opts, fails)
        elif "--format" in opts:
            check_text(tlsfloor, name, files, opts, fails)
        else:
            continue
        cases += 1
    for f in fails:
        print("FAIL " + f)
    print("golden options: %d cases checked independently, %d failures"
          % (cases, len(fails)))
    return 1 if fails or cases == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
