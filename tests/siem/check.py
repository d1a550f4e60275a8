#!/usr/bin/env python3
"""check.py -- the SIEM fields of every event, on the sample captures (and
the public mail captures of ../shared/pcaps-public when present):

  network.community_id   equal to this file's own Community ID v1, written
                         from the published spec (corelight/community-id-
                         spec) and checked first against its example
                         (tcp 128.232.110.120:34855 -> 66.35.250.204:80,
                         seed 0: 1:LQU9qZlK+B5F3KDmev6m5PMibrg=); seed 0 by
                         default, outputs.json.community_id_seed otherwise
  ecs.version            present in every event type
  observer.hostname      this machine's name, in every event type
  client.*, server.*     the same as source.*, destination.*
  event.outcome          success | failure | unknown, as doc/events.md maps
                         tlsfloor.outcome

Usage: check.py TLSFLOOR"""
import base64, glob, hashlib, ipaddress, json, os, socket, struct
import subprocess, sys, tempfile

OUTCOME = {"established": "success", "plaintext": "success",
           "refused": "failure", "server_close": "failure",
           "client_abort": "failure", "starttls_refused": "failure",
           "gap": "unknown", "incomplete": "unknown"}


def community_id(sip, sport, dip, dport, proto=6, seed=0):
    """Community ID v1 (spec section "Specification")."""
    a = ipaddress.ip_address(sip).packed
    b = ipaddress.ip_address(dip).packed
    if (a, sport) > (b, dport):
        a, b, sport, dport = b, a, dport, sport
    data = struct.pack("!H", seed) + a + b + struct.pack("!BB", proto, 0) \
        + struct.pack("!HH", sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def events(prog, pcaps, extra=()):
    out = subprocess.run([prog, "-q", *extra, "-r", *pcaps], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def main():
    prog = sys.argv[1]
    bad = 0

    def fail(msg):
        nonlocal bad
        bad += 1
        print("FAIL", msg)

    # the spec's example, both ways round
    want = "1:LQU9qZlK+B5F3KDmev6m5PMibrg="
    for args in (("128.232.110.120", 34855, "66.35.250.204", 80),
                 ("66.35.250.204", 80, "128.232.110.120", 34855)):
        if community_id(*args) != want:
            fail(f"own Community ID of {args}: {community_id(*args)}")

    host = socket.gethostname()
    pcaps = sorted(glob.glob("pcaps/*.pcap"))
    public = [p for p in sorted(glob.glob("../shared/pcaps-public/*"))
              if any(w in os.path.basename(p) for w in
                     ("imap", "pop", "smtp", "mail"))]
    tmp = tempfile.mkdtemp(prefix="tlsfloor-siem.")
    runs = [(pcaps, (), 0), (pcaps[:5], ("-c", "tests/siem/seed.yaml",
                                         "--inventory", tmp + "/inv"), 4711)]
    if public:
        runs.append((public, (), 0))
    nsess = nev = 0
    kinds = set()
    for files, extra, seed in runs:
        # one file at a time for the public ones: some are not readable
        for evs in ([events(prog, [f], extra) for f in files]
                    if files is public else [events(prog, files, extra)]):
            for e in evs:
                nev += 1
                ds = e["event"]["dataset"]
                kinds.add(ds)
                if e.get("ecs", {}).get("version") != "8.11.0":
                    fail(f"{ds}: ecs.version {e.get('ecs')}")
                if e.get("observer", {}).get("hostname") != host:
                    fail(f"{ds}: observer {e.get('observer')}")
                if "source" in e and \
                        e.get("client", {}).get("ip") != e["source"]["ip"]:
                    fail(f"{ds}: client {e.get('client')} source "
                         f"{e['source']}")
                if "destination" in e and e.get("server") != \
                        e["destination"] and ds != "tlsfloor.alert_summary":
                    fail(f"{ds}: server {e.get('server')}")
                if ds not in ("tlsfloor.session", "tlsfloor.alert"):
                    continue
                nsess += 1
                s, d = e["source"], e["destination"]
                if e.get("client") != s:
                    fail(f"client {e.get('client')} != source {s}")
                cid = community_id(s["ip"], s["port"], d["ip"], d["port"],
                                   seed=seed)
                got = e["network"].get("community_id")
                if got != cid:
                    fail(f"{s} -> {d} seed {seed}: community_id {got}, "
                         f"computed {cid}")
                oc = e["tlsfloor"]["outcome"]
                if e["event"].get("outcome") != OUTCOME[oc]:
                    fail(f"outcome {oc}: event.outcome "
                         f"{e['event'].get('outcome')}")
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    for k in ("tlsfloor.session", "tlsfloor.alert", "tlsfloor.stats",
              "tlsfloor.inventory", "tlsfloor.alert_summary"):
        if k not in kinds:
            fail(f"no {k} event was seen")
    print(f"siem: {nev} events ({', '.join(sorted(kinds))}), {nsess} "
          f"Community IDs computed independently, {bad} failures")
    sys.exit(1 if bad else 0)


main()
