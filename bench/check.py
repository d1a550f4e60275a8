#!/usr/bin/python3
"""bench/check.py -- compare tlsfloor's JSON events with the generator's truth.

    check.py CAPTURE.pcap EVENTS.json

reads CAPTURE.pcap.expected and CAPTURE.pcap.sessions (written by bench/gen)
and the JSON Lines tlsfloor wrote for CAPTURE.pcap.  Prints one summary line
per reason (found / expected), the legacy total, the events that are not a
mail session of the capture (non-mail flows reported), the sessions missed,
and the first disagreements.  Exit status 0 when everything agrees.
"""
import ipaddress
import json
import sys

LEGACY = ("legacy_client", "legacy_negotiated", "legacy_refused")
MAIL_PORTS = {25, 110, 143, 465, 587, 993, 995}


def key(cip, cport, sip, sport):
    return (ipaddress.ip_address(cip), int(cport), ipaddress.ip_address(sip),
            int(sport))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    cap, events = sys.argv[1], sys.argv[2]
    expected = {}
    with open(cap + ".expected") as fp:
        for line in fp:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                expected[k] = v
    truth = {}
    with open(cap + ".sessions") as fp:
        for line in fp:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            truth[key(f[0], f[1], f[2], f[3])] = {
                "protocol": f[4], "mode": f[5], "reason": f[6],
                "client_max": f[7], "negotiated": f[8]}

    found = {}
    nonmail, dup, wrong = [], 0, []
    nev = 0
    with open(events) as fp:
        for line in fp:
            if not line.strip():
                continue
            nev += 1
            e = json.loads(line)
            k = key(e["source"]["ip"], e["source"]["port"],
                    e["destination"]["ip"], e["destination"]["port"])
            t = e["tlsfloor"]
            got = {"protocol": e["network"]["protocol"], "mode": t["mode"],
                   "reason": t["reason"],
                   "client_max": t.get("client_max_version") or "-",
                   "negotiated": t.get("negotiated_version") or "-"}
            if k not in truth:
                nonmail.append((k, got))
                continue
            if k in found:
                dup += 1
            found[k] = got
            want = truth[k]
            if got != want:
                wrong.append((k, want, got, t.get("outcome"),
                              t.get("anomalies")))

    reasons = ("ok",) + LEGACY + ("plaintext", "cleartext_credentials")
    ok = True
    print("tlsfloor events: %d, mail sessions in the capture: %d"
          % (nev, len(truth)))
    for r in reasons + ("unknown",):
        exp = sum(1 for v in truth.values() if v["reason"] == r)
        got = sum(1 for v in found.values() if v["reason"] == r)
        flag = "" if exp == got else "   <-- differs"
        ok &= exp == got
        print("  %-18s found %6d  expected %6d%s" % (r, got, exp, flag))
    exp_leg = sum(1 for v in truth.values() if v["reason"] in LEGACY)
    got_leg = sum(1 for v in found.values() if v["reason"] in LEGACY)
    if "legacy_sessions" in expected and int(expected["legacy_sessions"]) \
            != exp_leg:
        print("  (.expected says %s legacy sessions, .sessions %d)"
              % (expected["legacy_sessions"], exp_leg))
        ok = False
    # legacy sessions found that are right, wrong and missed
    right = sum(1 for k, v in found.items()
                if v["reason"] in LEGACY and truth[k]["reason"] == v["reason"])
    print("legacy sessions: found %d of %d expected (%d with the right reason)"
          % (got_leg, exp_leg, right))
    missed = [k for k in truth if k not in found]
    print("non-mail flows reported: %d" % len(nonmail))
    print("mail sessions missed: %d, reported twice: %d, with other findings: %d"
          % (len(missed), dup, len(wrong)))
    for k, got in nonmail[:5]:
        print("  reported, not a mail session: %s %s" % (k, got))
    for k in missed[:5]:
        print("  missed: %s %s" % (k, truth[k]))
    for k, want, got, oc, an in wrong[:10]:
        print("  %s:%d -> %s:%d\n      expected %s\n      got      %s "
              "outcome=%s anomalies=%s" % (k[0], k[1], k[2], k[3], want, got,
                                           oc, an))
    ok &= not nonmail and not missed and not dup and not wrong
    print("RESULT: %s" % ("every legacy session found, nothing else flagged"
                          if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
