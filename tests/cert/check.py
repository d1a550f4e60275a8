#!/usr/bin/env python3
"""check.py -- the server certificate fields (tls.server.*) of every
sample session against tshark's extraction of the same certificate
(tls.handshake.certificate, the first of the Certificate message) read by
openssl x509: SHA-256 of the DER (openssl x509 -outform der | sha256sum),
subject and issuer (RFC 2253), notBefore / notAfter, subjectAltName; and
that TLS 1.3 sessions (certificate encrypted) and --all-tls flows have
none.

Usage: check.py TLSFLOOR [PCAP...]   (default: pcaps/*.pcap)
Exit 77 when tshark or openssl is missing (references, not
dependencies)."""
import datetime, glob, hashlib, ipaddress, json, shutil, subprocess, sys

DECODE = ["-d", "tcp.port==2525,smtp", "-d", "tcp.port==10143,imap",
          "-d", "tcp.port==10110,pop", "-d", "tcp.port==10993,tls",
          "-d", "tcp.port==10995,tls"]


def tshark_certs(path):
    """{client port: DER of the server's first certificate}."""
    out = subprocess.run(
        ["tshark", "-n", "-r", path, *DECODE, "-Y",
         "tls.handshake.certificate", "-T", "fields", "-E",
         "occurrence=f", "-e", "tcp.dstport", "-e",
         "tls.handshake.certificate"], check=True, capture_output=True,
        text=True).stdout
    certs = {}
    for line in out.splitlines():
        port, hexder = line.split("\t")
        certs.setdefault(port, bytes.fromhex(hexder.replace(":", "")))
    return certs


def openssl(der, *args):
    return subprocess.run(["openssl", "x509", "-inform", "der", "-noout",
                           *args], input=der, check=True,
                          capture_output=True).stdout.decode()


def iso(openssl_date):
    # "notAfter=Nov 25 09:39:45 2036 GMT"
    d = datetime.datetime.strptime(openssl_date.split("=", 1)[1].strip(),
                                   "%b %d %H:%M:%S %Y %Z")
    return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def main():
    if shutil.which("tshark") is None or shutil.which("openssl") is None:
        print("cert: tshark or openssl not installed, skipped")
        sys.exit(77)
    prog = sys.argv[1]
    pcaps = sys.argv[2:] or sorted(glob.glob("pcaps/*.pcap"))
    bad = checked = none = 0
    for path in pcaps:
        ref = tshark_certs(path)
        out = subprocess.run([prog, "-q", "-c", "tests/cert/all.yaml",
                              "--port", "imap:10143", "--port",
                              "pop3:10110", "--port", "smtp:2525", "-r",
                              path], check=True, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            e = json.loads(line)
            port = str(e["source"]["port"])
            got = e.get("tls", {}).get("server", {})
            der = ref.get(port)
            neg = e["tlsfloor"]["negotiated_version"]
            if der is None or neg == "TLSv1.3":
                if "hash" in got:
                    bad += 1
                    print(f"FAIL {path} {port}: a certificate tshark "
                          f"does not show in the clear: {got}")
                none += 1
                continue
            checked += 1
            want = {
                "sha256": hashlib.sha256(der).hexdigest().upper(),
                "subject": openssl(der, "-subject", "-nameopt",
                                   "RFC2253").split("=", 1)[1].strip(),
                "issuer": openssl(der, "-issuer", "-nameopt",
                                  "RFC2253").split("=", 1)[1].strip(),
                "not_before": iso(openssl(der, "-startdate")),
                "not_after": iso(openssl(der, "-enddate")),
            }
            # the sha256sum of openssl x509 -outform der, as the issue asks
            pem = subprocess.run(["openssl", "x509", "-inform", "der"],
                                 input=der, check=True,
                                 capture_output=True).stdout
            rt = subprocess.run(["openssl", "x509", "-outform", "der"],
                                input=pem, check=True,
                                capture_output=True).stdout
            if hashlib.sha256(rt).hexdigest().upper() != want["sha256"]:
                bad += 1
                print(f"FAIL {path}: DER does not round-trip")
            have = {"sha256": got.get("hash", {}).get("sha256"),
                    "subject": got.get("subject"),
                    "issuer": got.get("issuer"),
                    "not_before": got.get("not_before"),
                    "not_after": got.get("not_after")}
            if have != want:
                bad += 1
                print(f"FAIL {path} client port {port}:\n  tlsfloor {have}"
                      f"\n  openssl  {want}")
            ext = openssl(der, "-ext", "subjectAltName").splitlines()[1:]
            sans = []
            for item in ",".join(ext).split(","):
                kind, _, v = item.strip().partition(":")
                if kind == "DNS":
                    sans.append(v)
                elif kind == "IP Address":
                    sans.append(ipaddress.ip_address(v).compressed)
            if got.get("x509", {}).get("alternative_names", []) != sans[:8]:
                bad += 1
                print(f"FAIL {path}: names {got.get('x509')}, openssl "
                      f"{sans}")
            sc = e["tlsfloor"].get("server_certificate", {})
            if sc.get("self_signed") != (want["subject"] == want["issuer"]):
                bad += 1
                print(f"FAIL {path}: self_signed {sc}")
    print(f"cert: {checked} certificates compared with tshark + openssl, "
          f"{none} sessions rightly without one, {bad} failures")
    sys.exit(1 if bad else 0)


main()
