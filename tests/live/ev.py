"""Read tlsfloor's JSON Lines events and inventory files for tests/live/run.sh.

Prints tab-separated rows the shell script compares ('-' for a missing or
null field).  Every row starts with the 1-based line number of the event
in the concatenation of the files given, so the script can ask for events
written after a mark.  A last line without its newline (being written) is
not read yet.

  ev.py sessions FILE...      session and alert events:
      n dataset src.ip src.port dst.ip dst.port protocol mode
      client_max negotiated outcome reason floor end start
      (start: event.start in seconds since the epoch)
  ev.py verdicts FILE...      session events, sorted, without times:
      src.ip src.port dst.ip dst.port protocol mode client_max
      negotiated outcome reason
  ev.py stats FILE...         stats events, one row per interface:
      n interface received dropped if_dropped
  ev.py inventory-events FILE...   inventory events:
      n client server server_port protocol verdict sessions
  ev.py bad FILE...           lines that are not JSON objects: n text
  ev.py inventory-json PATH   the inventory file's records:
      client server server_port protocol verdict sessions client_max
  ev.py inventory-csv PATH    the same from the CSV file
"""
import csv
import datetime
import json
import sys


def events(paths):
    n = 0
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            continue
        for line in data.split("\n")[:-1]:
            n += 1
            try:
                e = json.loads(line)
                if not isinstance(e, dict):
                    raise ValueError
            except ValueError:
                e = {"_bad": line}
            yield n, e


def g(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return "-"
        d = d[k]
    if d is None:
        return "-"
    if isinstance(d, bool):
        return "true" if d else "false"
    return str(d)


def epoch(text):
    """RFC 3339 UTC ("2026-11-28T10:12:13.095273Z") to seconds, or -."""
    try:
        t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except (TypeError, ValueError):
        return "-"
    t = t.replace(tzinfo=datetime.timezone.utc)
    return "%.6f" % t.timestamp()


def row(*fields):
    print("\t".join(str(f) for f in fields))


def record_row(r):
    row(g(r, "client"), g(r, "server"), g(r, "server_port"), g(r, "protocol"),
        g(r, "verdict"), g(r, "sessions"), g(r, "client_max_version"))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sessions":
        for n, e in events(args):
            ds = g(e, "event", "dataset")
            if ds in ("tlsfloor.session", "tlsfloor.alert"):
                row(n, ds, g(e, "source", "ip"), g(e, "source", "port"),
                    g(e, "destination", "ip"), g(e, "destination", "port"),
                    g(e, "network", "protocol"), g(e, "tlsfloor", "mode"),
                    g(e, "tlsfloor", "client_max_version"),
                    g(e, "tlsfloor", "negotiated_version"),
                    g(e, "tlsfloor", "outcome"), g(e, "tlsfloor", "reason"),
                    g(e, "tlsfloor", "floor"), g(e, "tlsfloor", "end"),
                    epoch(g(e, "event", "start")))
    elif cmd == "verdicts":
        rows = []
        for n, e in events(args):
            if g(e, "event", "dataset") == "tlsfloor.session":
                rows.append("\t".join((
                    g(e, "source", "ip"), g(e, "source", "port"),
                    g(e, "destination", "ip"), g(e, "destination", "port"),
                    g(e, "network", "protocol"), g(e, "tlsfloor", "mode"),
                    g(e, "tlsfloor", "client_max_version"),
                    g(e, "tlsfloor", "negotiated_version"),
                    g(e, "tlsfloor", "outcome"),
                    g(e, "tlsfloor", "reason"))))
        for r in sorted(rows):
            print(r)
    elif cmd == "stats":
        for n, e in events(args):
            if g(e, "event", "dataset") != "tlsfloor.stats":
                continue
            caps = (e.get("tlsfloor") or {}).get("capture") or []
            for c in caps:
                row(n, g(c, "interface"), g(c, "received"), g(c, "dropped"),
                    g(c, "if_dropped"))
            if not caps:
                row(n, "-", "-", "-", "-")
    elif cmd == "inventory-events":
        for n, e in events(args):
            if g(e, "event", "dataset") == "tlsfloor.inventory":
                r = (e.get("tlsfloor") or {}).get("inventory") or {}
                row(n, g(r, "client"), g(r, "server"), g(r, "server_port"),
                    g(r, "protocol"), g(r, "verdict"), g(r, "sessions"))
    elif cmd == "bad":
        for n, e in events(args):
            if "_bad" in e:
                row(n, e["_bad"][:200])
    elif cmd == "inventory-json":
        with open(args[0]) as f:
            inv = json.load(f)
        for r in inv["records"]:
            record_row(r)
    elif cmd == "inventory-csv":
        with open(args[0], newline="") as f:
            for r in csv.DictReader(f):
                record_row(r)
    else:
        sys.exit("ev.py: unknown command " + cmd)


main()
