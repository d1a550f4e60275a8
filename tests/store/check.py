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
CLEAR = "cleartext_credentials"


def fail(msg):
    print("FAIL store: " + msg)
    sys.exit(1)


def session_events(path):
    """(key, event) of every session event, key as the store's."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if (e.get("event") or {}).get("dataset") != "tlsfloor.session":
                continue
            ja4 = ((e.get("tls") or {}).get("client") or {}).get("ja4") or ""
            key = (e["source"]["ip"], e["destination"]["ip"],
                   e["destination"]["port"], e["network"]["protocol"], ja4)
            yield key, e


def cleartext(events_path, report_path):
    n, mechs, sw = {}, {}, {}
    for key, e in session_events(events_path):
        t = e["tlsfloor"]
        n.setdefault(key, 0)
        mechs.setdefault(key, set())
        sw.setdefault(key, set())
        if t.get(CLEAR):
            n[key] += 1
            mechs[key].add(t["cleartext_mechanism"])
        elif "cleartext_mechanism" in t:
            fail("%s: a mechanism without credentials" % (key,))
        if t.get("client_software") is not None:
            sw[key].add((t["client_software"], t["client_software_source"]))
    with open(report_path, encoding="utf-8") as f:
        rep = json.load(f)
    recs = {(r["client"], r["server"], r["server_port"], r["protocol"],
             r["ja4"] or ""): r for r in rep["records"]}
    hosts = {h["client"]: h for h in rep["hosts"]}
    nclear = nsw = 0
    for key, cnt in n.items():
        r = recs.get(key)
        if r is None:
            fail("no record for %s" % (key,))
        if r[CLEAR] != cnt:
            fail("%s: %d sessions with credentials in the clear, the record "
                 "says %r" % (key, cnt, r[CLEAR]))
        got = set(r["cleartext_mechanisms"].split(";")) \
            if r["cleartext_mechanisms"] else set()
        if got != mechs[key]:
            fail("%s: mechanisms %s in the events, %s in the record" %
                 (key, sorted(mechs[key]), sorted(got)))
        if (r["verdict"] == CLEAR) != (cnt > 0):
            fail("%s: %d clear-text sessions, verdict %s" %
                 (key, cnt, r["verdict"]))
        if cnt > 0:
            nclear += 1
            if r["last_cleartext_seen"] is None:
                fail("%s: no last_cleartext_seen" % (key,))
            if hosts[key[0]]["verdict"] != CLEAR:
                fail("host %s sent credentials in the clear but reads %s" %
                     (key[0], hosts[key[0]]["verdict"]))
        if len(sw[key]) > 1:
            continue    # several names for one key: the latest is kept
        want = next(iter(sw[key])) if sw[key] else (None, None)
        if (r["client_software"], r["client_software_source"]) != want:
            fail("%s: client_software %r in the events, %r in the record" %
                 (key, want, (r["client_software"],
                              r["client_software_source"])))
        nsw += want[0] is not None
    for c, h in hosts.items():
        want = sum(1 for k, cnt in n.items() if cnt and k[0] == c)
        if h["cleartext_records"] != want:
            fail("host %s: cleartext_records %d, %d keys with clear-text "
                 "credentials" % (c, h["cleartext_records"], want))
    if nclear == 0 or nsw == 0:
        fail("%d records with credentials in the clear, %d with a program "
             "name: the check proves nothing" % (nclear, nsw))
    print("ok store: %d records with credentials in the clear (count, "
          "mechanisms, verdict, host), %d with a program name, as the %d "
          "keys' events say" % (nclear, nsw, len(n)))


def legacy(events_path, report_path):
    pairs, sessions, clear = {}, {}, set()
    for key, e in session_events(events_path):
        sessions[key] = sessions.get(key, 0) + 1
        if e["tlsfloor"].get(CLEAR):
            clear.add(key)
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
            worse = LEGACY | ({CLEAR} if key in clear else set())
            if r["verdict"] not in worse or r["status"] != "legacy" and \
                    r["status"] != "fixed":
                fail("%s had a legacy session but reads %s/%s" %
                     (key, r["verdict"], r["status"]))
            if hosts[key[0]]["verdict"] not in LEGACY | {CLEAR}:
                fail("host %s had a legacy session but reads %s" %
                     (key[0], hosts[key[0]]["verdict"]))
        elif r["verdict"] in LEGACY:
            fail("%s reads %s without a legacy session" % (key, r["verdict"]))
    if len(recs) != len(pairs):
        fail("%d records, %d distinct keys in the events" %
             (len(recs), len(pairs)))
    # legacy_records counts what TLS says, the clear-text sessions aside
    for c, h in hosts.items():
        want = sum(1 for k, leg in pairs.items() if leg and k[0] == c)
        if h["legacy_records"] != want:
            fail("host %s: legacy_records %d, %d keys with a legacy "
                 "session" % (c, h["legacy_records"], want))
    if nlegacy == 0:
        fail("no legacy session in the input: the check proves nothing")
    print("ok store: %d records, %d with a legacy session, all legacy in "
          "the report and the host roll-up" % (len(recs), nlegacy))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "legacy":
        legacy(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "cleartext":
        cleartext(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
