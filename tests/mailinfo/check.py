#!/usr/bin/env python3
"""check.py -- what tlsfloor says of the plaintext part of every real
sample session (pcaps/*.pcap) against tshark's own decoding of it:

  tlsfloor.cleartext_credentials  tshark decoded, from the client before
                                  any TLS handshake record of the flow, a
                                  POP3 PASS/APOP or AUTH PLAIN/LOGIN, an
                                  IMAP LOGIN password
                                  (imap.request.password) or AUTHENTICATE
                                  PLAIN/LOGIN, an SMTP AUTH password
                                  (smtp.auth.password / username_password)
  tlsfloor.smtp_helo              smtp.req.parameter of the first EHLO/HELO
  tlsfloor.server_banner          the server's first line (tcp.payload),
                                  cut at 240 bytes (caps.h)

and that the samples' password is in no output, even with
privacy.log_user on.

Usage: check.py TLSFLOOR [PCAP...]   (default: every pcaps/*.pcap)
Exit 77 (skipped) when tshark is not installed: it is a reference here,
never a dependency."""
import glob, json, os, shutil, subprocess, sys

FIELDS = ["tcp.srcport", "tcp.dstport", "tls.record.content_type",
          "pop.request.command", "pop.request.parameter", "imap.request.command", "imap.request",
          "imap.request.password", "smtp.auth.password",
          "smtp.auth.username_password", "smtp.req.command",
          "smtp.req.parameter", "tcp.payload", "tcp.flags.syn",
          "tcp.flags.ack"]


def tshark(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=\x1f",
           # the odd-port samples (pcaps/README, section 11)
           "-d", "tcp.port==2525,smtp", "-d", "tcp.port==10143,imap",
           "-d", "tcp.port==10110,pop"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True,
                         text=True).stdout
    return [dict(zip(FIELDS, l.split("\t"))) for l in out.splitlines()]


def reference(path):
    """{client port: {cred, helo, banner}} from tshark."""
    rows = tshark(path)
    sess = {}
    for r in rows:
        if r["tcp.flags.syn"] == "1" and r["tcp.flags.ack"] == "0":
            sess[r["tcp.srcport"]] = {"cred": False, "helo": None,
                                      "banner": None, "tls": False,
                                      "srv": r["tcp.dstport"]}
    for r in rows:
        cport = r["tcp.srcport"] if r["tcp.srcport"] in sess else \
            r["tcp.dstport"] if r["tcp.dstport"] in sess else None
        if cport is None:
            continue
        s = sess[cport]
        from_client = r["tcp.srcport"] == cport
        if r["tls.record.content_type"]:
            s["tls"] = True
        if s["tls"]:
            continue
        if not from_client:
            if s["banner"] is None and r["tcp.payload"]:
                data = bytes.fromhex(r["tcp.payload"].replace(":", ""))
                line = data.split(b"\n")[0]
                if line.endswith(b"\r"):
                    line = line[:-1]
                s["banner"] = line[:240].decode("latin-1")
            continue
        cmds = [c.upper() for c in r["pop.request.command"].split("\x1f")]
        pars = [p.upper() for p in r["pop.request.parameter"].split("\x1f")]
        if "PASS" in cmds or "APOP" in cmds:
            s["cred"] = True
        for c, p in zip(cmds, pars):
            if c == "AUTH" and p.split()[:1] in (["PLAIN"], ["LOGIN"]):
                s["cred"] = True
        if r["imap.request.password"] or r["smtp.auth.password"] or \
                r["smtp.auth.username_password"]:
            s["cred"] = True
        for line in r["imap.request"].split("\x1f"):
            w = line.upper().split()
            if w[1:2] == ["AUTHENTICATE"] and w[2:3] in (["PLAIN"],
                                                         ["LOGIN"]):
                s["cred"] = True
        scmd = r["smtp.req.command"].split("\x1f")
        spar = r["smtp.req.parameter"].split("\x1f")
        for c, p in zip(scmd, spar):
            # an EHLO without a name is not kept
            if c.upper() in ("EHLO", "HELO") and s["helo"] is None and p:
                s["helo"] = p
    return sess


def main():
    if shutil.which("tshark") is None:
        print("mailinfo: tshark not installed, skipped")
        sys.exit(77)
    prog = sys.argv[1]
    pcaps = sys.argv[2:] or sorted(glob.glob("pcaps/*.pcap"))
    bad = checked = creds = 0
    for path in pcaps:
        ref = reference(path)
        out = subprocess.run([prog, "-q", "-r", path, "--port", "imap:10143",
                              "--port", "pop3:10110", "--port",
                              "smtp:2525"], check=True, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            e = json.loads(line)
            t = e.get("tlsfloor", {})
            if "reason" not in t or e["event"]["dataset"] != \
                    "tlsfloor.session":
                continue
            port = str(e["source"]["port"])
            if port not in ref:
                continue            # joined mid-stream: no reference
            r = ref[port]
            got = (t["cleartext_credentials"], t.get("smtp_helo"),
                   t.get("server_banner") if not e["tlsfloor"]["mode"] ==
                   "implicit" else None)
            want = (r["cred"], r["helo"],
                    r["banner"] if t["mode"] != "implicit" else None)
            checked += 1
            creds += r["cred"]
            if got != want:
                bad += 1
                print(f"FAIL {path} client port {port}: tlsfloor {got}, "
                      f"tshark {want}")
            if r["cred"] != (t["reason"] == "cleartext_credentials"):
                bad += 1
                print(f"FAIL {path} client port {port}: reason "
                      f"{t['reason']}")
    # The samples' password, plain or in base64 (alone, and in PLAIN's
    # "\0alice\0secret"), must appear nowhere, even with log_user on.
    for fmt in ("json", "text"):
        out = subprocess.run([prog, "-q", "-f", fmt, "-c",
                              "tests/golden/log-user.yaml", "-r"] + pcaps,
                             check=True, capture_output=True).stdout
        for needle in (b"secret", b"c2VjcmV0", b"AGFsaWNlAHNlY3JldA"):
            if needle in out:
                bad += 1
                print(f"FAIL the password ({needle.decode()}) is in the "
                      f"{fmt} output")
    print(f"mailinfo: {checked} sessions checked against tshark "
          f"({creds} with clear-text credentials), {bad} failures")
    sys.exit(1 if bad else 0)


main()
