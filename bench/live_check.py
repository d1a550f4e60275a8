#!/usr/bin/python3
"""bench/live_check.py -- read what tlsfloor wrote in one run of bench/live.sh.

    live_check.py EVENTS.json SESSIONS.json

EVENTS.json is the JSON Lines output of a live run (events: session, alert,
stats).  Writes its session events (dataset tlsfloor.session) to
SESSIONS.json, the input bench/check.py expects (it compares every line
with the generator's truth), and prints one line of key=value pairs for
the shell:

    received dropped if_dropped   the capture counters of the last stats
                                  event, summed over its interfaces (and
                                  over the entries of one interface, should
                                  a build report one per worker)
    interfaces                    how many capture entries were summed
    stats                         stats events seen (1 with stats.interval 0)
    sessions legacy               session events, those with reason legacy_*
    alerts                        alert events
    bad                           lines that are not JSON objects

A missing counter is printed as "?".  Exit status 0, or 1 when EVENTS.json
cannot be read.
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = {"received": "?", "dropped": "?", "if_dropped": "?",
           "interfaces": 0, "stats": 0, "sessions": 0, "legacy": 0,
           "alerts": 0, "bad": 0}
    try:
        src = open(sys.argv[1], encoding="utf-8", errors="replace")
    except OSError as e:
        print("live_check: %s" % e, file=sys.stderr)
        return 1
    with src, open(sys.argv[2], "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            try:
                e = json.loads(line)
                if not isinstance(e, dict):
                    raise ValueError
            except ValueError:
                out["bad"] += 1
                continue
            ds = (e.get("event") or {}).get("dataset")
            t = e.get("tlsfloor") or {}
            if ds == "tlsfloor.session":
                dst.write(line if line.endswith("\n") else line + "\n")
                out["sessions"] += 1
                if str(t.get("reason", "")).startswith("legacy_"):
                    out["legacy"] += 1
            elif ds == "tlsfloor.alert":
                out["alerts"] += 1
            elif ds == "tlsfloor.stats":
                out["stats"] += 1
                caps = t.get("capture") or []
                sums = {}
                for k in ("received", "dropped", "if_dropped"):
                    vals = [c.get(k) for c in caps]
                    sums[k] = sum(vals) if vals and all(
                        isinstance(v, int) for v in vals) else "?"
                out.update(sums)    # the last stats event wins
                out["interfaces"] = len(caps)
    print(" ".join("%s=%s" % kv for kv in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
