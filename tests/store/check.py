#!/usr/bin/env python3
"""Checks of tests/store/run.sh on tlsfloor's events and reports.

  check.py legacy EVENTS REPORT.json
      every (client, server, port, protocol, ja4) that had a legacy session
      in the session events has a legacy verdict in the report, and its
      client a legacy verdict in the per-host roll-up; a record with a
      legacy verdict had a legacy session; the sessions add up.
"""
import json
import sys

LEGACY = {"legacy_refused", "exception_expired", "legacy_client",
          "legacy_negotiated"}


def fail(msg):
    print("FAIL store: " + msg)
    sys.exit(1)


def legacy(events_path, report_path):
    pairs, sessions = {}, {}
    with open(events_path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if (e.get("event") or {}).get("dataset") != "tlsfloor.session":
                continue
            ja4 = ((e.get("tls") or {}).get("client") or {}).get("ja4") or ""
            key = (e["source"]["ip"], e["destination"]["ip"],
                   e["destination"]["port"], e["network"]["protocol"], ja4)
            sessions[key] = sessions.get(key, 0) + 1
            if e["tlsfloor"]["reason"] in LEGACY:
                pairs[key] = True
            else:
                pairs.setdefault(key, False)
    with open(report_path, encoding="utf-8") as f:
        rep = json.load(f)
    recs = {(r["client"], r["server"], r["server_port"], r["protocol"],
             r["ja4"] or ""): r for r in rep["records"]}
    hosts = {h["client"]: h for h in rep["hosts"]}
    nlegacy = 0
    for key, leg in pairs.items():
        r = recs.get(key)
        if r is None:
            fail("no record for %s" % (key,))
        if r["sessions"] != sessions[key]:
            fail("%s: %d sessions in the report, %d events" %
                 (key, r["sessions"], sessions[key]))
        if leg:
            nlegacy += 1
            if r["verdict"] not in LEGACY or r["status"] != "legacy" and \
                    r["status"] != "fixed":
                fail("%s had a legacy session but reads %s/%s" %
                     (key, r["verdict"], r["status"]))
            if hosts[key[0]]["verdict"] not in LEGACY:
                fail("host %s had a legacy session but reads %s" %
                     (key[0], hosts[key[0]]["verdict"]))
        elif r["verdict"] in LEGACY:
            fail("%s reads %s without a legacy session" % (key, r["verdict"]))
    if len(recs) != len(pairs):
        fail("%d records, %d distinct keys in the events" %
             (len(recs), len(pairs)))
    if nlegacy == 0:
        fail("no legacy session in the input: the check proves nothing")
    print("ok store: %d records, %d with a legacy session, all legacy in "
          "the report and the host roll-up" % (len(recs), nlegacy))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "legacy":
        legacy(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
