#!/usr/bin/env python3
"""Check tlsfloor against the public capture corpus and its manifest.

Usage: check_manifest.py TLSFLOOR CORPUS_DIR

CORPUS_DIR/MANIFEST.tsv has one row per TCP stream that carries mail or TLS,
with the versions and flag established with tshark (see its README).  For
every file we run tlsfloor twice:

  default scope   every mail row (proto pop3/imap/smtp) must be reported with
                  the manifest's client_max_version, negotiated_version and
                  flag; no event may exist for a non-mail row.
  --all-tls       every row must match (this exercises the TLS parser on the
                  non-mail captures too).

A handful of rows cannot match for a stated reason (DEVIATIONS below); they
are checked for that exact deviation, so a change in behaviour still shows.
Exit status 0 when every row checks out.
"""
import csv
import json
import os
import subprocess
import sys

LEGACY = {"legacy_client", "legacy_negotiated", "legacy_refused"}

# (file, stream) -> (scope, what we report instead, why).  Each is asserted.
DEVIATIONS = {
    ("ndpi__tls_missing_ch_frag.pcap", "0"): (
        "all", {"client_max_version": None, "negotiated_version": "TLSv1.3"},
        "the ClientHello's second segment was never captured; its "
        "legacy_version 0x0303 does not say whether 1.3 was offered, so we "
        "report the client's maximum as unknown instead of guessing TLSv1.2"),
}


def vname(hexv):
    """Manifest hex version -> tlsfloor's name."""
    if not hexv:
        return None
    v = int(hexv, 16)
    if v >> 8 in (0x7F, 0xFB):
        v = 0x0304
    return {0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv1.0",
            0x0302: "TLSv1.1", 0x0303: "TLSv1.2",
            0x0304: "TLSv1.3"}.get(v, "0x%04x" % v)


def endpoint(ip, port):
    return ("[%s]:%d" % (ip, port)) if ":" in ip else ("%s:%d" % (ip, port))


def run(tlsfloor, path, extra):
    p = subprocess.run([tlsfloor, "-q", "-r", path] + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (path, p.returncode,
                                                p.stderr.decode(errors="replace")))
    events = {}
    for line in p.stdout.decode().splitlines():
        e = json.loads(line)
        key = (endpoint(e["source"]["ip"], e["source"]["port"]),
               endpoint(e["destination"]["ip"], e["destination"]["port"]))
        events[key] = e
    return events


def flag_of(reason):
    if reason in LEGACY:
        return "legacy"
    if reason == "ok":
        return "ok"
    return "n/a"


def check_row(row, ev, label):
    """Problems with one event against one manifest row ([] when fine)."""
    if ev is None:
        return ["%s: no event" % label]
    tf = ev["tlsfloor"]
    want_client = vname(row["ch_max_supported_version"] or
                        row["ch_legacy_version"])
    want_neg = vname(row["sh_version"])
    got = {"client_max_version": tf["client_max_version"],
           "negotiated_version": tf["negotiated_version"],
           "flag": flag_of(tf["reason"])}
    want = {"client_max_version": want_client,
            "negotiated_version": want_neg,
            "flag": row["expected_flag"]}
    return ["%s: %s is %r, manifest says %r" % (label, k, got[k], want[k])
            for k in want if got[k] != want[k]]


def main():
    tlsfloor, corpus = sys.argv[1], sys.argv[2]
    with open(os.path.join(corpus, "MANIFEST.tsv"), newline="") as fp:
        rows = list(csv.DictReader(fp, delimiter="\t"))
    cache = {}
    failures, checked, deviated = [], 0, 0
    for row in rows:
        path = os.path.join(corpus, row["file"])
        if row["file"] not in cache:
            cache[row["file"]] = (run(tlsfloor, path, []),
                                  run(tlsfloor, path, ["--all-tls"]))
        default, alltls = cache[row["file"]]
        key = (row["client"], row["server"])
        label = "%s stream %s" % (row["file"], row["stream"])
        mail = row["proto"] in ("pop3", "imap", "smtp")
        checked += 1

        if mail:
            failures += check_row(row, default.get(key), label)
            ev = default.get(key)
            if ev and ev["network"]["protocol"] != row["proto"]:
                failures.append("%s: protocol %s, manifest says %s" % (
                    label, ev["network"]["protocol"], row["proto"]))
        elif key in default:
            failures.append("%s: non-mail stream reported by default (%s)"
                            % (label, default[key]["tlsfloor"]["reason"]))

        dev = DEVIATIONS.get((row["file"], row["stream"]))
        if dev:
            deviated += 1
            ev = alltls.get(key)
            if ev is None:
                failures.append("%s: no event with --all-tls" % label)
                continue
            for k, v in dev[1].items():
                if ev["tlsfloor"][k] != v:
                    failures.append("%s: expected deviation %s=%r (%s), "
                                    "got %r" % (label, k, v, dev[2],
                                                ev["tlsfloor"][k]))
            continue
        failures += check_row(row, alltls.get(key), label + " (--all-tls)")

    for f in failures:
        print("FAIL " + f)
    print("corpus: %d manifest rows in %d files checked, %d known "
          "deviations asserted, %d failures" % (checked, len(cache),
                                                deviated, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
