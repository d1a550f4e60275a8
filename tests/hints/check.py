#!/usr/bin/env python3
"""check.py -- tlsfloor.client_software of every session of the captures
the hints table (src/hints.c) was built from, against the program that
made each session (pcaps/make-samples.sh, pcaps/clients/make.sh); and no
client_software on the public captures' clients, which are in no entry
(unknown stays unknown).

Usage: check.py TLSFLOOR"""
import glob, json, os, subprocess, sys

OSSL = "OpenSSL 3.0 libssl, TLS 1.%d only (openssl s_client -tls1%s or " \
    "Python 3.11 ssl)"
# capture (or capture:n for its n-th session) -> expected software
WANT = {
    "imap-starttls-tls1_0": OSSL % (0, ""),
    "python-poplib-stls-tls1_0": OSSL % (0, ""),
    "imap-starttls-tls1_1": OSSL % (1, "_1"),
    "python-smtplib-submission-starttls-tls1_1": OSSL % (1, "_1"),
    "imap-starttls-tls1_2": OSSL % (2, "_2"),
    "python-imaplib-starttls-tls1_2": OSSL % (2, "_2"),
    "imap-starttls-tls1_3": "OpenSSL 3.0 s_client -tls1_3",
    "legacy-negotiated-imap-starttls-tls1_0":
        "OpenSSL 3.0 s_client, TLS 1.0-1.3 at SECLEVEL=0",
    "legacy-negotiated-python-smtplib-starttls-tls1_1":
        "Python 3.11 ssl (OpenSSL 3.0), TLS 1.0-1.3 at SECLEVEL=0",
    "curl-pop3-stls-tls1_0": "curl 7.88 (OpenSSL 3.0), TLS 1.0 only",
    "curl-imaps-default": "curl 7.88 (OpenSSL 3.0), mail protocols",
    "loopback-clients:1": "OpenSSL 3.0 s_client (defaults)",
    "loopback-clients:2": "Python 3.11 ssl (OpenSSL 3.0), default context",
    "loopback-clients:3":
        "Python 3.11 ssl (OpenSSL 3.0), TLS 1.0-1.3 at SECLEVEL=0",
    "loopback-clients:4": "curl 7.88 (OpenSSL 3.0), HTTPS",
    "loopback-clients:5": "Java 17 JSSE (defaults)",
    "loopback-clients:6": None,         # the JDK refused: no hello
    "loopback-java-legacy:1":
        "Java 17 JSSE, TLS 1.0 only (re-enabled in java.security)",
    "loopback-java-legacy:2":
        "Java 17 JSSE, TLS 1.0-1.3 (legacy versions re-enabled)",
}


def sessions(prog, path, *extra):
    out = subprocess.run([prog, "-q", "-c", "tests/cert/all.yaml", *extra,
                          "-r", path], check=True, capture_output=True,
                         text=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def main():
    prog = sys.argv[1]
    bad = checked = 0
    seen = set()
    for path in sorted(glob.glob("pcaps/*.pcap") +
                       glob.glob("pcaps/clients/*.pcap")):
        name = os.path.basename(path)[:-5]
        evs = sessions(prog, path, "--all-tls")
        for i, e in enumerate(evs, 1):
            key = f"{name}:{i}" if f"{name}:{i}" in WANT else name
            got = e["tlsfloor"].get("client_software")
            if key not in WANT:
                continue
            seen.add(key)
            checked += 1
            if got != WANT[key]:
                bad += 1
                print(f"FAIL {path} session {i}: {got!r}, made by "
                      f"{WANT[key]!r}")
            elif got is not None and \
                    e["tlsfloor"]["client_software_source"] != "ja4+ja3":
                bad += 1
                print(f"FAIL {path}: source "
                      f"{e['tlsfloor']['client_software_source']}")
    for k in set(WANT) - seen:
        bad += 1
        print(f"FAIL no session for {k}")
    unknown = 0
    for path in sorted(glob.glob("../shared/pcaps-public/*")):
        if path.endswith((".tsv", ".md")):
            continue
        try:
            evs = sessions(prog, path)
        except subprocess.CalledProcessError:
            continue                # not a capture tlsfloor reads
        for e in evs:
            if e.get("tls", {}).get("client", {}).get("ja4"):
                unknown += 1
                if "client_software" in e["tlsfloor"]:
                    bad += 1
                    print(f"FAIL {path}: {e['tlsfloor']['client_software']}"
                          f" for {e['tls']['client']['ja4']}, a client no "
                          f"entry was made from")
    print(f"hints: {checked} sessions named as their program, {unknown} "
          f"public sessions left unknown, {bad} failures")
    sys.exit(1 if bad else 0)


main()
